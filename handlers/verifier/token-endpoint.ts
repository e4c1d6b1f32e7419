/**
 * The OAuth 2.0 token endpoint, `POST /oauth/v1/token`: the client credentials grant
 * (RFC 6749 section 4.4) for OAuth 2.0 credentials. Pure logic over small ports; the Lambda
 * entry point (`token-handler.ts`) wires DynamoDB in.
 *
 * Errors follow RFC 6749 section 5.2: `invalid_request`, `unsupported_grant_type` and
 * `invalid_scope` are 400; `invalid_client` is 401 with `WWW-Authenticate: Basic` (see
 * `client-auth.ts`, shared with the revocation and introspection endpoints).
 */
import { SCOPE_NAMES, ScopeName } from '../contract/credential';
import { ACCESS_TOKEN } from '../contract/gateway';
import { hashSecret, RandomSource } from '../secret-format';
import { acceptedUntilSeconds } from '../lifecycle/states';
import type { TokenRecord } from '../store/dynamodb-token-table';
import { generateAccessToken } from './access-token';
import { authenticateClient, ClientAuthDeps, NO_STORE, OAuthErrorCode, oauthError, readForm } from './client-auth';
import { HttpApiEvent, HttpResponse, json } from './http';

export interface TokenEndpointDeps extends ClientAuthDeps {
  putToken(token: TokenRecord): Promise<void>;
  readonly randomBytes: RandomSource;
}

/** Why a request was answered as it was, for the log line (never a secret). */
export interface TokenOutcome {
  readonly response: HttpResponse;
  readonly outcome: 'issued' | OAuthErrorCode;
  readonly credentialId?: string;
}

export async function handleTokenRequest(event: HttpApiEvent, deps: TokenEndpointDeps): Promise<TokenOutcome> {
  const form = readForm(event);
  if ('failure' in form) return form.failure;
  const { params } = form;

  const grantType = params.get('grant_type');
  if (grantType === null || grantType === '') return oauthError(400, 'invalid_request', 'Parameter grant_type is missing');
  if (grantType !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'Only the client_credentials grant is supported');
  }

  const client = await authenticateClient(event, params, deps);
  if ('failure' in client) return client.failure;
  const { record } = client;

  let scopes: ScopeName[] = [...record.scopes];
  const requested = params.get('scope');
  if (requested !== null && requested.trim() !== '') {
    const asked = requested.trim().split(/ +/);
    const notGranted = asked.filter((s) => !(record.scopes as string[]).includes(s));
    if (notGranted.length > 0) {
      return {
        ...oauthError(
          400,
          'invalid_scope',
          `Scope ${JSON.stringify(notGranted[0].slice(0, 40))} is not granted to this client; granted: ${record.scopes.join(' ')}`,
        ),
        credentialId: record.credentialId,
      };
    }
    scopes = SCOPE_NAMES.filter((s) => asked.includes(s));
  }

  const token = generateAccessToken(deps.randomBytes);
  const now = deps.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // Never beyond the credential's own end (its declared expiry, or a retiring one's grace period).
  const expiresAt = Math.min(nowSeconds + ACCESS_TOKEN.LIFETIME_SECONDS, acceptedUntilSeconds(record) ?? Infinity);
  await deps.putToken({
    tokenHash: hashSecret(token),
    credentialId: record.credentialId,
    scopes,
    issuedAt: now.toISOString(),
    expiresAt,
  });
  return {
    outcome: 'issued',
    credentialId: record.credentialId,
    response: json(
      200,
      { access_token: token, token_type: ACCESS_TOKEN.TYPE, expires_in: Math.max(1, expiresAt - nowSeconds), scope: scopes.join(' ') },
      NO_STORE,
    ),
  };
}
