/**
 * What reaches the records backend: never the client's Authorization or its own `x-data-api-*`
 * headers (those are the verifier's word on who is calling), and an HTTP backend's redirect is
 * refused rather than followed.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateApiKey } from '../../../../handlers/secret-format';
import { BackendError } from '../../../../handlers/store/lambda-records-backend';
import { handleRecordsRequest, RecordsDeps, VerificationCache, verifyRequest } from '../../../../handlers/verifier/records';
import { backendOf } from '../../../../handlers/verifier/records-handler';
import { HttpApiEvent } from '../../../../handlers/verifier/http';
import { handleTokenRequest } from '../../../../handlers/verifier/token-endpoint';
import { KEY_ID, OAUTH_ID, recordsRequest, tokenRequest, World } from '../../../support/verifier-world';

function depsOf(world: World, seen: HttpApiEvent[]): RecordsDeps {
  return {
    readCredential: world.readCredential,
    readToken: world.readToken,
    findAdoptedKey: world.findAdoptedKey,
    now: world.now,
    backend: async (event) => (seen.push(event), { statusCode: 200, headers: {}, body: '' }),
  };
}

test("the backend never gets the client's Authorization or x-data-api-* headers, in any case", async () => {
  const world = new World();
  const apiKey = world.addApiKey(KEY_ID, ['conversations']);
  const seen: HttpApiEvent[] = [];
  const event: HttpApiEvent = {
    ...recordsRequest('conversations'),
    headers: { Authorization: `Bearer ${apiKey}`, 'X-Data-Api-Credential-Id': 'someone-else', 'x-data-api-scopes': 'users', accept: 'application/json' },
  };
  const outcome = await handleRecordsRequest(event, depsOf(world, seen));
  expect(outcome.outcome).toBe('allowed');
  expect(seen[0].headers).toEqual({ accept: 'application/json' });
});

test('a cached access token of a retiring OAuth client ends with the grace period, before the TTL and the token expiry', async () => {
  const world = new World();
  const client = world.addOAuthClient(OAUTH_ID, ['users']);
  const issued = await handleTokenRequest(
    tokenRequest({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
    { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes },
  );
  const token: string = JSON.parse(issued.response.body).access_token;
  world.retire(OAUTH_ID, 0.25);
  const deps = { ...depsOf(world, []), cache: new VerificationCache(3600, world.now) };
  const request: HttpApiEvent = { ...recordsRequest('users'), headers: { authorization: `Bearer ${token}` } };
  expect((await verifyRequest(request, deps)).ok).toBe(true);
  world.advance(15 * 60);
  expect(await verifyRequest(request, deps)).toEqual({ ok: false, reason: 'revoked' });
});

describe('an HTTP records backend', () => {
  const hits: string[] = [];
  let elsewhere: http.Server;
  let redirecting: http.Server;
  const url = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  beforeAll(async () => {
    elsewhere = http.createServer((req, res) => (hits.push(String(req.headers['x-data-api-credential-id'])), res.end('{}')));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    redirecting = http.createServer((_req, res) => res.writeHead(302, { location: `${url(elsewhere)}/steal` }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await Promise.all([elsewhere, redirecting].map((s) => new Promise((resolve) => s.close(resolve))));
  });

  test('a redirect is refused as a backend failure, and its target never sees the caller', async () => {
    const backend = backendOf({ kind: 'http', url: url(redirecting) }, 'us-east-1');
    const principal = { credentialId: KEY_ID, authType: 'api_key' as const, scopes: ['users' as const], via: 'api_key' as const };
    await expect(backend({ ...recordsRequest('users'), rawPath: '/export/v1/records/users' }, principal)).rejects.toThrow(BackendError);
    await expect(backend({ ...recordsRequest('users'), rawPath: '/export/v1/records/users' }, principal)).rejects.toThrow(/redirect \(302\), which is not followed/);
    expect(hits).toEqual([]);
  });
});

test('an unknown credential id and a wrong key of a known one get the same 401 for the same store reads', async () => {
  const world = new World();
  world.addApiKey(KEY_ID, ['users']);
  const reads = { count: 0 };
  const deps: RecordsDeps = {
    ...depsOf(world, []),
    readCredential: async (id) => (reads.count++, world.readCredential(id)),
    findAdoptedKey: async (hash) => (reads.count++, world.findAdoptedKey(hash)),
  };
  const attempt = async (key: string) => {
    reads.count = 0;
    const verdict = await verifyRequest({ ...recordsRequest('users'), headers: { authorization: `Bearer ${key}` } }, deps);
    return { verdict, reads: reads.count };
  };
  const wrongKeyOfKnownId = await attempt(generateApiKey(KEY_ID));
  const unknownId = await attempt(generateApiKey('0'.repeat(32)));
  expect(wrongKeyOfKnownId).toEqual({ verdict: { ok: false, reason: 'unknown' }, reads: 2 });
  expect(unknownId).toEqual(wrongKeyOfKnownId);
});

test('adopted keys are found by their HMAC under the store key, and keys adopted before it by their SHA-256', async () => {
  const world = new World();
  const hashKey = Buffer.alloc(32, 5);
  world.adoptApiKey('c'.repeat(32), 'legacy-adopted-key-0123456789', ['users']);
  world.adoptApiKey('d'.repeat(32), 'keyed-adopted-key-0123456789', ['users'], hashKey);
  const deps: RecordsDeps = { ...depsOf(world, []), hashKey: { get: async () => hashKey } };
  const verify = (value: string) => verifyRequest({ ...recordsRequest('users'), headers: { authorization: `Bearer ${value}` } }, deps);
  expect(await verify('legacy-adopted-key-0123456789')).toMatchObject({ ok: true, principal: { credentialId: 'c'.repeat(32) } });
  expect(await verify('keyed-adopted-key-0123456789')).toMatchObject({ ok: true, principal: { credentialId: 'd'.repeat(32) } });
  expect(await verify('keyed-adopted-key-012345678X')).toEqual({ ok: false, reason: 'malformed' });
  // Without the key, a keyed record cannot be matched: refused, never accepted by its plain hash.
  const keyless: RecordsDeps = { ...deps, hashKey: undefined };
  expect((await verifyRequest({ ...recordsRequest('users'), headers: { authorization: 'Bearer keyed-adopted-key-0123456789' } }, keyless)).ok).toBe(false);
});
