/**
 * The Data API gateway's routes and wire formats (token endpoint and records verifier): shared by
 * the `DataApiGateway` construct, its Lambda handlers and the local gateway. Pure.
 */

/**
 * Routes of the gateway. The records routes exist once per API version; preview credentials work on
 * both. The OAuth routes (token, revocation, introspection, the two metadata documents) are all
 * served by the token function, the gateway's authorization server.
 */
export const DATA_API_ROUTES = {
  TOKEN: 'POST /oauth/v1/token',
  TOKEN_PATH: '/oauth/v1/token',
  /** RFC 7009 token revocation. */
  REVOKE: 'POST /oauth/v1/revoke',
  REVOKE_PATH: '/oauth/v1/revoke',
  /** RFC 7662 token introspection. */
  INTROSPECT: 'POST /oauth/v1/introspect',
  INTROSPECT_PATH: '/oauth/v1/introspect',
  /** RFC 8414 authorization server metadata (the issuer is the gateway's base URL, which has no path). */
  SERVER_METADATA: 'GET /.well-known/oauth-authorization-server',
  SERVER_METADATA_PATH: '/.well-known/oauth-authorization-server',
  /** RFC 9728 protected resource metadata of the records API (the resource is the base URL too). */
  RESOURCE_METADATA: 'GET /.well-known/oauth-protected-resource',
  RESOURCE_METADATA_PATH: '/.well-known/oauth-protected-resource',
  /** `/v1beta2/` is the preview version: the same credentials work on `/v1/` and `/v1beta2/`. */
  VERSIONS: ['v1', 'v1beta2'],
  recordsRoute: (version: string): string => `GET /export/${version}/records/{entity}`,
} as const;

/** Access tokens (their items in the table: `TABLE.TOKEN_PREFIX`). */
export const ACCESS_TOKEN = {
  /** Recognisable in logs and by secret scanners: `dat_<43 base62 random><6 base62 CRC-32>`. */
  PREFIX: 'dat_',
  LIFETIME_SECONDS: 3600,
  TYPE: 'Bearer',
} as const;

/** The realm of the `WWW-Authenticate` challenges of the gateway. */
export const DATA_API_REALM = 'data-api';

/** Environment variables of the token endpoint and records verifier Lambdas, read by `handlers/verifier/config`. */
export const VERIFIER_ENV = {
  TABLE_NAME: 'CREDENTIALS_TABLE_NAME',
  /** Records backend: a Lambda function ARN ... */
  BACKEND_FUNCTION_ARN: 'DATA_API_BACKEND_FUNCTION_ARN',
  /** ... or an HTTP(S) base URL. Exactly one of the two is set on the records verifier. */
  BACKEND_URL: 'DATA_API_BACKEND_URL',
  /** Seconds a verification result is reused in a warm verifier; 0 checks the store on every request. */
  AUTH_CACHE_TTL_SECONDS: 'DATA_API_AUTH_CACHE_TTL_SECONDS',
  /**
   * Token function only, optional: the issuer identifier (base URL) the metadata names. Unset, the
   * base URL is the one the request came in on, as API Gateway reports it (see `metadata.ts`).
   */
  ISSUER: 'DATA_API_ISSUER',
  /** Token function only: credential ids (comma-separated) whose clients may call the introspection endpoint. */
  INTROSPECTION_CREDENTIAL_IDS: 'DATA_API_INTROSPECTION_CREDENTIAL_IDS',
  /** The store's hash-key secret, to find adopted keys by their HMAC; optional. */
  HASH_KEY_SECRET_ARN: 'DATA_API_HASH_KEY_SECRET_ARN',
} as const;

/** The client authentication methods of the token, revocation and introspection endpoints (RFC 8414 names). */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;

/** An issuer identifier (RFC 8414 section 2): https, no query or fragment; no trailing slash, so paths append. */
export const ISSUER_PATTERN = /^https:\/\/[A-Za-z0-9.-]{1,253}(:\d{1,5})?(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$/;

/** At most this many credentials may call the introspection endpoint (their ids share the 4 KB of Lambda environment). */
export const MAX_INTROSPECTION_CLIENTS = 50;

/** The gateway's name, which is the HTTP API's and the base of its functions' (`<name>-token`, `<name>-records`). */
export const GATEWAY_NAME_PATTERN = /^[A-Za-z0-9_-]{3,56}$/;

/** A records backend's base URL: http(s), a host, an optional path; no query or fragment. */
export const BACKEND_URL_PATTERN = /^https?:\/\/[^\s/]+(\/[^\s?#]*)?$/;

/** The longest a warm records verifier may reuse a verification (`authorizerCacheTtlSeconds`). */
export const MAX_AUTH_CACHE_TTL_SECONDS = 3600;

/** Headers the records verifier adds for an HTTP backend (a Lambda backend gets `requestContext.authorizer.lambda`). */
export const BACKEND_HEADERS = {
  CREDENTIAL_ID: 'x-data-api-credential-id',
  SCOPES: 'x-data-api-scopes',
  AUTH_TYPE: 'x-data-api-auth-type',
} as const;
