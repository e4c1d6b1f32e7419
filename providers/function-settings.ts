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
  /** On the store's table and its indexes. */
  recordActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
  /** On the secrets under the store's prefix. */
  secretActions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
  /** On the store's customer key, when it has one. */
  customerKeyActions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
} as const;
