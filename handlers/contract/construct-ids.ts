/**
 * The construct ids the CLI finds a credential store by. cdktf derives every resource's and every
 * output's logical id from its construct path (the ids joined by `_`, then a hash), so a plan
 * (`review`) and the stack's outputs (`drift`, `list`) show a store only through these ids: the
 * constructs name their children with these constants and the CLI matches the same constants.
 * Renaming one would hide existing stores from the CLI, so they never change. Pure.
 */

export const CONSTRUCT_IDS = {
  /** The `CredentialStore`'s provider function (a `CredentialProviderFunction`). */
  PROVIDER: 'Provider',
  /** The `aws_lambda_function` of every `BundledFunction`: the provider's is `<store>_Provider_Function_<hash>`. */
  FUNCTION: 'Function',
  /** The store's output holding its provider function's name. */
  PROVIDER_FUNCTION_NAME: 'ProviderFunctionName',
  /** The store's output holding its table's name. */
  TABLE_NAME: 'TableName',
  /** The store's output holding its table's region. */
  TABLE_REGION: 'TableRegion',
} as const;

const PROVIDER_FUNCTION_NAME_OUTPUT = new RegExp(`(^|_)${CONSTRUCT_IDS.PROVIDER_FUNCTION_NAME}(_|$)`);
const PROVIDER_FUNCTION_ADDRESS = new RegExp(`_${CONSTRUCT_IDS.PROVIDER}_${CONSTRUCT_IDS.FUNCTION}_`);

/** Whether a plan's output key (`<store path>_ProviderFunctionName_<hash>`) is a store's provider function name. */
export function isProviderFunctionNameOutput(key: string): boolean {
  return PROVIDER_FUNCTION_NAME_OUTPUT.test(key);
}

/** Whether an `aws_lambda_function`'s address (`…_Provider_Function_<hash>`) is a store's provider function. */
export function isProviderFunctionAddress(address: string): boolean {
  return PROVIDER_FUNCTION_ADDRESS.test(address);
}
