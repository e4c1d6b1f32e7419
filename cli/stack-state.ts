/**
 * What a deployed stack says about its credentials, from `terraform output -json` and
 * `terraform show -json` (the state): where the store is, and what each credential declares.
 * The parsing is pure; `readOutputs` and `readState` run terraform in the stack directory.
 */
import type { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONSTRUCT_IDS } from '../handlers/contract/construct-ids';
import { CredentialInput, PROVIDER_ENV, validateCredentialInput } from '../handlers/contract/credential';
import { CredentialError, ValidationError } from '../handlers/errors';
import { credentialIdFor } from '../handlers/secret-format';
import { terraform } from '../local/terraform';
import { REGION_PATTERN, TABLE_NAME_PATTERN } from '../handlers/contract/aws-names';

export type Outputs = Record<string, { value: unknown }>;

export interface StoreLocation {
  readonly tableName: string;
  readonly region: string;
}

export interface StoreFlags {
  readonly table?: string;
  readonly region?: string;
}

/** A credential as the state declares it. */
export interface StateCredential {
  /** The invocation's address. */
  readonly address: string;
  /** The `terraform_data` instance's address: what `-replace` takes. */
  readonly instanceAddress?: string;
  readonly credentialId: string;
  readonly input: CredentialInput;
}

const isObject = (value: unknown): value is Record<string, any> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A terraform failure the user can act on (wrong folder, no init): one line, exit 1. */
export class StackError extends CredentialError {}

/**
 * The store's table and region: flags first, then the stack's stores (the `CredentialStore`
 * outputs, and with `state` the provider functions in it, which is how a configuration calling the
 * Terraform module is found), then the environment's region. Several stores in one stack need `--table`.
 */
export function resolveStoreLocation(
  flags: StoreFlags,
  outputs: Outputs | undefined,
  environmentRegion: string | undefined,
  state?: unknown,
): StoreLocation {
  const stores = mergeStores([...(outputs === undefined ? [] : storesInOutputs(outputs)), ...(state === undefined ? [] : storesInState(state))]);
  let tableName = flags.table;
  let region = flags.region;
  if (tableName === undefined) {
    if (outputs === undefined && state === undefined) {
      throw new ValidationError('store', 'neither --dir nor --table', 'a stack directory (--dir) or a table name (--table, with --region)');
    }
    if (stores.length !== 1) {
      throw new ValidationError(
        'store',
        stores.length === 0 ? 'no credential store in the stack (no CredentialStore outputs, no provider function in its state)' : `${stores.length} stores (${stores.map((s) => s.tableName).join(', ')})`,
        'exactly one store (a CredentialStore, or a call of the Terraform module) in the stack, or --table to pick one',
      );
    }
    tableName = stores[0].tableName;
  }
  region ??= stores.find((s) => s.tableName === tableName)?.region ?? environmentRegion;
  if (region === undefined) {
    throw new ValidationError('region', 'none', '--region, the stack\'s TableRegion output, or AWS_REGION');
  }
  if (!TABLE_NAME_PATTERN.test(tableName)) throw new ValidationError('--table', JSON.stringify(tableName), 'a DynamoDB table name');
  if (!REGION_PATTERN.test(region)) throw new ValidationError('--region', JSON.stringify(region), 'an AWS region such as us-east-1');
  return { tableName, region };
}

export interface FoundStore {
  readonly tableName: string;
  readonly region?: string;
}

/** A store's table name output, `<store path>_TableName_<hash>`: the store's path is the first group. */
const TABLE_NAME_OUTPUT = new RegExp(`^(.+)_${CONSTRUCT_IDS.TABLE_NAME}_[0-9A-F]{8}$`);

export function storesInOutputs(outputs: Outputs): FoundStore[] {
  const stores: FoundStore[] = [];
  const find = (prefix: string, name: string) =>
    Object.entries(outputs).find(([key]) => new RegExp(`^${prefix}_${name}_[0-9A-F]{8}$`).test(key))?.[1].value;
  for (const [key, { value }] of Object.entries(outputs)) {
    const match = TABLE_NAME_OUTPUT.exec(key);
    if (!match || typeof value !== 'string' || find(match[1], CONSTRUCT_IDS.PROVIDER_FUNCTION_NAME) === undefined) continue;
    const region = find(match[1], CONSTRUCT_IDS.TABLE_REGION);
    stores.push({ tableName: value, ...(typeof region === 'string' ? { region } : {}) });
  }
  return stores;
}

/**
 * The stores whose credential provider function is in the state, in any module: a function whose
 * environment names both the table and the secret prefix (the gateway's functions name only the table).
 */
export function storesInState(state: unknown): FoundStore[] {
  if (!isObject(state) || !isObject(state.values)) return [];
  const stores: FoundStore[] = [];
  for (const resource of resourcesOf(state.values.root_module)) {
    if (resource.mode === 'data' || resource.type !== 'aws_lambda_function' || !isObject(resource.values)) continue;
    const environment = Array.isArray(resource.values.environment) ? resource.values.environment[0] : undefined;
    const variables = isObject(environment) && isObject(environment.variables) ? environment.variables : {};
    const tableName = variables[PROVIDER_ENV.TABLE_NAME];
    if (typeof tableName !== 'string' || typeof variables[PROVIDER_ENV.SECRET_PREFIX] !== 'string') continue;
    // arn:<partition>:lambda:<region>:<account>:function:<name>
    const region = typeof resource.values.arn === 'string' ? resource.values.arn.split(':')[3] : undefined;
    stores.push({ tableName, ...(region ? { region } : {}) });
  }
  return stores;
}

/** One entry per table, with a region if any source knows it. */
function mergeStores(stores: FoundStore[]): FoundStore[] {
  const byTable = new Map<string, FoundStore>();
  for (const store of stores) {
    const known = byTable.get(store.tableName);
    byTable.set(store.tableName, known?.region !== undefined ? known : { ...known, ...store });
  }
  return [...byTable.values()];
}

/** The outputs of a state (`terraform show -json`), in the shape of `terraform output -json`. */
export function outputsOfState(state: unknown): Outputs {
  const outputs = isObject(state) && isObject(state.values) && isObject(state.values.outputs) ? state.values.outputs : {};
  return outputs as Outputs;
}

function resourcesOf(module: unknown): Record<string, any>[] {
  if (!isObject(module)) return [];
  const own = Array.isArray(module.resources) ? module.resources.filter(isObject) : [];
  const children = Array.isArray(module.child_modules) ? module.child_modules.flatMap(resourcesOf) : [];
  return [...own, ...children];
}

/** Every credential the state declares: the CRUD invocations whose input is a credential's. */
export function credentialsInState(state: unknown): StateCredential[] {
  if (!isObject(state) || state.format_version === undefined) {
    throw new ValidationError('state JSON', typeof state, 'the output of `terraform show -json` in the stack directory');
  }
  const resources = resourcesOf(isObject(state.values) ? state.values.root_module : undefined).filter((r) => r.mode !== 'data');
  const credentials: StateCredential[] = [];
  for (const resource of resources) {
    if (resource.type !== 'aws_lambda_invocation' || !isObject(resource.values)) continue;
    let input: CredentialInput;
    try {
      input = validateCredentialInput(JSON.parse(String(resource.values.input)));
    } catch {
      continue; // another invocation of the stack
    }
    const instance = resources.find((r) => r.type === 'terraform_data' && r.values?.id === input.instanceId);
    credentials.push({
      address: String(resource.address),
      ...(instance ? { instanceAddress: String(instance.address) } : {}),
      credentialId: credentialIdFor(input.instanceId),
      input,
    });
  }
  return credentials.sort((a, b) => a.input.name.localeCompare(b.input.name));
}

/**
 * The credential ids a state declares, from `terraform show -json` (as `credentialsInState`) or
 * from a raw state file (`terraform.tfstate`, `terraform state pull`): its invocations' inputs.
 */
export function declaredCredentialIds(state: unknown): string[] {
  if (isObject(state) && state.format_version !== undefined) return credentialsInState(state).map((c) => c.credentialId);
  if (!isObject(state) || !Array.isArray(state.resources)) {
    throw new ValidationError('--also-declared-in', typeof state, 'a stack directory, a state file or the output of `terraform show -json`');
  }
  const ids: string[] = [];
  for (const resource of state.resources.filter(isObject)) {
    if (resource.mode === 'data' || resource.type !== 'aws_lambda_invocation' || !Array.isArray(resource.instances)) continue;
    for (const instance of resource.instances.filter(isObject)) {
      try {
        ids.push(credentialIdFor(validateCredentialInput(JSON.parse(String(instance.attributes?.input))).instanceId));
      } catch {
        // another invocation
      }
    }
  }
  return ids;
}

/** A further state whose declarations count (`--also-declared-in`): a stack directory (read with terraform) or a JSON file. */
export async function readDeclaredIds(location: string): Promise<string[]> {
  if (fs.existsSync(location) && fs.statSync(location).isFile()) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(location, 'utf8'));
    } catch {
      throw new ValidationError('--also-declared-in', JSON.stringify(location), 'a stack directory, a state file or the output of `terraform show -json`');
    }
    return declaredCredentialIds(json);
  }
  return declaredCredentialIds(await readState(location));
}

function checkStackDir(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ValidationError('--dir', JSON.stringify(dir), 'an existing stack directory (cdktf.out/stacks/<stack>, or the configuration calling the Terraform module)');
  }
  if (!fs.readdirSync(dir).some((f) => f === 'cdk.tf.json' || f.endsWith('.tf') || f.endsWith('.tf.json'))) {
    throw new ValidationError(
      '--dir',
      JSON.stringify(dir),
      'a stack directory holding cdk.tf.json (cdktf.out/stacks/<stack>) or .tf files; or give --table and --region',
    );
  }
  if (!fs.existsSync(path.join(dir, '.terraform'))) {
    throw new StackError(`${dir} is not initialised: run terraform init there first`);
  }
}

async function runTerraformJson(dir: string, args: string[]): Promise<unknown> {
  checkStackDir(dir);
  const result = await terraform(args, { cwd: dir, timeoutMs: 120_000, okCodes: [0, 1] }).catch((error: Error) => {
    throw new StackError(error.message.split('\n')[0]);
  });
  if (result.code !== 0) {
    const detail = result.stderr.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.replace(/^[│╷╵ ]+/, '').trim()).filter(Boolean);
    throw new StackError(`terraform ${args.join(' ')} failed in ${dir}: ${detail.slice(0, 3).join(' ') || `exit ${result.code}`}`);
  }
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new StackError(`terraform ${args.join(' ')} in ${dir} printed no JSON`);
  }
}

export async function readOutputs(dir: string): Promise<Outputs> {
  return (await runTerraformJson(dir, ['output', '-json'])) as Outputs;
}

export async function readState(dir: string): Promise<unknown> {
  return runTerraformJson(dir, ['show', '-json', '-no-color']);
}

/** The options every store-reading command takes: where the stack is, or the table and region directly. */
export function withStoreOptions(command: Command, dirHelp: string): Command {
  return command
    .option('--dir <dir>', dirHelp, '.')
    .option('--table <name>', 'the credential table (default: the stack output)')
    .option('--region <region>', 'its region (default: the stack output, else AWS_REGION)');
}
