/**
 * `GET /export/{v1|v1beta2}/records/{entity}`: verify the bearer value, check the entity's scope,
 * record the credential's last use, then hand the request to the records backend with who is
 * calling. Pure logic over ports; `records-handler.ts` wires AWS in.
 *
 * Why the verifier is the route's integration and not an API Gateway authorizer: an HTTP API
 * Lambda authorizer can only allow (the integration answers) or deny (API Gateway answers 403
 * `{"message":"Forbidden"}`); a missing identity source is a bare 401, and neither answer can carry
 * `WWW-Authenticate`. RFC 6750 needs 401 with `error="invalid_token"` for a bad token and 403 with
 * `error="insufficient_scope"` naming the scope, so the verifier answers itself (see README).
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { SCOPE_NAMES, ScopeName } from '../contract/credential';
import { BACKEND_HEADERS, DATA_API_ROUTES } from '../contract/gateway';
import { LAST_USED_INTERVAL_SECONDS } from '../contract/table';
import { hashSecret } from '../secret-format';
import { BackendError } from '../store/lambda-records-backend';
import {
  accessTokenVerdict,
  apiKeyVerdict,
  AuthorizerDeps,
  bearerValue,
  forbidden,
  Principal,
  Rejection,
  unauthorized,
  Verification,
  verifyBearer,
} from './authorizer';
import { header, HttpApiEvent, HttpResponse, json } from './http';

/** Calls the records backend for an allowed request. */
export type RecordsBackend = (event: HttpApiEvent, principal: Principal) => Promise<HttpResponse>;

export interface RecordsDeps extends AuthorizerDeps {
  readonly backend: RecordsBackend;
  /** Stamps `lastUsedAt` at most once a minute per credential (see `LastUsedThrottle`). */
  readonly lastUsed?: LastUsedThrottle;
  /** Reuses verifications for a while (`authorizerCacheTtlSeconds`); none means every request checks the store. */
  readonly cache?: VerificationCache;
}

export interface RecordsOutcome {
  readonly response: HttpResponse;
  readonly outcome: 'allowed' | Rejection | 'insufficient_scope' | 'not_found';
  readonly credentialId?: string;
  readonly entity?: string;
  readonly version?: string;
}

export async function handleRecordsRequest(event: HttpApiEvent, deps: RecordsDeps): Promise<RecordsOutcome> {
  const entity = event.pathParameters?.entity;
  const version = DATA_API_ROUTES.VERSIONS.find((v) => (event.rawPath ?? '').startsWith(`/export/${v}/`));
  const verification = await verifyRequest(event, deps);
  if (!verification.ok) return { response: unauthorized(verification.reason), outcome: verification.reason, version };
  const { principal } = verification;
  const base = { credentialId: principal.credentialId, version };

  if (entity === undefined || !(SCOPE_NAMES as readonly string[]).includes(entity)) {
    const known = SCOPE_NAMES.join(', ');
    return {
      ...base,
      outcome: 'not_found',
      response: json(404, { error: 'not_found', error_description: `Unknown records entity; one of: ${known}` }),
    };
  }
  const scope = entity as ScopeName;
  if (!principal.scopes.includes(scope)) return { ...base, entity, outcome: 'insufficient_scope', response: forbidden(scope) };

  await deps.lastUsed?.touch(principal.credentialId);
  const response = await deps.backend(eventForBackend(event), principal);
  return { ...base, entity, outcome: 'allowed', response };
}

/**
 * The request as the backend sees it: the caller's credential is no business of the backend, and
 * the `x-data-api-*` headers are the verifier's to set (who is calling): a client's own are dropped.
 */
export function eventForBackend(event: HttpApiEvent): HttpApiEvent {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization' && !name.toLowerCase().startsWith('x-data-api-')),
  );
  return { ...event, headers };
}

/**
 * The event a Lambda backend gets: what API Gateway would send it behind a Lambda authorizer with
 * simple responses, the authorizer's context under `requestContext.authorizer.lambda`.
 */
export function lambdaBackendEvent(event: HttpApiEvent, principal: Principal): HttpApiEvent {
  return {
    ...event,
    requestContext: {
      ...(event.requestContext ?? {}),
      authorizer: { lambda: { credentialId: principal.credentialId, scopes: principal.scopes.join(' '), authType: principal.authType } },
    },
  };
}

/** Headers an HTTP backend gets in place of the Authorization header. */
export function httpBackendHeaders(principal: Principal): Record<string, string> {
  return {
    [BACKEND_HEADERS.CREDENTIAL_ID]: principal.credentialId,
    [BACKEND_HEADERS.SCOPES]: principal.scopes.join(' '),
    [BACKEND_HEADERS.AUTH_TYPE]: principal.authType,
  };
}

/**
 * A Lambda result as API Gateway reads a payload 2.0 response: an object with `statusCode` is a
 * response; anything else is a 200 with the value as its JSON body. A response HTTP cannot carry
 * (a status outside 100-599, a header name or value no server may send) is the backend's failure,
 * a 502, rather than an answer API Gateway would turn into a 500 of its own.
 */
export function responseOfLambdaResult(result: unknown): HttpResponse {
  if (typeof result === 'object' && result !== null && typeof (result as { statusCode?: unknown }).statusCode === 'number') {
    const r = result as { statusCode: number; headers?: Record<string, unknown>; body?: unknown; isBase64Encoded?: boolean };
    if (!Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599) {
      throw new BackendError(`The records backend answered status ${r.statusCode}, which is not an HTTP status`);
    }
    const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    for (const [name, value] of Object.entries(headers)) {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
      } catch {
        // The value is not echoed: it could be anything the backend put there.
        throw new BackendError(`The records backend answered a header that HTTP cannot carry (${/^[\w-]{1,64}$/.test(name) ? name : 'its name'})`);
      }
    }
    return {
      statusCode: r.statusCode,
      headers,
      body: typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body),
      ...(r.isBase64Encoded ? { isBase64Encoded: true } : {}),
    };
  }
  return json(200, result);
}

/**
 * Who is calling: the request's `Authorization` header verified, through the cache when there is
 * one. A cache entry is keyed by the SHA-256 of the whole bearer value, so only the same value
 * finds it; it holds rejections too, for the same TTL (a revoked credential is never revived, and a
 * key's hash belongs to one credential for good).
 *
 * An accepted entry is never trusted as it is: it only says which record the value was accepted
 * by, and every request re-reads that record (one consistent GetItem by key, with the gateway
 * client's timeouts) and judges it by the very rules of a full verification (`apiKeyVerdict`,
 * `accessTokenVerdict`). So destroying a credential, the end of a retirement or a removed scope
 * takes effect at once on every warm instance, as without a cache. A cached access token also
 * re-reads its item, at the same time as the record: revocation (RFC 7009) deletes it. What the
 * cache saves is the search: the hash-key read, the `KEYHASH#` lookups of an adopted key and the
 * hash of a wrong value, and for a token the wait for its item before its record can be read.
 */
export async function verifyRequest(event: HttpApiEvent, deps: RecordsDeps): Promise<Verification> {
  const authorization = header(event, 'authorization');
  const { value } = bearerValue(authorization);
  if (deps.cache === undefined || value === undefined) return verifyBearer(authorization, deps);
  const key = hashSecret(value);
  const cached = deps.cache.get(key);
  if (cached !== undefined && !cached.ok) return cached;
  const verification = cached === undefined ? await verifyBearer(authorization, deps) : await recheck(cached.principal, value, key, deps);
  // An accepted re-check keeps its entry (and its TTL): it is re-checked again next time anyway.
  if (cached === undefined || !verification.ok) deps.cache.set(key, verification);
  return verification;
}

/** A cached acceptance judged again against the store as it is now: one read for a key, two at once for a token. */
async function recheck(principal: Principal, value: string, tokenHash: string, deps: RecordsDeps): Promise<Verification> {
  if (principal.via === 'api_key') {
    const record = await deps.readCredential(principal.credentialId);
    // Gone (DynamoDB's TTL removed a long-retired record): the value can never be valid again.
    if (record === undefined) return { ok: false, reason: 'unknown' };
    // The store's hash key is only needed for an HMAC record, and is then already in memory.
    const hashKey = record.hashScheme === 'hmac-sha256' ? await deps.hashKey?.get({ create: false }) : undefined;
    return apiKeyVerdict(value, record, hashKey, deps.now());
  }
  const [token, record] = await Promise.all([deps.readToken(tokenHash), deps.readCredential(principal.credentialId)]);
  if (token === undefined || token.credentialId !== principal.credentialId) return { ok: false, reason: 'unknown' };
  return accessTokenVerdict(token, record, deps.now());
}

/** Verifications by token hash, for `ttlSeconds`, at most `maxEntries` of them (oldest dropped first). */
export class VerificationCache {
  private readonly entries = new Map<string, { verification: Verification; until: number }>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => Date,
    private readonly maxEntries = 1000,
  ) {}

  get(key: string): Verification | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until <= this.now().getTime()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.verification;
  }

  set(key: string, verification: Verification): void {
    if (this.ttlSeconds <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { verification, until: this.now().getTime() + this.ttlSeconds * 1000 });
  }
}

/**
 * Stamps a credential's `lastUsedAt` at most once per `LAST_USED_INTERVAL_SECONDS`: skipped in
 * this process when it wrote recently, and conditional in the store, so many warm instances
 * together still write at most once a minute per credential. A failure never fails the request.
 */
export class LastUsedThrottle {
  private readonly written = new Map<string, number>();

  constructor(
    private readonly record: (credentialId: string, usedAt: string, notAfter: string) => Promise<boolean>,
    private readonly now: () => Date,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  async touch(credentialId: string): Promise<void> {
    const now = this.now().getTime();
    const last = this.written.get(credentialId);
    const interval = LAST_USED_INTERVAL_SECONDS * 1000;
    if (last !== undefined && now - last < interval) return;
    try {
      await this.record(credentialId, new Date(now).toISOString(), new Date(now - interval + 1).toISOString());
      // Written, or someone wrote within the minute: either way nothing to do for a minute.
      this.written.set(credentialId, now);
    } catch (error) {
      this.onError(error);
    }
  }
}
