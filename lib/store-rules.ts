/**
 * Rules of the store's and the credentials' settings that only the declaring side checks: the
 * constructs at synth, the Terraform module (`terraform/`) in its variable validations at plan.
 * Framework-free, so `npm run build:terraform` writes the module's `contract.generated.tf` from
 * these very values.
 */

import { MAX_RESERVED_CONCURRENCY } from '../providers/function-settings';

/** Table names; the provider function is `<name>-provider`, which must stay within Lambda's 64 characters. */
export const STORE_NAME_PATTERN = /^[A-Za-z0-9_-]{3,55}$/;
/** The default secret prefix's root: the constructs append `<stack name>/`; the module's variable defaults to it. */
export const DEFAULT_SECRET_PREFIX = 'data-api/credentials/';
export { SECRET_PREFIX_PATTERN } from '../handlers/contract/aws-names';
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** A secret to adopt (`adopt.fromSecretArn`): a Secrets Manager secret ARN; the group is its name, with AWS's suffix if given. */
export const ADOPTED_SECRET_ARN_PATTERN = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:(.+)$/;
/** The 6 random characters AWS appends to a secret's name in its ARN. */
export const SECRET_ARN_SUFFIX_PATTERN = /-[A-Za-z0-9]{6}$/;
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
  'dynamodb:ConditionCheckItem',
  'dynamodb:SearchVectors',
  'dynamodb:ExportTableToPointInTime',
] as const;

/**
 * Changes to the table itself that only the deployer may make: its resource policy (which would
 * otherwise be removed, and the item Denies with it), its settings, and every way of copying its
 * items somewhere the read Deny does not reach (backups, restores, replicas, Kinesis streaming).
 * The IAM matrix (test/e2e/iam-matrix.test.ts) lists every DynamoDB action on a table from the IAM
 * engine's data and fails on any that a principal it does not declare may still use.
 */
export const TABLE_CONTROL_ACTIONS = [
  'dynamodb:PutResourcePolicy',
  'dynamodb:DeleteResourcePolicy',
  'dynamodb:UpdateTable',
  'dynamodb:DeleteTable',
  'dynamodb:UpdateTimeToLive',
  'dynamodb:UpdateContinuousBackups',
  'dynamodb:UpdateContributorInsights',
  'dynamodb:TagResource',
  'dynamodb:UntagResource',
  'dynamodb:CreateBackup',
  'dynamodb:RestoreTableFromBackup',
  'dynamodb:RestoreTableToPointInTime',
  'dynamodb:RestoreTableFromAwsBackup',
  'dynamodb:StartAwsBackupJob',
  'dynamodb:EnableKinesisStreamingDestination',
  'dynamodb:UpdateKinesisStreamingDestination',
  'dynamodb:DisableKinesisStreamingDestination',
  'dynamodb:CreateGlobalTable',
  'dynamodb:UpdateGlobalTable',
  'dynamodb:UpdateGlobalTableSettings',
  'dynamodb:UpdateGlobalTableVersion',
  'dynamodb:CreateTableReplica',
  'dynamodb:AssociateTableReplica',
  'dynamodb:DeleteTableReplica',
  'dynamodb:UpdateTableReplicaAutoScaling',
  'dynamodb:ReplicateSettings',
  'dynamodb:CreateGlobalTableWitness',
  'dynamodb:DeleteGlobalTableWitness',
  'dynamodb:ReadDataForReplication',
  'dynamodb:WriteDataForReplication',
] as const;

/**
 * What everyone may still do to a credential's secret under its policy's change Deny (a NotAction:
 * every other Secrets Manager action, today's 14 changes (value and version stages, resource policy
 * and tags, the binding the provider checks, settings and life; before 0.3.0, the admins could make
 * them too) and any added later, is the provider's and the deployer's only). In the IAM action data,
 * every Secrets Manager action named Describe*, Get* or List* is a read (on a secret:
 * DescribeSecret, GetResourcePolicy, GetSecretValue, ListSecretVersionIds; GetRandomPassword and
 * ListSecrets have no resource), and no change is: three wildcards say "the reads" shorter than the
 * four names and stay right for a read AWS adds. GetSecretValue has its own Deny in the policy.
 */
export const SECRET_READ_ACTIONS = ['secretsmanager:Describe*', 'secretsmanager:Get*', 'secretsmanager:List*'] as const;

/** What a credential's readers may do with its secret. */
export const SECRET_READER_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] as const;

/**
 * A function's reserved concurrency as the constructs take it: a whole number from 1 to
 * MAX_RESERVED_CONCURRENCY, or `false` for no reservation. 0 is refused: AWS would throttle every
 * invocation of the function.
 */
export function isReservedConcurrency(value: unknown): value is number | false {
  return value === false || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_RESERVED_CONCURRENCY);
}

/** What `isReservedConcurrency` allows, for the error that names it. */
export const RESERVED_CONCURRENCY_ALLOWED =
  `a whole number from 1 to ${MAX_RESERVED_CONCURRENCY} (AWS keeps 100 of the account's concurrency unreserved, so the account's quota must exceed ` +
  'the reservations by 100), or false for no reservation (accounts with a small quota; 0 would throttle every invocation)';
