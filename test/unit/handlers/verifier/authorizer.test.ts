import { ACCESS_TOKEN } from '../../../../handlers/contract/gateway';
import { generateApiKey, hashSecret } from '../../../../handlers/secret-format';
import { generateAccessToken } from '../../../../handlers/verifier/access-token';
import { handleRecordsRequest, LastUsedThrottle, RecordsDeps, responseOfLambdaResult, VerificationCache } from '../../../../handlers/verifier/records';
import { handleTokenRequest } from '../../../../handlers/verifier/token-endpoint';
import { wrapGatewayHandler } from '../../../../handlers/verifier/wrap';
import { BackendError } from '../../../../handlers/store/lambda-records-backend';
import { KEY_ID, OAUTH_ID, recordsRequest, tokenRequest, World } from '../../../support/verifier-world';

function setup() {
  const world = new World();
  const client = world.addOAuthClient(OAUTH_ID, ['conversations', 'users']);
  const apiKey = world.addApiKey(KEY_ID, ['conversations', 'interactions']);
  const backendCalls: Array<{ event: any; principal: any }> = [];
  const deps: RecordsDeps = {
    readCredential: world.readCredential,
    readToken: world.readToken,
    findAdoptedKey: world.findAdoptedKey,
    now: world.now,
    backend: async (event, principal) => {
      backendCalls.push({ event, principal });
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"value":[]}' };
    },
  };
  const issue = async (scope?: string): Promise<string> => {
    const outcome = await handleTokenRequest(
      tokenRequest({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, ...(scope ? { scope } : {}) }),
      { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes },
    );
    return JSON.parse(outcome.response.body).access_token;
  };
  return { world, apiKey, deps, backendCalls, issue };
}

const bearer = (value: string) => `Bearer ${value}`;

describe('records verifier (RFC 6750)', () => {
  test('an access token reads an entity in its scopes on /v1/ and /v1beta2/; the backend gets who, never the header', async () => {
    const { deps, backendCalls, issue } = setup();
    const token = await issue();
    for (const version of ['v1', 'v1beta2']) {
      const outcome = await handleRecordsRequest(recordsRequest('conversations', bearer(token), version), deps);
      expect(outcome.response.statusCode).toBe(200);
      expect(outcome).toMatchObject({ outcome: 'allowed', credentialId: OAUTH_ID, version });
    }
    expect(backendCalls).toHaveLength(2);
    expect(backendCalls[0].principal).toEqual({ credentialId: OAUTH_ID, authType: 'oauth2', scopes: ['conversations', 'users'], via: 'access_token', clientId: `dci_${OAUTH_ID}` });
    expect(backendCalls[0].event.headers).not.toHaveProperty('authorization');
  });

  test('an API key reads an entity in its scopes', async () => {
    const { deps, apiKey, backendCalls } = setup();
    const outcome = await handleRecordsRequest(recordsRequest('interactions', bearer(apiKey)), deps);
    expect(outcome.response.statusCode).toBe(200);
    expect(backendCalls[0].principal).toMatchObject({ credentialId: KEY_ID, authType: 'api_key', via: 'api_key' });
  });

  test.each([
    ['no Authorization header', undefined],
    ['another scheme', 'Basic Zm9vOmJhcg=='],
  ])('%s is 401 with a Bearer challenge and no error information in the challenge or the body (RFC 6750 3.1)', async (_, header) => {
    const { deps, backendCalls } = setup();
    const outcome = await handleRecordsRequest(recordsRequest('conversations', header), deps);
    expect(outcome.response.statusCode).toBe(401);
    expect(outcome.response.headers['www-authenticate']).toBe('Bearer realm="data-api"');
    expect(outcome.response.body).toBe('');
    expect(backendCalls).toHaveLength(0);
  });

  test.each([
    ['an empty bearer value', 'Bearer '],
    ['a malformed value', 'Bearer not a token'],
    ['a value that is neither key nor token', 'Bearer abcdef'],
    ['a token with a bad checksum', `Bearer ${ACCESS_TOKEN.PREFIX}${'A'.repeat(49)}`],
    ['an unknown well-formed access token', `Bearer ${generateAccessToken()}`],
    ['an unknown well-formed API key', `Bearer ${generateApiKey('c'.repeat(32))}`],
    ['a wrong key of a known credential', `Bearer ${generateApiKey(KEY_ID)}`],
  ])('%s is 401 invalid_token', async (_, header) => {
    const { deps, backendCalls } = setup();
    const outcome = await handleRecordsRequest(recordsRequest('conversations', header), deps);
    expect(outcome.response.statusCode).toBe(401);
    expect(outcome.response.headers['www-authenticate']).toMatch(/^Bearer realm="data-api", error="invalid_token"/);
    expect(JSON.parse(outcome.response.body).error).toBe('invalid_token');
    expect(backendCalls).toHaveLength(0);
  });

  test('an access token expires after an hour (injected clock)', async () => {
    const { world, deps, issue } = setup();
    const token = await issue();
    world.advance(3599);
    expect((await handleRecordsRequest(recordsRequest('users', bearer(token)), deps)).response.statusCode).toBe(200);
    world.advance(1);
    const outcome = await handleRecordsRequest(recordsRequest('users', bearer(token)), deps);
    expect([outcome.response.statusCode, outcome.outcome]).toEqual([401, 'expired']);
  });

  test('revoking (deleting) the credential ends its API key and its unexpired tokens at once', async () => {
    const { world, deps, apiKey, issue } = setup();
    const token = await issue();
    world.revoke(OAUTH_ID);
    world.revoke(KEY_ID);
    const byToken = await handleRecordsRequest(recordsRequest('users', bearer(token)), deps);
    const byKey = await handleRecordsRequest(recordsRequest('conversations', bearer(apiKey)), deps);
    expect([byToken.response.statusCode, byToken.outcome]).toEqual([401, 'revoked']);
    expect([byKey.response.statusCode, byKey.outcome]).toEqual([401, 'revoked']);
    world.credentials.delete(OAUTH_ID);
    expect((await handleRecordsRequest(recordsRequest('users', bearer(token)), deps)).response.statusCode).toBe(401);
  });

  test('a valid credential without the entity scope is 403 insufficient_scope naming the scope', async () => {
    const { deps, apiKey, backendCalls } = setup();
    const outcome = await handleRecordsRequest(recordsRequest('plugin-calls', bearer(apiKey)), deps);
    expect(outcome.response.statusCode).toBe(403);
    expect(outcome.response.headers['www-authenticate']).toMatch(/error="insufficient_scope".*scope="plugin-calls"/);
    expect(JSON.parse(outcome.response.body)).toMatchObject({ error: 'insufficient_scope', scope: 'plugin-calls' });
    expect(backendCalls).toHaveLength(0);
  });

  test('a token narrowed at issue, or whose credential lost a scope since, gets 403 for it', async () => {
    const { world, deps, issue } = setup();
    const narrowed = await issue('users');
    expect((await handleRecordsRequest(recordsRequest('conversations', bearer(narrowed)), deps)).response.statusCode).toBe(403);
    const full = await issue();
    const record = world.credentials.get(OAUTH_ID)!;
    world.credentials.set(OAUTH_ID, { ...record, scopes: ['users'] });
    expect((await handleRecordsRequest(recordsRequest('conversations', bearer(full)), deps)).response.statusCode).toBe(403);
  });

  test('an unknown entity is 404 once the caller is authenticated, 401 before', async () => {
    const { deps, apiKey } = setup();
    expect((await handleRecordsRequest(recordsRequest('billing', bearer(apiKey)), deps)).response.statusCode).toBe(404);
    expect((await handleRecordsRequest(recordsRequest('billing'), deps)).response.statusCode).toBe(401);
  });
});

describe('last used', () => {
  test('is written at most once a minute per credential', async () => {
    const { world, deps, apiKey } = setup();
    const writes: Array<[string, string, string]> = [];
    const throttle = new LastUsedThrottle(async (id, usedAt, notAfter) => {
      writes.push([id, usedAt, notAfter]);
      return true;
    }, world.now);
    const withStamp = { ...deps, lastUsed: throttle };
    await handleRecordsRequest(recordsRequest('conversations', bearer(apiKey)), withStamp);
    world.advance(59);
    await handleRecordsRequest(recordsRequest('conversations', bearer(apiKey)), withStamp);
    expect(writes).toEqual([[KEY_ID, '2026-11-27T12:00:00.000Z', '2026-11-27T11:59:00.001Z']]);
    world.advance(1);
    await handleRecordsRequest(recordsRequest('conversations', bearer(apiKey)), withStamp);
    expect(writes).toHaveLength(2);
    // A refused request is not a use.
    await handleRecordsRequest(recordsRequest('plugin-calls', bearer(apiKey)), withStamp);
    world.advance(120);
    await handleRecordsRequest(recordsRequest('plugin-calls', bearer(apiKey)), withStamp);
    expect(writes).toHaveLength(2);
  });

  test('a failing write never fails the request', async () => {
    const { world, deps, apiKey } = setup();
    const errors: unknown[] = [];
    const throttle = new LastUsedThrottle(async () => Promise.reject(new Error('throttled')), world.now, (e) => errors.push(e));
    const outcome = await handleRecordsRequest(recordsRequest('conversations', bearer(apiKey)), { ...deps, lastUsed: throttle });
    expect(outcome.response.statusCode).toBe(200);
    expect(errors).toHaveLength(1);
  });
});

describe('verification cache (authorizerCacheTtlSeconds)', () => {
  test('with a TTL, a revoked key and its credential\'s token get the same 401 at once as without a cache, and as an unknown value', async () => {
    const { world, deps, apiKey, issue } = setup();
    const token = await issue();
    const cached = { ...deps, cache: new VerificationCache(30, world.now) };
    for (const value of [apiKey, token]) {
      expect((await handleRecordsRequest(recordsRequest('conversations', bearer(value)), cached)).response.statusCode).toBe(200);
    }
    world.revoke(KEY_ID);
    world.revoke(OAUTH_ID);
    const unknown = await handleRecordsRequest(recordsRequest('conversations', bearer(generateApiKey('e'.repeat(32)))), cached);
    expect(unknown.response.statusCode).toBe(401);
    for (const value of [apiKey, token]) {
      for (const through of [deps, cached]) {
        const refused = await handleRecordsRequest(recordsRequest('conversations', bearer(value)), through);
        expect(refused.outcome).toBe('revoked');
        expect(refused.response).toEqual(unknown.response);
      }
    }
  });
});

describe('Lambda backend results, as API Gateway maps payload 2.0', () => {
  test('an object with statusCode is the response; anything else is a 200 JSON body', () => {
    expect(responseOfLambdaResult({ statusCode: 204, headers: { 'X-A': 1 } })).toEqual({ statusCode: 204, headers: { 'x-a': '1' }, body: '' });
    expect(responseOfLambdaResult({ value: [1] })).toMatchObject({ statusCode: 200, body: '{"value":[1]}' });
  });

  test('a response HTTP cannot carry is the backend failing (502 bad_gateway), never an answer the gateway cannot write', async () => {
    for (const malformed of [
      { statusCode: 0 },
      { statusCode: 1000 },
      { statusCode: 200.5 },
      { statusCode: 200, headers: { 'x-note': 'one\r\nset-cookie: injected=1' } },
      { statusCode: 200, headers: { 'x-note': 'revoked \u2026' } },
      { statusCode: 200, headers: { 'bad name': 'x' } },
    ]) {
      expect(() => responseOfLambdaResult(malformed)).toThrow(BackendError);
    }
    const { deps, apiKey } = setup();
    const handler = wrapGatewayHandler(
      'records',
      (event) => handleRecordsRequest(event, { ...deps, backend: async () => responseOfLambdaResult({ statusCode: 200, headers: { 'x-note': '\u2026' } }) }),
      () => undefined,
    );
    const response = await handler(recordsRequest('conversations', bearer(apiKey)));
    expect([response.statusCode, JSON.parse(response.body).error]).toEqual([502, 'bad_gateway']);
  });
});

describe('a rotated-out (retiring) credential', () => {
  test('its API key works until retiresAt, then gets 401 invalid_token (injected clock)', async () => {
    const { world, deps, apiKey } = setup();
    world.retire(KEY_ID, 24);
    world.advance(24 * 3600 - 1);
    expect((await handleRecordsRequest(recordsRequest('interactions', bearer(apiKey)), deps)).response.statusCode).toBe(200);
    world.advance(1);
    const refused = await handleRecordsRequest(recordsRequest('interactions', bearer(apiKey)), deps);
    expect(refused).toMatchObject({ response: { statusCode: 401 }, outcome: 'revoked' });
    expect(refused.response.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  test('its access tokens end with the grace period, even before their own expiry', async () => {
    const { world, deps, issue } = setup();
    world.retire(OAUTH_ID, 0.5);
    const token = await issue();
    expect((await handleRecordsRequest(recordsRequest('conversations', bearer(token)), deps)).response.statusCode).toBe(200);
    world.advance(1800);
    expect((await handleRecordsRequest(recordsRequest('conversations', bearer(token)), deps)).response.statusCode).toBe(401);
  });

  test('without retiresAt it is refused (fail closed)', async () => {
    const { world, deps, apiKey } = setup();
    world.credentials.set(KEY_ID, { ...world.credentials.get(KEY_ID)!, status: 'retiring' });
    expect((await handleRecordsRequest(recordsRequest('interactions', bearer(apiKey)), deps)).response.statusCode).toBe(401);
  });
});

describe('an adopted API key (any format, found by its hash)', () => {
  const ADOPTED_ID = 'c'.repeat(32);
  const PREVIEW_KEY = 'preview-9f8e7d6c5b4a39281706f5e4d3c2b1a0';

  test('works on /v1/ and /v1beta2/ within its scopes; a similar unknown value is refused', async () => {
    const { world, deps, backendCalls } = setup();
    world.adoptApiKey(ADOPTED_ID, PREVIEW_KEY, ['users']);
    for (const version of ['v1', 'v1beta2']) {
      expect((await handleRecordsRequest(recordsRequest('users', bearer(PREVIEW_KEY), version), deps)).response.statusCode).toBe(200);
    }
    expect(backendCalls[0].principal).toEqual({ credentialId: ADOPTED_ID, authType: 'api_key', scopes: ['users'], via: 'api_key' });
    expect((await handleRecordsRequest(recordsRequest('conversations', bearer(PREVIEW_KEY)), deps)).response.statusCode).toBe(403);
    expect((await handleRecordsRequest(recordsRequest('users', bearer(`${PREVIEW_KEY}x`)), deps)).response.statusCode).toBe(401);
  });

  test('a lookup pointing at a record that is not adopted is not trusted; a revoked adopted key gets 401', async () => {
    const { world, deps } = setup();
    world.adoptedKeys.set(hashSecret(PREVIEW_KEY), KEY_ID);
    expect((await handleRecordsRequest(recordsRequest('users', bearer(PREVIEW_KEY)), deps)).response.statusCode).toBe(401);
    world.adoptApiKey(ADOPTED_ID, PREVIEW_KEY, ['users']);
    world.revoke(ADOPTED_ID);
    expect((await handleRecordsRequest(recordsRequest('users', bearer(PREVIEW_KEY)), deps)).response.statusCode).toBe(401);
  });
});
