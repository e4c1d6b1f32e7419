/**
 * The bearer check of the records routes (RFC 6750): `Authorization: Bearer <API key or access
 * token>`. Pure logic over small ports.
 *
 * | request                                               | answer                                                   |
 * |-------------------------------------------------------|----------------------------------------------------------|
 * | no Authorization header, or another scheme            | 401, `WWW-Authenticate: Bearer realm="data-api"`, empty body (no error information, RFC 6750 section 3.1) |
 * | malformed, unknown, expired, revoked or deleted        | 401, `... error="invalid_token"`                         |
 * | of a credential past its declared expiry              | 401, `... error="invalid_token"`, "... has expired"      |
 * | valid, but without the entity's scope                 | 403, `... error="insufficient_scope", scope="<entity>"`  |
 * | valid, with the scope                                 | allowed: credential id and scopes go to the backend      |
 *
 * A token is checked against its credential on every use, so deleting (revoking) the credential
 * ends its tokens at once, not at their expiry; a credential retiring after a rotation keeps its
 * key and tokens until its grace period ends (checked with the injected clock). An adopted API
 * key, whatever its format, is found through the `KEYHASH#` item of its hash. Digests are
 * compared in constant time.
 */
import { ADOPTED_API_KEY_PATTERN, SCOPE_NAMES, ScopeName, AuthTypeName } from '../contract/credential';
import { DATA_API_REALM } from '../contract/gateway';
import { hashSecret, keyedHashSecret, matchesHashOf, parseApiKey } from '../secret-format';
import { acceptedUntilSeconds, refusalOf } from '../lifecycle/states';
import { CredentialRecord } from '../lifecycle/credential-record';
import { HashKeySource } from '../lifecycle/ports';
import type { TokenRecord } from '../store/dynamodb-token-table';
import { bearerKind } from './access-token';
import { HttpResponse, json } from './http';

export interface AuthorizerDeps {
  readCredential(credentialId: string): Promise<CredentialRecord | undefined>;
  readToken(tokenHash: string): Promise<TokenRecord | undefined>;
  /** The credential id of an adopted API key, by the key's hash (a `KEYHASH#` item): HMAC-SHA-256, or SHA-256 before 0.3. */
  findAdoptedKey(keyHash: string): Promise<string | undefined>;
  /** The store's hash key, which adopted keys are hashed with since 0.3; none: SHA-256 only. */
  readonly hashKey?: HashKeySource;
  readonly now: () => Date;
}

/** Who is calling, once the bearer value checked out. */
export interface Principal {
  readonly credentialId: string;
  readonly authType: AuthTypeName;
  /** For an access token: the scopes at issue time that the credential still has. */
  readonly scopes: ScopeName[];
  readonly via: 'api_key' | 'access_token';
  /** For an access token: the client it was issued to (stable across the credential's rotations). */
  readonly clientId?: string;
}

/** `credential_expired`: a key or token that checked out, of a credential past its declared expiry. */
export type Rejection = 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked' | 'credential_expired';

/**
 * A verdict. An accepted value also says when it stops working on its own (epoch seconds: an access
 * token's expiry, or the end of its credential's grace period, whichever is first) and, for an
 * access token, when it was issued; both are absent when there is no such time.
 */
export type Verification =
  | { readonly ok: true; readonly principal: Principal; readonly expiresAt?: number; readonly issuedAt?: number }
  | { readonly ok: false; readonly reason: Rejection };

/** An RFC 6750 token68 after "Bearer"; anything else in the header is `malformed`. */
export function bearerValue(authorization: string | undefined): { value?: string; reason?: Rejection } {
  if (authorization === undefined || authorization.trim() === '') return { reason: 'missing' };
  const match = /^(\S+)(?:[ ]+(.*))?$/.exec(authorization.trim());
  if (!match || match[1].toLowerCase() !== 'bearer') return { reason: 'missing' };
  const value = (match[2] ?? '').trim();
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(value)) return { reason: 'malformed' };
  return { value };
}

export async function verifyBearer(authorization: string | undefined, deps: AuthorizerDeps): Promise<Verification> {
  const { value, reason } = bearerValue(authorization);
  if (value === undefined) return { ok: false, reason: reason ?? 'malformed' };
  return verifyBearerValue(value, deps);
}

/** An API key or access token, whatever it came in (a bearer header, an introspection request). */
export async function verifyBearerValue(value: string, deps: AuthorizerDeps): Promise<Verification> {
  const kind = bearerKind(value);
  if (kind === 'api_key' || (kind !== 'access_token' && ADOPTED_API_KEY_PATTERN.test(value))) {
    // Our keys name their credential; a key that is not its record's (an unknown id, a wrong key of
    // a known id, or an adopted key of any format, even one shaped like ours) is looked up by its
    // hash too, so an unknown id and a wrong key cost the same two reads and a hash comparison, and
    // the answer tells nothing about which credential ids exist.
    const key = await deps.hashKey?.get({ create: false });
    const own = kind === 'api_key' ? await deps.readCredential(parseApiKey(value)!.credentialId) : undefined;
    const ownMatches = own !== undefined && own.authType === 'api_key' && matchesHashOf(value, own, key);
    const record = ownMatches ? own : await adoptedKeyRecord(value, key, deps);
    if (record === undefined || record.authType !== 'api_key') return { ok: false, reason: kind === undefined ? 'malformed' : 'unknown' };
    return apiKeyVerdict(value, record, key, deps.now());
  }
  if (kind !== 'access_token') return { ok: false, reason: kind === undefined ? 'malformed' : 'unknown' };

  // The item is found by the token's hash: equality of the lookup key is the comparison, and the
  // hash is of 256 random bits, so there is nothing for a timing difference to reveal.
  const token = await deps.readToken(hashSecret(value));
  if (token === undefined) return { ok: false, reason: 'unknown' };
  if (token.expiresAt <= Math.floor(deps.now().getTime() / 1000)) return { ok: false, reason: 'expired' };
  return accessTokenVerdict(token, await deps.readCredential(token.credentialId), deps.now());
}

/**
 * An API key against the record it names or was found by, as the record stands: the key must
 * still have the record's hash (compared in constant time) and the record's state must accept it
 * at `now`. Shared by the full verification and the cache's re-check (`records.ts`), so a cached
 * key is judged by exactly the same rules.
 */
export function apiKeyVerdict(value: string, record: CredentialRecord, key: Uint8Array | undefined, now: Date): Verification {
  if (record.authType !== 'api_key' || !matchesHashOf(value, record, key)) return { ok: false, reason: 'unknown' };
  const refusal = refusalOf(record, now);
  if (refusal !== undefined) return { ok: false, reason: refusal === 'expired' ? 'credential_expired' : 'revoked' };
  const retires = acceptedUntilSeconds(record);
  return {
    ok: true,
    principal: { credentialId: record.credentialId, authType: 'api_key', scopes: [...record.scopes], via: 'api_key' },
    ...(retires === undefined ? {} : { expiresAt: retires }),
  };
}

/**
 * An access token's item against its credential's record, as both stand: the token must be
 * unexpired and the record accept it at `now`; the scopes are those of the token that the
 * credential still has. Shared by the full verification and the cache's re-check.
 */
export function accessTokenVerdict(token: TokenRecord, record: CredentialRecord | undefined, now: Date): Verification {
  if (token.expiresAt <= Math.floor(now.getTime() / 1000)) return { ok: false, reason: 'expired' };
  if (record === undefined || record.authType !== 'oauth2') return { ok: false, reason: 'revoked' };
  const refusal = refusalOf(record, now);
  if (refusal !== undefined) return { ok: false, reason: refusal === 'expired' ? 'credential_expired' : 'revoked' };
  const scopes = SCOPE_NAMES.filter((s) => token.scopes.includes(s) && record.scopes.includes(s));
  const issuedAt = Math.floor(Date.parse(token.issuedAt) / 1000);
  return {
    ok: true,
    principal: { credentialId: record.credentialId, authType: 'oauth2', scopes, via: 'access_token', ...(record.clientId === undefined ? {} : { clientId: record.clientId }) },
    expiresAt: Math.min(token.expiresAt, acceptedUntilSeconds(record) ?? Infinity),
    ...(Number.isFinite(issuedAt) ? { issuedAt } : {}),
  };
}

/**
 * An adopted key's record, by its `KEYHASH#` item: under the store's hash key (HMAC) first, then
 * under plain SHA-256 (keys adopted before the store had a hash key). Every value not found costs
 * the same lookups.
 */
async function adoptedKeyRecord(value: string, key: Uint8Array | undefined, deps: AuthorizerDeps): Promise<CredentialRecord | undefined> {
  for (const hash of [...(key === undefined ? [] : [keyedHashSecret(value, key)]), hashSecret(value)]) {
    const credentialId = await deps.findAdoptedKey(hash);
    if (credentialId === undefined) continue;
    const record = await deps.readCredential(credentialId);
    return record?.adopted === true ? record : undefined;
  }
  return undefined;
}

function challenge(params: Record<string, string>): string {
  const attributes = Object.entries({ realm: DATA_API_REALM, ...params }).map(([k, v]) => `${k}="${v.replace(/["\\]/g, '')}"`);
  return `Bearer ${attributes.join(', ')}`;
}

/** The 401 of a failed verification (RFC 6750 section 3). */
export function unauthorized(reason: Rejection): HttpResponse {
  if (reason === 'missing') {
    // RFC 6750 section 3.1: no credentials presented, so no error code or other error
    // information, in the challenge or the body; the challenge alone says what to send.
    return { statusCode: 401, headers: { 'www-authenticate': challenge({}) }, body: '' };
  }
  // Only to a caller who presented a value that checked out: its credential passed its declared expiry.
  const description =
    reason === 'credential_expired'
      ? 'The credential of this API key or access token has expired'
      : 'The API key or access token is malformed, unknown, expired or revoked';
  return json(401, { error: 'invalid_token', error_description: description }, {
    'www-authenticate': challenge({ error: 'invalid_token', error_description: description }),
  });
}

/** The 403 of a valid credential without the scope (RFC 6750 section 3.1, insufficient_scope). */
export function forbidden(scope: ScopeName): HttpResponse {
  const description = `The credential does not have the "${scope}" scope`;
  return json(403, { error: 'insufficient_scope', error_description: description, scope }, {
    'www-authenticate': challenge({ error: 'insufficient_scope', error_description: description, scope }),
  });
}
