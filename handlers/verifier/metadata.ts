/**
 * The two discovery documents: authorization server metadata (RFC 8414) at
 * `/.well-known/oauth-authorization-server`, and protected resource metadata (RFC 9728) of the
 * records API at `/.well-known/oauth-protected-resource`. No OpenID Connect document: this is not
 * an OpenID provider.
 *
 * The issuer is exactly the base URL clients are given, because clients compare it with the URL
 * they discovered from (RFC 8414 section 3.3) and refuse any difference. It comes from the
 * request, as API Gateway reports it, unless the gateway is configured with one (`issuer` prop):
 * - `requestContext.domainName` is the host the client addressed, set by API Gateway (the
 *   `execute-api` host, or a custom domain mapped to this API), not a header the client chose;
 * - `https`, except on a loopback host (the local gateway), which never is an API Gateway domain;
 * - a path prefix only when API Gateway kept one in `requestContext.http.path` (a named stage or
 *   an API mapping key: HTTP APIs leave both in the path), or when the request used the RFC 8414
 *   section 3.1 form for an issuer with a path (`/.well-known/oauth-authorization-server/<path>`).
 * So the `execute-api` URL and a custom domain each get a document naming themselves, with no
 * configuration and no Terraform reference from the function to its own API. A configured issuer
 * is for what the request cannot show: a CDN or proxy in front, whose host API Gateway never sees.
 */
import { SCOPE_NAMES } from '../contract/credential';
import { CLIENT_AUTH_METHODS, DATA_API_ROUTES } from '../contract/gateway';
import { HttpApiEvent, HttpResponse, json } from './http';

export interface MetadataDeps {
  /** The configured issuer (`DATA_API_ISSUER`); unset, the request's base URL is the issuer. */
  readonly issuer?: string;
}

export interface MetadataOutcome {
  readonly response: HttpResponse;
  readonly outcome: 'served' | 'no_base_url' | 'not_found';
}

const HOST_NAME = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/;
const HOST_IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?$/i;
/** Path segments of a stage, a mapping key or an issuer path; no empty segment, no trailing slash. */
const PATH_PREFIX = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$/;

/**
 * The base URL the request came in on, or undefined when the request does not show one.
 * `wellKnownPath` is the document's own path, which the request path ends (or starts) with.
 */
export function baseUrlOf(event: HttpApiEvent, wellKnownPath: string): string | undefined {
  const host = event.requestContext?.domainName;
  if (typeof host !== 'string' || !(HOST_NAME.test(host) || HOST_IPV6.test(host))) return undefined;
  const path = event.requestContext?.http?.path ?? event.rawPath ?? '';
  let prefix: string | undefined;
  if (path.length > 512) prefix = undefined;
  else if (path.endsWith(wellKnownPath)) prefix = path.slice(0, path.length - wellKnownPath.length);
  else if (path.startsWith(`${wellKnownPath}/`)) prefix = path.slice(wellKnownPath.length);
  if (prefix === undefined || !PATH_PREFIX.test(prefix)) return undefined;
  return `${LOOPBACK.test(host) ? 'http' : 'https'}://${host.toLowerCase()}${prefix}`;
}

/** RFC 8414 section 2, for an issuer (a base URL without a trailing slash). */
export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    token_endpoint: `${issuer}${DATA_API_ROUTES.TOKEN_PATH}`,
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    grant_types_supported: ['client_credentials'],
    // Required by RFC 8414, and empty: there is no authorization endpoint.
    response_types_supported: [],
    scopes_supported: [...SCOPE_NAMES],
    revocation_endpoint: `${issuer}${DATA_API_ROUTES.REVOKE_PATH}`,
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    introspection_endpoint: `${issuer}${DATA_API_ROUTES.INTROSPECT_PATH}`,
    introspection_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
  };
}

/** RFC 9728 section 2: the records API is a resource at the same base URL, protected by that issuer. */
export function protectedResourceMetadata(resource: string, issuer: string): Record<string, unknown> {
  return {
    resource,
    authorization_servers: [issuer],
    scopes_supported: [...SCOPE_NAMES],
    bearer_methods_supported: ['header'],
    resource_name: 'Data API records export',
  };
}

export function handleMetadataRequest(event: HttpApiEvent, deps: MetadataDeps): MetadataOutcome {
  const server = event.routeKey === DATA_API_ROUTES.SERVER_METADATA;
  if (!server && event.routeKey !== DATA_API_ROUTES.RESOURCE_METADATA) {
    return { outcome: 'not_found', response: json(404, { message: 'Not Found' }) };
  }
  const base =
    deps.issuer ?? baseUrlOf(event, server ? DATA_API_ROUTES.SERVER_METADATA_PATH : DATA_API_ROUTES.RESOURCE_METADATA_PATH);
  if (base === undefined) {
    return {
      outcome: 'no_base_url',
      response: json(500, {
        error: 'server_error',
        error_description: 'The request does not show the base URL of the Data API: configure the gateway with its issuer',
      }),
    };
  }
  const document = server ? authorizationServerMetadata(base) : protectedResourceMetadata(base, base);
  return { outcome: 'served', response: json(200, document, { 'cache-control': 'public, max-age=3600' }) };
}
