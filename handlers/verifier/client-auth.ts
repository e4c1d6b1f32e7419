/**
 * What the token, revocation and introspection endpoints share: the form body they read and the
 * client authentication they require (RFC 6749 section 2.3.1: HTTP Basic, or `client_id` and
 * `client_secret` in the body), with RFC 6749 section 5.2 error answers.
 *
 * Every 401 carries `WWW-Authenticate: Basic` (RFC 9110 section 15.5.2 requires a challenge on
 * every 401), whichever way the client tried to authenticate. Unknown, wrong, revoked and API-key
 * credentials all get the same `invalid_client` answer and cost the same hash comparison, so the
 * endpoints tell an attacker nothing about which it was.
 */
import { DATA_API_REALM } from '../contract/gateway';
import { CLIENT_SECRET_PATTERN, clientLookupHash, hashSecret, parseClientId, secretMatchesHash } from '../secret-format';
import { refusalOf } from '../lifecycle/states';
import { CredentialRecord } from '../lifecycle/credential-record';
import { bodyText, header, HttpApiEvent, HttpResponse, json } from './http';

/**
 * The largest form body read, in bytes. A real request is a few hundred bytes (an adopted API key
 * is at most 512 characters); the limit keeps a request's cost bounded whatever is sent.
 */
export const MAX_FORM_BYTES = 8192;

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type';

/** An OAuth error answer, and why, for the log line. */
export interface OAuthFailure {
  readonly response: HttpResponse;
  readonly outcome: OAuthErrorCode;
  readonly credentialId?: string;
}

export const NO_STORE: Readonly<Record<string, string>> = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** The challenge of every 401 of the OAuth endpoints. */
export const BASIC_CHALLENGE: Readonly<Record<string, string>> = {
  'www-authenticate': `Basic realm="${DATA_API_REALM}", charset="UTF-8"`,
};

export function oauthError(
  statusCode: 400 | 401 | 403,
  error: OAuthErrorCode,
  description: string,
  extraHeaders: Record<string, string> = {},
): OAuthFailure {
  return {
    outcome: error,
    response: json(statusCode, { error, error_description: description }, { ...NO_STORE, ...(statusCode === 401 ? BASIC_CHALLENGE : {}), ...extraHeaders }),
  };
}

/**
 * The request's `application/x-www-form-urlencoded` parameters, each at most once. Linear in the
 * body's size, which is bounded before anything is decoded.
 */
export function readForm(event: HttpApiEvent): { readonly params: URLSearchParams } | { readonly failure: OAuthFailure } {
  const contentType = header(event, 'content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
    return { failure: oauthError(400, 'invalid_request', 'Send the parameters as application/x-www-form-urlencoded in the request body') };
  }
  const tooLarge = () => ({ failure: oauthError(400, 'invalid_request', `The request body is larger than ${MAX_FORM_BYTES} bytes`) });
  // base64 is 4 characters for 3 bytes: a longer encoded body cannot decode within the limit.
  const raw = event.body ?? '';
  if (raw.length > (event.isBase64Encoded ? Math.ceil(MAX_FORM_BYTES / 3) * 4 : MAX_FORM_BYTES)) return tooLarge();
  const text = bodyText(event);
  if (Buffer.byteLength(text, 'utf8') > MAX_FORM_BYTES) return tooLarge();
  const params = new URLSearchParams(text);
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) {
      return { failure: oauthError(400, 'invalid_request', `Parameter ${JSON.stringify(name.slice(0, 40))} is included more than once`) };
    }
    seen.add(name);
  }
  return { params };
}

type Presented =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic' | 'body'; readonly clientId: string; readonly clientSecret: string }
  | { readonly kind: 'bad-basic' };

/** RFC 6749 section 2.3.1: id and secret are form-encoded, then joined with ":" and base64-encoded. */
function parseBasic(value: string): Presented {
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

export interface ClientAuthDeps {
  readCredential(credentialId: string): Promise<CredentialRecord | undefined>;
  /** The credential of a `KEYHASH#` lookup item: here, a client id's newest credential (`clientLookupHash`). */
  findAdoptedKey(keyHash: string): Promise<string | undefined>;
  readonly now: () => Date;
}

/** Compared against when the client is unknown, so an unknown client costs the same as a wrong secret. */
const UNKNOWN_CLIENT_HASH = hashSecret('data-api: no such client');

/**
 * At most this many credentials are read for one client id: its newest, then its predecessors
 * (one per rotation whose old value may still be in its grace period, up to 7 days).
 */
export const MAX_CLIENT_CREDENTIALS = 8;

/**
 * The credentials that may authenticate as `clientId` now: its newest credential (the lookup item a
 * rotation points at it; without one, the credential the client id names) and, through
 * `predecessorId`, the older ones of the same client still in their grace period. Only accepted
 * OAuth 2.0 records of that very client id, in the same secret; pending and revoked links are passed
 * through, not accepted. Bounded by `MAX_CLIENT_CREDENTIALS` reads.
 */
async function clientCredentials(clientId: string, deps: ClientAuthDeps): Promise<CredentialRecord[]> {
  const parsed = parseClientId(clientId);
  if (parsed === undefined) return [];
  let next: string | undefined = (await deps.findAdoptedKey(clientLookupHash(clientId))) ?? parsed.credentialId;
  const found: CredentialRecord[] = [];
  let secretArn: string | undefined;
  const now = deps.now();
  for (let reads = 0; next !== undefined && reads < MAX_CLIENT_CREDENTIALS; reads++) {
    const record: CredentialRecord | undefined = await deps.readCredential(next);
    if (record === undefined || record.authType !== 'oauth2' || record.clientId !== clientId) break;
    if (secretArn !== undefined && record.secretArn !== secretArn) break;
    secretArn = record.secretArn;
    // Accepted, or expired (its holder is told so); never a revoked or retired one.
    if (refusalOf(record, now) !== 'revoked') found.push(record);
    next = record.predecessorId;
  }
  return found;
}

/**
 * The OAuth 2.0 credential that authenticated, or the error answer: 400 `invalid_request` for
 * Basic and body credentials together, 401 `invalid_client` for none, a malformed Basic header,
 * or credentials that do not check out.
 */
export async function authenticateClient(
  event: HttpApiEvent,
  params: URLSearchParams,
  deps: ClientAuthDeps,
): Promise<{ readonly record: CredentialRecord } | { readonly failure: OAuthFailure }> {
  const authorization = header(event, 'authorization');
  const bodySecret = params.get('client_secret');
  const bodyId = params.get('client_id');
  let presented: Presented = { kind: 'none' };
  if (authorization !== undefined && authorization !== '') {
    presented = parseBasic(authorization);
    if (presented.kind === 'basic' && (bodySecret !== null || (bodyId !== null && bodyId !== presented.clientId))) {
      return { failure: oauthError(400, 'invalid_request', 'Authenticate the client with HTTP Basic or with body parameters, not both') };
    }
  } else if (bodyId !== null && bodySecret !== null) {
    presented = { kind: 'body', clientId: bodyId, clientSecret: bodySecret };
  }
  if (presented.kind === 'bad-basic') {
    return { failure: oauthError(401, 'invalid_client', 'The Authorization header is not valid HTTP Basic client authentication') };
  }
  if (presented.kind === 'none') {
    return { failure: oauthError(401, 'invalid_client', 'Client authentication is required: client_id and client_secret, or HTTP Basic') };
  }

  // Every credential of the client is compared, in constant time and without stopping at a match:
  // during a rotation's grace period the client has two secrets (or more), the newest first.
  const candidates = await clientCredentials(presented.clientId, deps);
  const presentedSecret = CLIENT_SECRET_PATTERN.test(presented.clientSecret) ? presented.clientSecret : '';
  let record: CredentialRecord | undefined;
  for (const candidate of candidates) {
    if (secretMatchesHash(presentedSecret, candidate.secretHash) && record === undefined) record = candidate;
  }
  if (candidates.length === 0) secretMatchesHash(presentedSecret, UNKNOWN_CLIENT_HASH);
  // An expired client's secret is still compared: only its holder learns that it expired.
  if (record !== undefined && refusalOf(record, deps.now()) === 'expired') {
    return { failure: { ...oauthError(401, 'invalid_client', 'The client\'s credential has expired'), credentialId: record.credentialId } };
  }
  if (record === undefined) {
    const failure = oauthError(401, 'invalid_client', 'Client authentication failed: unknown client, wrong secret, or a revoked credential');
    return { failure: candidates.length > 0 ? { ...failure, credentialId: candidates[0].credentialId } : failure };
  }
  return { record };
}

/**
 * A revocation (RFC 7009 section 2.1) or introspection (RFC 7662 section 2.1) request: the client
 * that authenticated, and the `token` parameter the request is about (400 `invalid_request` without).
 */
export async function readTokenRequest(
  event: HttpApiEvent,
  deps: ClientAuthDeps,
): Promise<{ readonly record: CredentialRecord; readonly token: string } | { readonly failure: OAuthFailure }> {
  const form = readForm(event);
  if ('failure' in form) return form;
  const client = await authenticateClient(event, form.params, deps);
  if ('failure' in client) return client;
  const token = form.params.get('token');
  if (token === null || token === '') {
    return { failure: { ...oauthError(400, 'invalid_request', 'Parameter token is missing'), credentialId: client.record.credentialId } };
  }
  return { record: client.record, token };
}
