/**
 * The OAuth 2.0 token endpoint, `POST /oauth/v1/token`: the client credentials grant
 * (RFC 6749 section 4.4) for OAuth 2.0 credentials. Pure logic over small ports; the Lambda
 * entry point (`token-handler.ts`) wires DynamoDB in.
 *
 * Errors follow RFC 6749 section 5.2: `invalid_request`, `unsupported_grant_type` and
 * `invalid_scope` are 400; `invalid_client` is 401, with `WWW-Authenticate: Basic` when the client
 * authenticated with HTTP Basic. Unknown, wrong, revoked and API-key credentials all get the same
 * `invalid_client` answer, so the endpoint tells an attacker nothing about which it was.
 */
import { ACCESS_TOKEN, DATA_API_REALM, SCOPE_NAMES, ScopeName } from '../contract';
import { CLIENT_SECRET_PATTERN, hashSecret, parseClientId, RandomSource, secretMatchesHash } from '../secret-format';
import { CredentialRecord, isAccepted } from '../store/credential-record';
import type { TokenRecord } from '../store/dynamodb-token-table';
import { generateAccessToken } from './access-token';
import { bodyText, header, HttpApiEvent, HttpResponse, json } from './http';

export interface TokenEndpointDeps {
  readCredential(credentialId: string): Promise<CredentialRecord | undefined>;
  putToken(token: TokenRecord): Promise<void>;
  readonly now: () => Date;
  readonly randomBytes: RandomSource;
}

/** Why a request was answered as it was, for the log line (never a secret). */
export interface TokenOutcome {
  readonly response: HttpResponse;
  readonly outcome: 'issued' | 'invalid_request' | 'unsupported_grant_type' | 'invalid_client' | 'invalid_scope';
  readonly credentialId?: string;
}

/** Compared against when the client is unknown, so an unknown client costs the same as a wrong secret. */
const UNKNOWN_CLIENT_HASH = hashSecret('data-api: no such client');

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

function oauthError(
  statusCode: 400 | 401,
  error: TokenOutcome['outcome'],
  description: string,
  extraHeaders: Record<string, string> = {},
): TokenOutcome {
  return { outcome: error, response: json(statusCode, { error, error_description: description }, { ...NO_STORE, ...extraHeaders }) };
}

type ClientAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic' | 'body'; readonly clientId: string; readonly clientSecret: string }
  | { readonly kind: 'bad-basic' };

/** RFC 6749 section 2.3.1: id and secret are form-encoded, then joined with ":" and base64-encoded. */
function parseBasic(value: string): ClientAuth {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(value);
  if (!match) return { kind: 'bad-basic' };
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'bad-basic' };
  try {
    const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    return { kind: 'basic', clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return { kind: 'bad-basic' };
  }
}

export async function handleTokenRequest(event: HttpApiEvent, deps: TokenEndpointDeps): Promise<TokenOutcome> {
  const contentType = header(event, 'content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
    return oauthError(400, 'invalid_request', 'Send the parameters as application/x-www-form-urlencoded in the request body');
  }
  const params = new URLSearchParams(bodyText(event));
  const names = [...params.keys()];
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    return oauthError(400, 'invalid_request', `Parameter ${JSON.stringify(repeated.slice(0, 40))} is included more than once`);
  }

  const grantType = params.get('grant_type');
  if (grantType === null || grantType === '') return oauthError(400, 'invalid_request', 'Parameter grant_type is missing');
  if (grantType !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'Only the client_credentials grant is supported');
  }

  const authorization = header(event, 'authorization');
  const bodySecret = params.get('client_secret');
  const bodyId = params.get('client_id');
  let auth: ClientAuth = { kind: 'none' };
  if (authorization !== undefined && authorization !== '') {
    auth = parseBasic(authorization);
    if (auth.kind === 'basic' && (bodySecret !== null || (bodyId !== null && bodyId !== auth.clientId))) {
      return oauthError(400, 'invalid_request', 'Authenticate the client with HTTP Basic or with body parameters, not both');
    }
  } else if (bodyId !== null && bodySecret !== null) {
    auth = { kind: 'body', clientId: bodyId, clientSecret: bodySecret };
  }
  const challenge = { 'www-authenticate': `Basic realm="${DATA_API_REALM}", charset="UTF-8"` };
  if (auth.kind === 'bad-basic') {
    return oauthError(401, 'invalid_client', 'The Authorization header is not valid HTTP Basic client authentication', challenge);
  }
  if (auth.kind === 'none') {
    return oauthError(401, 'invalid_client', 'Client authentication is required: client_id and client_secret, or HTTP Basic');
  }
  const clientFailed = (): TokenOutcome =>
    oauthError(
      401,
      'invalid_client',
      'Client authentication failed: unknown client, wrong secret, or a revoked credential',
      auth.kind === 'basic' ? challenge : {},
    );

  const parsed = parseClientId(auth.clientId);
  const record = parsed === undefined ? undefined : await deps.readCredential(parsed.credentialId);
  const usable =
    record !== undefined && isAccepted(record, deps.now()) && record.authType === 'oauth2' && record.clientId === auth.clientId;
  const secretOk = secretMatchesHash(
    CLIENT_SECRET_PATTERN.test(auth.clientSecret) ? auth.clientSecret : '',
    usable ? record.secretHash : UNKNOWN_CLIENT_HASH,
  );
  if (!usable || !secretOk) return { ...clientFailed(), ...(record ? { credentialId: record.credentialId } : {}) };

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
  await deps.putToken({
    tokenHash: hashSecret(token),
    credentialId: record.credentialId,
    scopes,
    issuedAt: now.toISOString(),
    expiresAt: nowSeconds + ACCESS_TOKEN.LIFETIME_SECONDS,
  });
  return {
    outcome: 'issued',
    credentialId: record.credentialId,
    response: json(
      200,
      { access_token: token, token_type: ACCESS_TOKEN.TYPE, expires_in: ACCESS_TOKEN.LIFETIME_SECONDS, scope: scopes.join(' ') },
      NO_STORE,
    ),
  };
}
