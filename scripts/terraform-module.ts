/**
 * `npm run build:terraform`: the Terraform module's generated files, from the same sources as the
 * constructs and the provider, so the two routes cannot drift apart.
 *
 * 1. `terraform/credential-provider.zip`, `terraform/gateway-token.zip` and
 *    `terraform/gateway-records.zip`: byte-for-byte copies of the bundles `npm run build` writes to
 *    `dist/assets/` (the ones the npm package ships and the constructs deploy).
 * 2. `terraform/contract.generated.tf`: `local.contract`, the scope and auth type names, limits,
 *    validation patterns, table layout, environment names and the provider's settings and IAM
 *    actions, from `handlers/contract/`, `lib/store-rules.ts`, `lib/principal-arn.ts` and
 *    `providers/function-settings.ts`.
 *
 * 3. `terraform/policies.generated.tf`: the resource policies and the guardrail, from
 *    `lib/policies.ts` (scripts/policy-hcl.ts), statement for statement what the constructs render.
 * 4. `terraform/fields.generated.tf`: `var.credentials` and its validations, and the declared
 *    fields' normalised values and declaration lines, from `EDITABLE_FIELDS` (scripts/fields-hcl.ts).
 *
 * All are committed: a module is used from a path or a git ref, with no build step of its own.
 * `test/unit/scripts/terraform-module.test.ts` fails while either is stale.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH_TYPE_NAMES, CLIENT_ID_PREFIX, CONTROL_CHARACTER_PATTERN, CREDENTIAL_ID_LENGTH, CREDENTIAL_ID_SALT, DECLARATION_FORMAT, DEFAULT_ROTATION_GRACE_PERIOD_HOURS, DESCRIPTION_MAX_LENGTH, EXPIRES_AFTER_DAYS_MAX, GRACE_PERIOD_MAX_HOURS, NAME_MAX_LENGTH, PROVIDER_ENV, SCOPE_NAMES, SECRET_TAGS, UNSAFE_TEXT_CHARACTERS } from '../handlers/contract/credential';
import { DECLARATION_KIND, DECLARATIONS_KIND } from '../handlers/contract/declaration';
import { READ_ACTION, READ_BATCH_KEY_PATTERN } from '../handlers/contract/drift';
import { BACKEND_URL_PATTERN, DATA_API_ROUTES, GATEWAY_NAME_PATTERN, ISSUER_PATTERN, MAX_AUTH_CACHE_TTL_SECONDS, MAX_INTROSPECTION_CLIENTS, VERIFIER_ENV } from '../handlers/contract/gateway';
import { LAMBDA_FUNCTION_ARN_PATTERN } from '../handlers/contract/aws-names';
import { TABLE } from '../handlers/contract/table';
import { DEFAULT_AUTH_CACHE_TTL_SECONDS, DEFAULT_GATEWAY_LOG_RETENTION_DAYS, GATEWAY_API } from '../lib/gateway-rules';
import { PRINCIPAL_ARN_PATTERN } from '../lib/principal-arn';
import {
  ADOPTED_SECRET_ARN_PATTERN,
  KMS_KEY_ARN_PATTERN,
  LOG_RETENTION_DAYS,
  ROTATION_TRIGGER_MAX_LENGTH,
  SECRET_ARN_SUFFIX_PATTERN,
  SECRET_NAME_PATTERN,
  SECRET_PREFIX_PATTERN,
  SECRET_READER_ACTIONS,
  STORE_NAME_PATTERN,
  TABLE_READ_ACTIONS,
  TABLE_WRITE_ACTIONS,
} from '../lib/store-rules';
import {
  CREDENTIAL_PROVIDER,
  CUSTOMER_KEY_ACTIONS,
  DEFAULT_RESERVED_CONCURRENCY,
  FUNCTION_HANDLER,
  FUNCTION_MEMORY_MB,
  GATEWAY_FUNCTION_ACTIONS,
  GATEWAY_FUNCTIONS,
  LOG_WRITE_ACTIONS,
  MAX_RESERVED_CONCURRENCY,
  PROVIDER_RUNTIME,
} from '../providers/function-settings';
import { HANDLER_ASSET_DIR } from '../providers/handler-assets';
import { buildHandlerAssets } from './build';
import { fieldsHcl } from './fields-hcl';
import { policiesHcl } from './policy-hcl';
import { REPO_ROOT } from './bundle';

export const MODULE_DIR = join(REPO_ROOT, 'terraform');
export const MODULE_CONTRACT_FILE = join(MODULE_DIR, 'contract.generated.tf');
export const MODULE_POLICIES_FILE = join(MODULE_DIR, 'policies.generated.tf');
export const MODULE_FIELDS_FILE = join(MODULE_DIR, 'fields.generated.tf');
export const MODULE_PROVIDER_ZIP = join(MODULE_DIR, 'credential-provider.zip');
export const BUILT_PROVIDER_ZIP = join(REPO_ROOT, HANDLER_ASSET_DIR, 'credential-provider.zip');
/** The gateway functions' bundles: the module's copies and the package build's, by kind. */
export const GATEWAY_ZIPS = (['token', 'records'] as const).map((kind) => ({
  kind,
  module: join(MODULE_DIR, `${GATEWAY_FUNCTIONS[kind].handler}.zip`),
  built: join(REPO_ROOT, HANDLER_ASSET_DIR, `${GATEWAY_FUNCTIONS[kind].handler}.zip`),
}));

/** A JavaScript regular expression as an RE2 pattern for Terraform's `regex()`; only the syntax both share. */
export function re2Pattern(pattern: RegExp): string {
  if (pattern.flags !== '') throw new Error(`re2Pattern: ${pattern} has flags, which Terraform's regex() cannot take`);
  // RE2 writes a code point as \x{hhhh}; JavaScript's \uhhhh means nothing to it.
  return pattern.source.replace(/\\u([0-9a-fA-F]{4})/g, '\\x{$1}');
}

type HclValue = string | number | boolean | readonly HclValue[] | { readonly [key: string]: HclValue };

/** An HCL literal on one line. Strings are JSON strings with template sequences escaped. */
function hcl(value: HclValue): string {
  if (typeof value === 'string') return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(hcl).join(', ')}]`;
  const entries = Object.entries(value as Record<string, HclValue>);
  return `{ ${entries.map(([k, v]) => `${k} = ${hcl(v)}`).join(', ')} }`;
}

/** What `local.contract` holds, by name. */
export function contractValues(): Record<string, HclValue> {
  return {
    scope_names: SCOPE_NAMES,
    auth_type_names: AUTH_TYPE_NAMES,
    name_max_length: NAME_MAX_LENGTH,
    description_max_length: DESCRIPTION_MAX_LENGTH,
    control_character_pattern: re2Pattern(CONTROL_CHARACTER_PATTERN),
    unsafe_text_pattern: re2Pattern(UNSAFE_TEXT_CHARACTERS),
    grace_period_max_hours: GRACE_PERIOD_MAX_HOURS,
    expires_after_days_max: EXPIRES_AFTER_DAYS_MAX,
    default_rotation_grace_period_hours: DEFAULT_ROTATION_GRACE_PERIOD_HOURS,
    rotation_trigger_max_length: ROTATION_TRIGGER_MAX_LENGTH,
    credential_key_pattern: re2Pattern(READ_BATCH_KEY_PATTERN),
    credential_id_salt: CREDENTIAL_ID_SALT,
    credential_id_length: CREDENTIAL_ID_LENGTH,
    client_id_prefix: CLIENT_ID_PREFIX,
    declaration_kind: DECLARATION_KIND,
    declarations_kind: DECLARATIONS_KIND,
    read_action: READ_ACTION,
    store_name_pattern: re2Pattern(STORE_NAME_PATTERN),
    secret_prefix_pattern: re2Pattern(SECRET_PREFIX_PATTERN),
    secret_name_pattern: re2Pattern(SECRET_NAME_PATTERN),
    kms_key_arn_pattern: re2Pattern(KMS_KEY_ARN_PATTERN),
    principal_arn_pattern: re2Pattern(PRINCIPAL_ARN_PATTERN),
    log_retention_days: LOG_RETENTION_DAYS,
    table_partition_key: TABLE.PARTITION_KEY,
    table_ttl_attribute: TABLE.TTL_ATTRIBUTE,
    table_credential_prefix: TABLE.CREDENTIAL_PREFIX,
    table_key_hash_prefix: TABLE.KEY_HASH_PREFIX,
    table_write_actions: TABLE_WRITE_ACTIONS,
    table_read_actions: TABLE_READ_ACTIONS,
    secret_reader_actions: SECRET_READER_ACTIONS,
    secret_tag_store: SECRET_TAGS.STORE,
    secret_tag_declaration: SECRET_TAGS.DECLARATION,
    declaration_format: DECLARATION_FORMAT,
    provider_env_table_name: PROVIDER_ENV.TABLE_NAME,
    provider_env_secret_prefix: PROVIDER_ENV.SECRET_PREFIX,
    provider_env_hash_key_secret_arn: PROVIDER_ENV.HASH_KEY_SECRET_ARN,
    provider_runtime: PROVIDER_RUNTIME,
    provider_handler: FUNCTION_HANDLER,
    provider_memory_mb: FUNCTION_MEMORY_MB,
    provider_timeout_seconds: CREDENTIAL_PROVIDER.timeoutSeconds,
    provider_description: CREDENTIAL_PROVIDER.description,
    provider_policy_name: CREDENTIAL_PROVIDER.policyName,
    provider_record_actions: CREDENTIAL_PROVIDER.recordActions,
    provider_secret_write_actions: CREDENTIAL_PROVIDER.secretWriteActions,
    provider_secret_read_actions: CREDENTIAL_PROVIDER.secretReadActions,
    table_key_actions: CUSTOMER_KEY_ACTIONS.table,
    environment_key_actions: CUSTOMER_KEY_ACTIONS.environment,
    secrets_key_actions: CUSTOMER_KEY_ACTIONS.secrets,
    log_write_actions: LOG_WRITE_ACTIONS,
    max_reserved_concurrency: MAX_RESERVED_CONCURRENCY,
    // Adoption (`adopt.from_secret_arn`).
    adopted_secret_arn_pattern: re2Pattern(ADOPTED_SECRET_ARN_PATTERN),
    secret_arn_suffix_pattern: re2Pattern(SECRET_ARN_SUFFIX_PATTERN),
    // The Data API gateway (`var.gateway`, gateway.tf).
    table_token_prefix: TABLE.TOKEN_PREFIX,
    table_last_used_attribute: TABLE.LAST_USED_ATTRIBUTE,
    gateway_name_pattern: re2Pattern(GATEWAY_NAME_PATTERN),
    gateway_backend_url_pattern: re2Pattern(BACKEND_URL_PATTERN),
    gateway_issuer_pattern: re2Pattern(ISSUER_PATTERN),
    lambda_function_arn_pattern: re2Pattern(LAMBDA_FUNCTION_ARN_PATTERN),
    gateway_max_auth_cache_ttl_seconds: MAX_AUTH_CACHE_TTL_SECONDS,
    gateway_max_introspection_clients: MAX_INTROSPECTION_CLIENTS,
    gateway_default_auth_cache_ttl_seconds: DEFAULT_AUTH_CACHE_TTL_SECONDS,
    gateway_default_log_retention_days: DEFAULT_GATEWAY_LOG_RETENTION_DAYS,
    gateway_env_table_name: VERIFIER_ENV.TABLE_NAME,
    gateway_env_hash_key_secret_arn: VERIFIER_ENV.HASH_KEY_SECRET_ARN,
    gateway_env_backend_function_arn: VERIFIER_ENV.BACKEND_FUNCTION_ARN,
    gateway_env_backend_url: VERIFIER_ENV.BACKEND_URL,
    gateway_env_auth_cache_ttl_seconds: VERIFIER_ENV.AUTH_CACHE_TTL_SECONDS,
    gateway_env_issuer: VERIFIER_ENV.ISSUER,
    gateway_env_introspection_credential_ids: VERIFIER_ENV.INTROSPECTION_CREDENTIAL_IDS,
    gateway_functions: Object.fromEntries(
      (['token', 'records'] as const).map((kind) => [
        kind,
        {
          asset: `${GATEWAY_FUNCTIONS[kind].handler}.zip`,
          description: GATEWAY_FUNCTIONS[kind].description,
          policy_name: GATEWAY_FUNCTIONS[kind].policyName,
          timeout_seconds: GATEWAY_FUNCTIONS[kind].timeoutSeconds,
          default_reserved_concurrency: DEFAULT_RESERVED_CONCURRENCY[kind],
        },
      ]),
    ),
    gateway_read_actions: GATEWAY_FUNCTION_ACTIONS.read,
    gateway_put_token_actions: GATEWAY_FUNCTION_ACTIONS.putTokens,
    gateway_revoke_token_actions: GATEWAY_FUNCTION_ACTIONS.revokeTokens,
    gateway_stamp_last_used_actions: GATEWAY_FUNCTION_ACTIONS.stampLastUsed,
    gateway_invoke_backend_actions: GATEWAY_FUNCTION_ACTIONS.invokeBackend,
    gateway_read_hash_key_actions: GATEWAY_FUNCTION_ACTIONS.readHashKey,
    gateway_api: {
      description: GATEWAY_API.description,
      protocol_type: GATEWAY_API.protocolType,
      stage_name: GATEWAY_API.stageName,
      throttling_burst_limit: GATEWAY_API.throttlingBurstLimit,
      throttling_rate_limit: GATEWAY_API.throttlingRateLimit,
      integration_type: GATEWAY_API.integrationType,
      integration_method: GATEWAY_API.integrationMethod,
      payload_format_version: GATEWAY_API.payloadFormatVersion,
      integration_timeout_milliseconds: GATEWAY_API.integrationTimeoutMilliseconds,
      invoke_statement_id: GATEWAY_API.invokeStatementId,
      invoke_principal: GATEWAY_API.invokePrincipal,
    },
    // The routes by the module's keys: those of the token function, and the records routes by API version.
    gateway_oauth_routes: {
      token: DATA_API_ROUTES.TOKEN,
      revoke: DATA_API_ROUTES.REVOKE,
      introspect: DATA_API_ROUTES.INTROSPECT,
      server_metadata: DATA_API_ROUTES.SERVER_METADATA,
      resource_metadata: DATA_API_ROUTES.RESOURCE_METADATA,
    },
    gateway_records_routes: Object.fromEntries(DATA_API_ROUTES.VERSIONS.map((version) => [version, DATA_API_ROUTES.recordsRoute(version)])),
  };
}

/** The text of `terraform/contract.generated.tf`, laid out as `terraform fmt` leaves it. */
export function contractHcl(): string {
  const entries = Object.entries(contractValues());
  const width = Math.max(...entries.map(([key]) => key.length));
  return [
    '# Generated by `npm run build:terraform` from handlers/contract/, lib/store-rules.ts,',
    '# lib/gateway-rules.ts, lib/principal-arn.ts and providers/function-settings.ts: the values the',
    '# constructs, the provider and the gateway use. Do not edit; change those files and run',
    '# `npm run build:terraform`.',
    '',
    'locals {',
    '  contract = {',
    ...entries.map(([key, value]) => `    ${key.padEnd(width)} = ${hcl(value)}`),
    '  }',
    '}',
    '',
  ].join('\n');
}

export function writeModuleFiles(): void {
  copyFileSync(BUILT_PROVIDER_ZIP, MODULE_PROVIDER_ZIP);
  for (const zip of GATEWAY_ZIPS) copyFileSync(zip.built, zip.module);
  writeFileSync(MODULE_CONTRACT_FILE, contractHcl());
  writeFileSync(MODULE_POLICIES_FILE, policiesHcl());
  writeFileSync(MODULE_FIELDS_FILE, fieldsHcl());
}

if (require.main === module) {
  // The zip is the package build's own output, copied: one build, one set of bytes.
  buildHandlerAssets();
  writeModuleFiles();
  console.log(`build:terraform: ${[MODULE_PROVIDER_ZIP, ...GATEWAY_ZIPS.map((z) => z.module)].join(', ')}, ${MODULE_CONTRACT_FILE}, ${MODULE_POLICIES_FILE} and ${MODULE_FIELDS_FILE}`);
}
