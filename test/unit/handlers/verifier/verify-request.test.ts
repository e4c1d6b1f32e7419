import { RecordsDeps, VerificationCache, verifyRequest } from '../../../../handlers/verifier/records';
import { handleTokenRequest } from '../../../../handlers/verifier/token-endpoint';
import { HttpApiEvent } from '../../../../handlers/verifier/http';
import { KEY_ID, OAUTH_ID, recordsRequest, tokenRequest, World } from '../../../support/verifier-world';

/** A world with one API key and one access token, and deps that count the store reads. */
async function setup() {
  const world = new World();
  const client = world.addOAuthClient(OAUTH_ID, ['users']);
  const apiKey = world.addApiKey(KEY_ID, ['conversations']);
  const issued = await handleTokenRequest(
    tokenRequest({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
    { readCredential: world.readCredential, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes },
  );
  const token: string = JSON.parse(issued.response.body).access_token;
  const reads = { count: 0 };
  const deps: RecordsDeps = {
    readCredential: async (id) => (reads.count++, world.readCredential(id)),
    readToken: async (hash) => (reads.count++, world.readToken(hash)),
    findAdoptedKey: async (hash) => (reads.count++, world.findAdoptedKey(hash)),
    now: world.now,
    backend: async () => ({ statusCode: 200, headers: {}, body: '' }),
  };
  return { world, apiKey, token, reads, deps };
}

const withHeader = (name: string, value: string): HttpApiEvent => ({ ...recordsRequest('conversations'), headers: { [name]: value } });

describe('verifyRequest: the Authorization header to a principal', () => {
  test('an API key and an access token give their principals, whatever the header name case', async () => {
    const { world, apiKey, token, deps } = await setup();
    expect(await verifyRequest(withHeader('authorization', `Bearer ${apiKey}`), deps)).toEqual({
      ok: true,
      principal: { credentialId: KEY_ID, authType: 'api_key', scopes: ['conversations'], via: 'api_key' },
    });
    const issuedAt = Math.floor(world.time.getTime() / 1000);
    expect(await verifyRequest(withHeader('Authorization', `bearer ${token}`), deps)).toEqual({
      ok: true,
      principal: { credentialId: OAUTH_ID, authType: 'oauth2', scopes: ['users'], via: 'access_token' },
      expiresAt: issuedAt + 3600,
      issuedAt,
    });
    expect(await verifyRequest(recordsRequest('conversations'), deps)).toEqual({ ok: false, reason: 'missing' });
    expect(await verifyRequest(withHeader('authorization', 'Bearer a b'), deps)).toEqual({ ok: false, reason: 'malformed' });
  });

  test('a cache hit needs the whole bearer value; without a cache every request reads the store', async () => {
    const { world, apiKey, reads, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(60, world.now) };
    await verifyRequest(withHeader('authorization', `Bearer ${apiKey}`), cached);
    const afterFirst = reads.count;
    expect(afterFirst).toBeGreaterThan(0);
    // The same value, however the header is spelled around it: served from the cache.
    expect((await verifyRequest(withHeader('Authorization', `Bearer   ${apiKey}`), cached)).ok).toBe(true);
    expect(reads.count).toBe(afterFirst);
    // One character different: not the cached entry, checked against the store, and refused.
    const other = apiKey.slice(0, -1) + (apiKey.endsWith('0') ? '1' : '0');
    expect((await verifyRequest(withHeader('authorization', `Bearer ${other}`), cached)).ok).toBe(false);
    expect(await verifyRequest(withHeader('authorization', `Bearer ${apiKey}`), deps)).toMatchObject({ ok: true });
    expect(reads.count).toBeGreaterThan(afterFirst + 1);
  });

  test('a cached access token costs one read (its item), ends when the item is gone, and never outlives its expiry', async () => {
    const { world, token, reads, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(3600, world.now) };
    const request = withHeader('authorization', `Bearer ${token}`);
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    const afterFirst = reads.count;
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    expect(reads.count).toBe(afterFirst + 1);
    world.advance(3600);
    expect(await verifyRequest(request, cached)).toEqual({ ok: false, reason: 'expired' });
  });

  test('a cached API key of a retiring credential ends with the grace period, before the TTL', async () => {
    const { world, apiKey, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(3600, world.now) };
    const request = withHeader('authorization', `Bearer ${apiKey}`);
    world.retire(KEY_ID, 1);
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    world.advance(3600);
    expect(await verifyRequest(request, cached)).toEqual({ ok: false, reason: 'revoked' });
  });

  test('a cached verification ends with its TTL', async () => {
    const { world, apiKey, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(30, world.now) };
    const request = withHeader('authorization', `Bearer ${apiKey}`);
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    world.revoke(KEY_ID);
    world.advance(29);
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    world.advance(1);
    expect(await verifyRequest(request, cached)).toEqual({ ok: false, reason: 'revoked' });
  });
});
