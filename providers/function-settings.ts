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

/**
 * Reserved concurrency (`reserved_concurrent_executions`) of each function by default: a share of
 * the account's concurrency that no other function can take, and the most instances the function
 * runs at once (AWS answers more invocations 429 `TooManyRequestsException`). The provider's
 * reservation keeps a flood of Data API requests from starving `terraform apply` (the records
 * verifier may wait up to 29 s on a slow backend, so unbounded it could take the whole account);
 * 10 is Terraform's default parallelism. The gateway's bounds cap what the internet can make the
 * account run, whatever the stage throttle lets through (it is per route). Together they reserve
 * 80 of the account's concurrency; AWS keeps at least 100 unreserved, so they need a quota of 180
 * or more (new accounts can have 10: opt out there).
 */
export const DEFAULT_RESERVED_CONCURRENCY = { provider: 10, token: 20, records: 50 } as const;
/** The largest reservation the props and the module accept (AWS's own limit is the account's quota less 100). */
export const MAX_RESERVED_CONCURRENCY = 10_000;

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

/**
 * The Data API gateway's two functions (`providers/gateway-function.ts`, and the Terraform module's
 * `gateway.tf` through `contract.generated.tf`): the handler bundle each runs, what it is, its
 * role policy's name, its timeout, and the actions of its role's statements.
 */
export const GATEWAY_FUNCTIONS = {
  /** The token function: the token, revocation, introspection and metadata routes. */
  token: {
    handler: 'gateway-token',
    description: 'Data API OAuth 2.0 authorization server: token (client credentials), revocation, introspection, metadata',
    policyName: 'data-api-token',
    timeoutSeconds: 10,
  },
  /** The records verifier in front of the backend: both records routes. */
  records: {
    handler: 'gateway-records',
    description: 'Data API records verifier: checks the bearer credential, then calls the records backend',
    policyName: 'data-api-records',
    timeoutSeconds: 29,
  },
} as const;

/** What the gateway functions' roles may do, by statement (see `GatewayFunction`). */
export const GATEWAY_FUNCTION_ACTIONS = {
  /** Both: credential records, token items and adopted keys' lookup items. */
  read: ['dynamodb:GetItem'],
  /** The token function: issue tokens ... */
  putTokens: ['dynamodb:PutItem'],
  /** ... and revoke them. */
  revokeTokens: ['dynamodb:DeleteItem'],
  /** The records verifier: `lastUsedAt` of credential records, no other attribute. */
  stampLastUsed: ['dynamodb:UpdateItem'],
  /** The records verifier, with a Lambda backend. */
  invokeBackend: ['lambda:InvokeFunction'],
  /** Both: the store's hash-key secret (adopted keys are found by their HMAC). */
  readHashKey: ['secretsmanager:GetSecretValue'],
} as const;
