import { Apigatewayv2Api, Apigatewayv2Integration, Apigatewayv2Route, Apigatewayv2Stage, LambdaPermission, TerraformOutput, TerraformStack, Token } from './framework';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { BACKEND_URL_PATTERN, DATA_API_ROUTES, GATEWAY_NAME_PATTERN, ISSUER_PATTERN, MAX_AUTH_CACHE_TTL_SECONDS, MAX_INTROSPECTION_CLIENTS } from '../handlers/contract/gateway';
import { ValidationError } from '../handlers/errors';
import { GatewayFunction } from '../providers';
import { DEFAULT_RESERVED_CONCURRENCY } from '../providers/function-settings';
import { DEFAULT_AUTH_CACHE_TTL_SECONDS, DEFAULT_GATEWAY_LOG_RETENTION_DAYS, GATEWAY_API } from './gateway-rules';
import { isReservedConcurrency, LOG_RETENTION_DAYS, RESERVED_CONCURRENCY_ALLOWED } from './store-rules';
import { AuthType } from './auth-type';
import { CredentialStore } from './credential-store';
import { DataApiCredential } from './data-api-credential';
import { GATEWAY_GUARDRAIL, renderStatements } from './policies';
import { policyText } from './store-policies';
import { LAMBDA_FUNCTION_ARN_PATTERN } from '../handlers/contract/aws-names';

/** Where the records come from once a request is verified: a Lambda function, or an HTTP(S) service. */
export type DataApiBackend =
  /**
   * A Lambda function ARN. It gets the API Gateway HTTP API payload 2.0 event, without the
   * Authorization header, with `requestContext.authorizer.lambda` = `{ credentialId, scopes, authType }`
   * (scopes space-separated), and answers a payload 2.0 response.
   */
  | { readonly functionArn: string; readonly url?: never }
  /**
   * A base URL. It gets `GET <url>/export/<version>/records/<entity>?<query>` with the headers
   * `x-data-api-credential-id`, `x-data-api-scopes` and `x-data-api-auth-type`, never the
   * Authorization header. It must only be reachable by the verifier.
   */
  | { readonly url: string; readonly functionArn?: never };

export interface DataApiGatewayProps {
  /** The store whose credentials the gateway accepts. */
  readonly store: CredentialStore;
  /** What serves the records of a verified request. */
  readonly backend: DataApiBackend;
  /**
   * Name of the HTTP API; also the base of its two functions' names (`<name>-token`, `<name>-records`).
   * @default `<stack name>-<construct id>`, sanitised
   */
  readonly name?: string;
  /**
   * Seconds a warm records verifier reuses the verification of an API key or access token.
   * 0 checks the store on every request, so a deleted credential is refused at once. A larger
   * value saves a DynamoDB read or two per request, at a price: a credential deleted (or a scope
   * removed) keeps working for up to this long on verifier instances that saw it recently.
   * @default 0
   */
  readonly authorizerCacheTtlSeconds?: number;
  /**
   * Days the two functions' logs are kept.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * OAuth 2.0 credentials of the store whose clients may call the introspection endpoint
   * (RFC 7662): resource servers of your own in front of the same data. Introspection tells whether
   * any API key or access token of the store is active and what it may read, so list only services
   * you run. The list is in the token function's environment: a change shows in the plan.
   * @default none: every introspection request is refused (403)
   */
  readonly introspectionClients?: readonly DataApiCredential[];
  /**
   * The issuer identifier (base URL) the metadata document names, for a gateway reached through
   * something API Gateway cannot see, such as a CDN. Clients compare it with the URL they
   * discovered from, so it must be exactly that URL (https, no trailing slash).
   * @default the URL each request came in on: the `execute-api` URL (the `Url` output) or a custom domain
   */
  readonly issuer?: string;
  /**
   * Reserved concurrency of the token function (the token, revocation, introspection and metadata
   * routes): the most instances it runs at once, kept for it out of the account's concurrency. More
   * requests than that at once are throttled by Lambda (API Gateway answers them 500). The stage
   * throttle (burst 100, 50 requests a second) applies per route, so this is what bounds the
   * function's share of the account. A whole number from 1 to 10000, or `false` for no bound:
   * AWS keeps 100 of an account's concurrency unreserved, so an account whose quota is small (new
   * accounts can have only 10) cannot reserve any; set `false` there.
   * @default 20
   */
  readonly tokenReservedConcurrency?: number | false;
  /**
   * Reserved concurrency of the records verifier (both records routes), as `tokenReservedConcurrency`.
   * The verifier waits for the backend (up to 29 s), so without a bound a slow backend under load
   * could take the account's whole concurrency, starving the credential provider and every other
   * function. A whole number from 1 to 10000, or `false` for no bound (accounts with a small quota).
   * @default 50
   */
  readonly recordsReservedConcurrency?: number | false;
}

/**
 * The Data API in front of a records backend: an API Gateway HTTP API with
 * - `POST /oauth/v1/token`: the OAuth 2.0 token endpoint (client credentials grant);
 * - `POST /oauth/v1/revoke` (RFC 7009), `POST /oauth/v1/introspect` (RFC 7662), and the metadata
 *   documents `GET /.well-known/oauth-authorization-server` (RFC 8414) and
 *   `GET /.well-known/oauth-protected-resource` (RFC 9728), served by the token function too;
 * - `GET /export/v1/records/{entity}` and `GET /export/v1beta2/records/{entity}`: verified by the
 *   records verifier (API key or access token, scope = entity), then served by the backend.
 *
 * The verifier is the records routes' integration rather than an API Gateway authorizer, because an
 * HTTP API authorizer cannot answer RFC 6750's 401 `invalid_token` and 403 `insufficient_scope`
 * with their `WWW-Authenticate` headers (see README, "The Data API gateway").
 */
export class DataApiGateway extends Construct {
  readonly apiId: string;
  /** Base URL of the API (`https://<api id>.execute-api.<region>.amazonaws.com`). */
  readonly url: string;
  readonly tokenFunctionName: string;
  readonly recordsFunctionName: string;

  constructor(scope: Construct, id: string, props: DataApiGatewayProps) {
    super(scope, id);
    const where = `DataApiGateway ${this.node.path}`;

    if (!(props.store instanceof CredentialStore)) {
      throw new ValidationError(`store (${where})`, String(props.store), 'a CredentialStore construct');
    }
    const backend = props.backend ?? ({} as DataApiBackend);
    const hasArn = backend.functionArn !== undefined;
    const hasUrl = backend.url !== undefined;
    if (hasArn === hasUrl) {
      throw new ValidationError(
        `backend (${where})`,
        hasArn ? 'both functionArn and url' : 'neither functionArn nor url',
        '{ functionArn: "<Lambda function ARN>" } or { url: "https://..." }',
      );
    }
    if (hasArn && !Token.isUnresolved(backend.functionArn) && !LAMBDA_FUNCTION_ARN_PATTERN.test(backend.functionArn!)) {
      throw new ValidationError(`backend.functionArn (${where})`, JSON.stringify(backend.functionArn), 'a Lambda function ARN');
    }
    if (hasUrl && !Token.isUnresolved(backend.url) && !BACKEND_URL_PATTERN.test(backend.url!)) {
      throw new ValidationError(`backend.url (${where})`, JSON.stringify(backend.url), 'an http(s) base URL without query or fragment');
    }
    const ttl = props.authorizerCacheTtlSeconds ?? DEFAULT_AUTH_CACHE_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_AUTH_CACHE_TTL_SECONDS) {
      throw new ValidationError(`authorizerCacheTtlSeconds (${where})`, String(ttl), `a whole number of seconds from 0 (no cache) to ${MAX_AUTH_CACHE_TTL_SECONDS}`);
    }
    const logRetentionDays = props.logRetentionDays ?? DEFAULT_GATEWAY_LOG_RETENTION_DAYS;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
      throw new ValidationError(`logRetentionDays (${where})`, String(logRetentionDays), LOG_RETENTION_DAYS.join(', '));
    }
    const reserved = { token: props.tokenReservedConcurrency, records: props.recordsReservedConcurrency };
    for (const kind of ['token', 'records'] as const) {
      const value = reserved[kind] ?? DEFAULT_RESERVED_CONCURRENCY[kind];
      if (!isReservedConcurrency(value)) {
        throw new ValidationError(`${kind}ReservedConcurrency (${where})`, typeof value === 'string' ? JSON.stringify(value) : String(value), RESERVED_CONCURRENCY_ALLOWED);
      }
    }
    const reservation = (kind: 'token' | 'records'): number | undefined => {
      const value = reserved[kind] ?? DEFAULT_RESERVED_CONCURRENCY[kind];
      return value === false ? undefined : value;
    };
    const name = props.name ?? defaultName(this);
    if (!GATEWAY_NAME_PATTERN.test(name)) {
      throw new ValidationError(
        `name (${where})`,
        JSON.stringify(name),
        '3 to 56 letters, digits, "-" or "_" (the functions are named "<name>-token" and "<name>-records")',
      );
    }
    if (props.issuer !== undefined && !Token.isUnresolved(props.issuer) && !ISSUER_PATTERN.test(props.issuer)) {
      throw new ValidationError(`issuer (${where})`, JSON.stringify(props.issuer), 'an https URL without a trailing slash, query or fragment');
    }
    const introspectors = props.introspectionClients ?? [];
    if (introspectors.length > MAX_INTROSPECTION_CLIENTS) {
      throw new ValidationError(`introspectionClients (${where})`, `${introspectors.length} credentials`, `at most ${MAX_INTROSPECTION_CLIENTS}`);
    }
    for (const client of introspectors) {
      const bad = !(client instanceof DataApiCredential)
        ? 'not a DataApiCredential'
        : client.authType !== AuthType.OAUTH2
          ? `${client.node.path} is an API-key credential`
          : client.store !== props.store
            ? `${client.node.path} belongs to another store`
            : introspectors.indexOf(client) !== introspectors.lastIndexOf(client)
              ? `${client.node.path} is listed twice`
              : undefined;
      if (bad !== undefined) {
        throw new ValidationError(`introspectionClients (${where})`, bad, 'OAuth 2.0 credentials of the gateway\'s store, each once');
      }
    }
    const tags = Object.keys(props.store.tags).length > 0 ? { ...props.store.tags } : undefined;
    const common = {
      tableName: props.store.tableName,
      tableArn: props.store.tableArn,
      region: props.store.region,
      hashKeySecretArn: props.store.hashKeySecretArn,
      kmsKeyArn: props.store.kmsKeyArn,
      logRetentionDays,
      tags,
    };
    const tokenFn = new GatewayFunction(this, 'TokenEndpoint', {
      ...common,
      kind: 'token',
      functionName: `${name}-token`,
      issuer: props.issuer,
      introspectionCredentialIds: introspectors.length > 0 ? introspectors.map(introspectorId).join(',') : undefined,
      reservedConcurrency: reservation('token'),
    });
    const recordsFn = new GatewayFunction(this, 'RecordsVerifier', {
      ...common,
      kind: 'records',
      functionName: `${name}-records`,
      backendFunctionArn: backend.functionArn,
      backendUrl: backend.url,
      authCacheTtlSeconds: ttl,
      reservedConcurrency: reservation('records'),
    });
    // Tokens and lastUsedAt are table writes: the store's table policy must let both functions in.
    props.store._allowTableWriter(tokenFn.roleArn);
    props.store._allowTableWriter(recordsFn.roleArn);

    const api = new Apigatewayv2Api(this, 'Api', {
      name,
      protocolType: GATEWAY_API.protocolType,
      description: GATEWAY_API.description,
      tags,
    });
    const integrate = (logicalId: string, fn: GatewayFunction) => {
      new LambdaPermission(this, `${logicalId}Invoke`, {
        statementId: GATEWAY_API.invokeStatementId,
        action: 'lambda:InvokeFunction',
        functionName: fn.functionName,
        principal: GATEWAY_API.invokePrincipal,
        sourceArn: `${api.executionArn}/*/*`,
      });
      return new Apigatewayv2Integration(this, `${logicalId}Integration`, {
        apiId: api.id,
        integrationType: GATEWAY_API.integrationType,
        integrationUri: fn.invokeArn,
        integrationMethod: GATEWAY_API.integrationMethod,
        payloadFormatVersion: GATEWAY_API.payloadFormatVersion,
        timeoutMilliseconds: GATEWAY_API.integrationTimeoutMilliseconds,
      });
    };
    const tokenIntegration = integrate('Token', tokenFn);
    const recordsIntegration = integrate('Records', recordsFn);
    const oauthRoutes = {
      TokenRoute: DATA_API_ROUTES.TOKEN,
      RevokeRoute: DATA_API_ROUTES.REVOKE,
      IntrospectRoute: DATA_API_ROUTES.INTROSPECT,
      ServerMetadataRoute: DATA_API_ROUTES.SERVER_METADATA,
      ResourceMetadataRoute: DATA_API_ROUTES.RESOURCE_METADATA,
    };
    for (const [routeId, routeKey] of Object.entries(oauthRoutes)) {
      new Apigatewayv2Route(this, routeId, { apiId: api.id, routeKey, target: `integrations/${tokenIntegration.id}` });
    }
    for (const version of DATA_API_ROUTES.VERSIONS) {
      new Apigatewayv2Route(this, `RecordsRoute-${version}`, {
        apiId: api.id,
        routeKey: DATA_API_ROUTES.recordsRoute(version),
        target: `integrations/${recordsIntegration.id}`,
      });
    }
    new Apigatewayv2Stage(this, 'DefaultStage', {
      apiId: api.id,
      name: GATEWAY_API.stageName,
      autoDeploy: true,
      defaultRouteSettings: { throttlingBurstLimit: GATEWAY_API.throttlingBurstLimit, throttlingRateLimit: GATEWAY_API.throttlingRateLimit },
      tags,
    });

    this.apiId = api.id;
    this.url = api.apiEndpoint;
    this.tokenFunctionName = tokenFn.functionName;
    this.recordsFunctionName = recordsFn.functionName;
    new TerraformOutput(this, 'Url', { value: api.apiEndpoint, description: 'Base URL of the Data API' });
    new TerraformOutput(this, 'ApiId', { value: api.id });

    // The functions, their roles and logs and the API: what no resource policy can protect.
    const store = props.store._policyBindings();
    const guardrail = policyText(() =>
      renderStatements(GATEWAY_GUARDRAIL, {
        ...store,
        values: {
          ...store.values,
          tokenFunctionArn: tokenFn.functionArn,
          recordsFunctionArn: recordsFn.functionArn,
          tokenRoleArn: tokenFn.roleArn,
          recordsRoleArn: recordsFn.roleArn,
          tokenLogGroupArn: tokenFn.logGroupArn,
          recordsLogGroupArn: recordsFn.logGroupArn,
          apiArn: api.arn,
        },
      }),
    );
    new TerraformOutput(this, 'GatewayGuardrailPolicy', {
      value: guardrail,
      description:
        'A service control policy for the organisation to attach outside this stack, beside the store\'s ProviderGuardrailPolicy: ' +
        'only the deployer may invoke or change the gateway\'s functions, their roles, their logs and the API',
    });
  }
}

function defaultName(construct: Construct): string {
  const stackName = TerraformStack.of(construct).node.id;
  const raw = `${stackName}-${construct.node.id}`.replace(/[^A-Za-z0-9_-]+/g, '-');
  if (raw.length <= 56) return raw.length >= 3 ? raw : `${raw}-api`;
  return `${raw.slice(0, 47)}-${createHash('sha256').update(construct.node.path).digest('hex').slice(0, 8)}`;
}

/**
 * How the gateway lists an introspection client: the credential id its client id names (the first
 * of its rotations), so a rotation changes neither the list nor the function, and the client keeps
 * its right with either secret during the grace period.
 */
function introspectorId(credential: DataApiCredential): string {
  return credential._clientCredentialId ?? credential.credentialId;
}
