/**
 * Settings of the credential provider function shared by its construct and the Terraform module
 * (`terraform/`, whose `contract.generated.tf` `npm run build:terraform` writes from these values).
 * Framework-free on purpose.
 */

/** Lambda runtime on AWS; the local Lambda runner runs the bundles on Node.js 22 too. */
export const PROVIDER_RUNTIME = 'nodejs22.x';
/** Every prebuilt bundle exports `handler` from its `index.js`. */
export const FUNCTION_HANDLER = 'index.handler';
export const FUNCTION_MEMORY_MB = 256;
/** What every function may do in its own log group. */
export const LOG_WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;

/** The credential provider: what it is, and the least privilege it runs with. */
export const CREDENTIAL_PROVIDER = {
  description: 'Generates, updates and revokes Data API credentials (aws_lambda_invocation, CRUD)',
  policyName: 'credential-provider',
  timeoutSeconds: 30,
  /**
   * On the store's table, for the credential records and the adopted keys' lookup items only
   * (`dynamodb:LeadingKeys`). BatchGetItem: the drift check reads a store's records 100 at a time.
   */
  recordActions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem'],
  /** On the secrets under the store's prefix that carry the store's tag. */
  secretWriteActions: ['secretsmanager:PutSecretValue'],
  /** On the secrets under the store's prefix that carry the store's tag, and on those the credentials declare to adopt. */
  secretReadActions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
} as const;

/**
 * A function's use of a customer KMS key (`providers/kms-statements.ts`): through DynamoDB for the
 * table, for its own environment, and (the provider) through Secrets Manager for the store's secrets.
 */
export const CUSTOMER_KEY_ACTIONS = {
  table: ['kms:Decrypt', 'kms:GenerateDataKey'],
  environment: ['kms:Decrypt'],
  secrets: ['kms:Decrypt', 'kms:GenerateDataKey'],
} as const;
