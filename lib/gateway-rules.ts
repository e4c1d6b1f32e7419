/**
 * The Data API gateway's settings shared by the `DataApiGateway` construct and the Terraform module
 * (`terraform/gateway.tf`, through `contract.generated.tf`, which `npm run build:terraform` writes
 * from these values). Framework-free on purpose.
 */

/** The HTTP API, its Lambda proxy integrations, its invoke permissions and its `$default` stage. */
export const GATEWAY_API = {
  description: 'Data API: OAuth 2.0 token endpoint and verified records export',
  protocolType: 'HTTP',
  stageName: '$default',
  /** Per route: the stage throttle (burst, and requests a second). */
  throttlingBurstLimit: 100,
  throttlingRateLimit: 50,
  integrationType: 'AWS_PROXY',
  integrationMethod: 'POST',
  payloadFormatVersion: '2.0',
  /** API Gateway's most for an HTTP API integration. */
  integrationTimeoutMilliseconds: 29_000,
  /** The Lambda permission that lets API Gateway invoke each function, from this API only. */
  invokeStatementId: 'AllowDataApiGateway',
  invokePrincipal: 'apigateway.amazonaws.com',
} as const;

/** `authorizerCacheTtlSeconds` by default: every request checks the store. */
export const DEFAULT_AUTH_CACHE_TTL_SECONDS = 0;

/** The gateway functions' log retention by default. */
export const DEFAULT_GATEWAY_LOG_RETENTION_DAYS = 365;
