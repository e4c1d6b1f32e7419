/**
 * The parity of the two routes, shared by the local-AWS e2e (`test/e2e/terraform-module.test.ts`,
 * which compares `terraform show -json` after a real apply) and the unit test
 * (`test/unit/terraform-module-parity.test.ts`, which compares a plan): the same inputs (the HCL
 * example and its twin declared through the constructs), the same resource pairs, the same
 * attributes and the same normalisation.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthStack } from '../../examples/synth-stack';
import { AuthType, CredentialStore, DataApiCredential, DataApiScope } from '../../lib';
import { SECRET_TAGS } from '../../handlers/contract/credential';

/** The module's store in `examples/terraform/main.tf`; the twin's store name is normalised to it. */
export const PARITY_STORE = 'analytics-credentials';
/** The twin's store. */
export const TWIN_STORE = 'parity-cdktf';
/** The example's admin and reader. */
export const PARITY_READER = 'arn:aws:iam::123456789012:root';

/**
 * Writes `constructs-twin.tf.json` (and its `assets/`) into `dir`: the store and credentials of
 * `examples/terraform/main.tf` declared through the constructs, synthesized in `outdir`, without
 * a provider or backend of its own (the example's provider serves both).
 */
export function writeConstructsTwin(outdir: string, dir: string, region: string): void {
  const stackDir = synthStack(outdir, (app) => {
    const stack = new TerraformStack(app, 'parity');
    new AwsProvider(stack, 'aws', { region });
    const store = new CredentialStore(stack, 'Credentials', {
      name: TWIN_STORE,
      // The module's default prefix is per store (data-api/credentials/<name>/), the constructs' per stack.
      secretPrefix: `data-api/credentials/${TWIN_STORE}/`,
      admins: [PARITY_READER],
      deletionProtection: false,
      secretRecoveryWindowDays: 0,
      logRetentionDays: 7,
      tags: { app: 'analytics', 'managed-by': 'data-api-credentials' },
    });
    new DataApiCredential(stack, 'AnalyticsExport', {
      store,
      name: 'Analytics-DataAPI-Credential',
      authType: AuthType.OAUTH2,
      scopes: DataApiScope.ALL,
      description: 'Nightly export of every Data API entity to the warehouse',
      secretName: `data-api/credentials/${TWIN_STORE}/analytics_export`,
    });
    new DataApiCredential(stack, 'UsageReporting', {
      store,
      name: 'Usage-Reporting',
      authType: AuthType.API_KEY,
      scopes: [DataApiScope.CONVERSATIONS, DataApiScope.USERS],
      secretName: `data-api/credentials/${TWIN_STORE}/usage_reporting`,
      readers: [PARITY_READER],
    });
    return stack;
  });
  const synthesized = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  delete synthesized.terraform;
  delete synthesized.provider;
  writeFileSync(join(dir, 'constructs-twin.tf.json'), JSON.stringify(synthesized, null, 2));
  cpSync(join(stackDir, 'assets'), join(dir, 'assets'), { recursive: true });
}

/** The store's own resources (twin, module), whatever credentials it holds: every parity test compares them. */
export const STORE_PARITY_PAIRS: ReadonlyArray<readonly [twin: string, module: string]> = [
  ['aws_dynamodb_table.Credentials_Table', 'aws_dynamodb_table.credentials'],
  ['aws_dynamodb_resource_policy.Credentials_TablePolicy', 'aws_dynamodb_resource_policy.table'],
  ['aws_cloudwatch_log_group.Credentials_Provider_LogGroup', 'aws_cloudwatch_log_group.provider'],
  ['aws_iam_role.Credentials_Provider_Role', 'aws_iam_role.provider'],
  ['aws_iam_role_policy.Credentials_Provider_Policy', 'aws_iam_role_policy.provider'],
  ['aws_lambda_function.Credentials_Provider_Function', 'aws_lambda_function.provider'],
  ['aws_lambda_permission.Credentials_Provider_AdminInvoke0', 'aws_lambda_permission.admin_invoke'],
  ['aws_secretsmanager_secret.Credentials_HashKey', 'aws_secretsmanager_secret.hash_key'],
  ['aws_secretsmanager_secret_policy.Credentials_HashKeySecretPolicy', 'aws_secretsmanager_secret_policy.hash_key'],
];

/** Each twin resource (root module) and its counterpart in `module.credentials`, by {@link idOf}. */
export const PARITY_PAIRS: ReadonlyArray<readonly [twin: string, module: string]> = [
  ...STORE_PARITY_PAIRS,
  ['terraform_data.AnalyticsExport_Instance', 'terraform_data.instance.analytics_export'],
  ['terraform_data.UsageReporting_Instance', 'terraform_data.instance.usage_reporting'],
  ['terraform_data.AnalyticsExport_Client', 'terraform_data.client.analytics_export'],
  ['aws_secretsmanager_secret.AnalyticsExport_Secret', 'aws_secretsmanager_secret.credential.analytics_export'],
  ['aws_secretsmanager_secret.UsageReporting_Secret', 'aws_secretsmanager_secret.credential.usage_reporting'],
  ['aws_secretsmanager_secret_policy.UsageReporting_ReadersSecretPolicy', 'aws_secretsmanager_secret_policy.readers.usage_reporting'],
  ['aws_lambda_invocation.AnalyticsExport_Provider', 'aws_lambda_invocation.credential.analytics_export'],
  ['aws_lambda_invocation.UsageReporting_Provider', 'aws_lambda_invocation.credential.usage_reporting'],
];

/** The module's one addition: the declarations a review reads from plans. */
export const MODULE_ONLY = ['terraform_data.declarations'];

/** A resource instance as `terraform show -json` names it (state or plan). */
export interface ResourceName {
  type: string;
  name: string;
  index?: string | number;
}

/** `type.name` without cdktf's hash suffix, with a for_each key (count indexes are left out). */
export function idOf(resource: ResourceName): string {
  const key = typeof resource.index === 'string' ? `.${resource.index}` : '';
  return `${resource.type}.${resource.name.replace(/_[0-9A-F]{8}$/, '')}${key}`;
}

/** What must agree between the two routes, per resource type. */
export const COMPARED: Readonly<Record<string, readonly string[]>> = {
  aws_dynamodb_table: ['name', 'billing_mode', 'hash_key', 'attribute', 'ttl', 'point_in_time_recovery', 'server_side_encryption', 'deletion_protection_enabled', 'tags'],
  aws_dynamodb_resource_policy: ['policy', 'resource_arn'],
  aws_cloudwatch_log_group: ['name', 'retention_in_days', 'kms_key_id', 'tags'],
  aws_iam_role: ['name', 'assume_role_policy', 'tags'],
  aws_iam_role_policy: ['name', 'policy', 'role'],
  aws_lambda_function: ['function_name', 'description', 'runtime', 'handler', 'memory_size', 'timeout', 'environment', 'source_code_hash', 'code_sha256', 'role', 'kms_key_arn', 'tags'],
  aws_lambda_permission: ['statement_id', 'action', 'function_name', 'principal'],
  terraform_data: ['triggers_replace'],
  aws_secretsmanager_secret: ['name', 'description', 'kms_key_id', 'recovery_window_in_days', 'policy', 'tags'],
  aws_secretsmanager_secret_policy: ['policy', 'secret_arn'],
  aws_lambda_invocation: ['function_name', 'lifecycle_scope', 'terraform_key', 'input', 'qualifier'],
};

/** The attributes holding JSON text (policies, the invocation input), compared parsed. */
const JSON_ATTRIBUTES = ['policy', 'assume_role_policy', 'input'];

/** Stands for a value Terraform knows only after apply (see `unknownsMarked`). */
export const UNKNOWN = '(known after apply)';

/**
 * The {@link COMPARED} attributes of one resource's values, made comparable between the routes:
 * JSON text parsed, the twin's store name read as the module's, secrets' random ARN suffixes,
 * instance ids and declaration digests replaced by placeholders.
 */
export function comparable(resource: { type: string; values: Record<string, unknown> }): Record<string, unknown> {
  const attributes = COMPARED[resource.type];
  if (!attributes) throw new Error(`no attributes to compare are listed for ${resource.type} (COMPARED in ${__filename})`);
  const picked = Object.fromEntries(attributes.map((key) => [key, resource.values[key]]));
  const text = JSON.stringify(picked, (key, value) =>
    JSON_ATTRIBUTES.includes(key) && typeof value === 'string' && value !== '' && value !== UNKNOWN ? JSON.parse(value) : value,
  )
    .replace(new RegExp(TWIN_STORE, 'g'), PARITY_STORE)
    .replace(/(:secret:[A-Za-z0-9/_+=.@-]+?)-[A-Za-z0-9]{6}(?=["*])/g, '$1-RANDOM')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'INSTANCE-ID')
    .replace(new RegExp(`("${SECRET_TAGS.DECLARATION}":")[0-9a-f]{64}"`, 'g'), '$1DIGEST"');
  return JSON.parse(text);
}

/**
 * A planned value with every part Terraform knows only after apply (`after_unknown` in a plan's
 * JSON) replaced by {@link UNKNOWN}, so that the two routes must agree on what is unknown too.
 */
export function unknownsMarked(value: unknown, unknown: unknown): unknown {
  if (unknown === true) return UNKNOWN;
  if (!JSON.stringify(unknown ?? null).includes('true')) return value;
  if (Array.isArray(unknown)) {
    const values = Array.isArray(value) ? value : [];
    return Array.from({ length: Math.max(values.length, unknown.length) }, (_, i) => unknownsMarked(values[i], unknown[i]));
  }
  if (unknown !== null && typeof unknown === 'object') {
    const known = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    const keys = new Set([...Object.keys(known), ...Object.keys(unknown)]);
    return Object.fromEntries([...keys].map((key) => [key, unknownsMarked(known[key], (unknown as Record<string, unknown>)[key])]));
  }
  return value;
}
