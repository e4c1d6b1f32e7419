/**
 * Rules of the store's and the credentials' settings that only the declaring side checks: the
 * constructs at synth, the Terraform module (`terraform/`) in its variable validations at plan.
 * Framework-free, so `npm run build:terraform` writes the module's `contract.generated.tf` from
 * these very values.
 */

/** Table names; the provider function is `<name>-provider`, which must stay within Lambda's 64 characters. */
export const STORE_NAME_PATTERN = /^[A-Za-z0-9_-]{3,55}$/;
/** The default secret prefix's root: the constructs append `<stack name>/`; the module's variable defaults to it. */
export const DEFAULT_SECRET_PREFIX = 'data-api/credentials/';
export const SECRET_PREFIX_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,256}$/;
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
export const KMS_KEY_ARN_PATTERN = /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/;

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export const DEFAULT_LOG_RETENTION_DAYS = 365;
export const DEFAULT_SECRET_RECOVERY_WINDOW_DAYS = 30;

/** A rotation trigger: 1 to this many printable characters. */
export const ROTATION_TRIGGER_MAX_LENGTH = 128;

/** Item writes the table's resource policy reserves for the store's writers. */
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
] as const;

/** Item reads the table's resource policy reserves for the store's principals. */
export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PartiQLSelect',
  'dynamodb:ExportTableToPointInTime',
] as const;

/**
 * Changes to a credential's secret that only the provider, the deployer and the admins may make:
 * its value and version stages, its resource policy and tags (the binding the provider checks),
 * and its settings and life.
 */
export const SECRET_CHANGE_ACTIONS = [
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:UpdateSecret',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:TagResource',
  'secretsmanager:UntagResource',
  'secretsmanager:RotateSecret',
  'secretsmanager:CancelRotateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:ReplicateSecretToRegions',
] as const;

/** What a credential's readers may do with its secret. */
export const SECRET_READER_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] as const;
