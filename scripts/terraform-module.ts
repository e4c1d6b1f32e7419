/**
 * `npm run build:terraform`: the Terraform module's generated files, from the same sources as the
 * constructs and the provider, so the two routes cannot drift apart.
 *
 * 1. `terraform/credential-provider.zip`: a byte-for-byte copy of the bundle `npm run build`
 *    writes to `dist/assets/` (the one the npm package ships and the constructs deploy).
 * 2. `terraform/contract.generated.tf`: `local.contract`, the scope and auth type names, limits,
 *    validation patterns, table layout, environment names and the provider's settings and IAM
 *    actions, from `handlers/contract/`, `lib/store-rules.ts`, `lib/principal-arn.ts` and
 *    `providers/function-settings.ts`.
 *
 * 3. `terraform/policies.generated.tf`: the resource policies and the guardrail, from
 *    `lib/policies.ts` (scripts/policy-hcl.ts), statement for statement what the constructs render.
 *
 * All are committed: a module is used from a path or a git ref, with no build step of its own.
 * `test/unit/scripts/terraform-module.test.ts` fails while either is stale.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH_TYPE_NAMES, CLIENT_ID_PREFIX, CONTROL_CHARACTER_PATTERN, CREDENTIAL_ID_LENGTH, CREDENTIAL_ID_SALT, DECLARATION_FORMAT, DEFAULT_ROTATION_GRACE_PERIOD_HOURS, DESCRIPTION_MAX_LENGTH, GRACE_PERIOD_MAX_HOURS, NAME_MAX_LENGTH, PROVIDER_ENV, SCOPE_NAMES, SECRET_TAGS, UNSAFE_TEXT_CHARACTERS } from '../handlers/contract/credential';
import { DECLARATION_KIND, DECLARATIONS_KIND } from '../handlers/contract/declaration';
import { READ_ACTION, READ_BATCH_KEY_PATTERN } from '../handlers/contract/drift';
import { TABLE } from '../handlers/contract/table';
import { PRINCIPAL_ARN_PATTERN } from '../lib/principal-arn';
import {
  KMS_KEY_ARN_PATTERN,
  LOG_RETENTION_DAYS,
  ROTATION_TRIGGER_MAX_LENGTH,
  SECRET_CHANGE_ACTIONS,
  SECRET_NAME_PATTERN,
  SECRET_PREFIX_PATTERN,
  SECRET_READER_ACTIONS,
  STORE_NAME_PATTERN,
  TABLE_READ_ACTIONS,
  TABLE_WRITE_ACTIONS,
} from '../lib/store-rules';
import { CREDENTIAL_PROVIDER, CUSTOMER_KEY_ACTIONS, FUNCTION_HANDLER, FUNCTION_MEMORY_MB, LOG_WRITE_ACTIONS, MAX_RESERVED_CONCURRENCY, PROVIDER_RUNTIME } from '../providers/function-settings';
import { HANDLER_ASSET_DIR } from '../providers/handler-assets';
import { buildHandlerAssets } from './build';
import { policiesHcl } from './policy-hcl';
import { REPO_ROOT } from './bundle';

export const MODULE_DIR = join(REPO_ROOT, 'terraform');
export const MODULE_CONTRACT_FILE = join(MODULE_DIR, 'contract.generated.tf');
export const MODULE_POLICIES_FILE = join(MODULE_DIR, 'policies.generated.tf');
export const MODULE_PROVIDER_ZIP = join(MODULE_DIR, 'credential-provider.zip');
export const BUILT_PROVIDER_ZIP = join(REPO_ROOT, HANDLER_ASSET_DIR, 'credential-provider.zip');

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
    secret_change_actions: SECRET_CHANGE_ACTIONS,
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
  };
}

/** The text of `terraform/contract.generated.tf`, laid out as `terraform fmt` leaves it. */
export function contractHcl(): string {
  const entries = Object.entries(contractValues());
  const width = Math.max(...entries.map(([key]) => key.length));
  return [
    '# Generated by `npm run build:terraform` from handlers/contract/, lib/store-rules.ts,',
    '# lib/principal-arn.ts and providers/function-settings.ts: the values the constructs and the',
    '# provider use. Do not edit; change those files and run `npm run build:terraform`.',
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
  writeFileSync(MODULE_CONTRACT_FILE, contractHcl());
  writeFileSync(MODULE_POLICIES_FILE, policiesHcl());
}

if (require.main === module) {
  // The zip is the package build's own output, copied: one build, one set of bytes.
  buildHandlerAssets();
  writeModuleFiles();
  console.log(`build:terraform: ${MODULE_PROVIDER_ZIP}, ${MODULE_CONTRACT_FILE} and ${MODULE_POLICIES_FILE}`);
}
