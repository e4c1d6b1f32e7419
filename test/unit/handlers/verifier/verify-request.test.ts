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
    { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes },
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
      principal: { credentialId: OAUTH_ID, authType: 'oauth2', scopes: ['users'], via: 'access_token', clientId: `dci_${OAUTH_ID}` },
      expiresAt: issuedAt + 3600,
      issuedAt,
    });
    expect(await verifyRequest(recordsRequest('conversations'), deps)).toEqual({ ok: false, reason: 'missing' });
    expect(await verifyRequest(withHeader('authorization', 'Bearer a b'), deps)).toEqual({ ok: false, reason: 'malformed' });
  });

  test('a cache hit needs the whole bearer value and costs one read (the record); without a cache every request reads the store', async () => {
    const { world, apiKey, reads, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(60, world.now) };
    await verifyRequest(withHeader('authorization', `Bearer ${apiKey}`), cached);
    const afterFirst = reads.count;
    expect(afterFirst).toBeGreaterThan(0);
    // The same value, however the header is spelled around it: the cached entry, re-checked against its record.
    expect((await verifyRequest(withHeader('Authorization', `Bearer   ${apiKey}`), cached)).ok).toBe(true);
    expect(reads.count).toBe(afterFirst + 1);
    // One character different: not the cached entry, checked against the store, and refused.
    const other = apiKey.slice(0, -1) + (apiKey.endsWith('0') ? '1' : '0');
    expect((await verifyRequest(withHeader('authorization', `Bearer ${other}`), cached)).ok).toBe(false);
    expect(await verifyRequest(withHeader('authorization', `Bearer ${apiKey}`), deps)).toMatchObject({ ok: true });
    expect(reads.count).toBeGreaterThan(afterFirst + 2);
  });

  test('a cached access token re-reads its item and its record (together), ends when the item is gone, and never outlives its expiry', async () => {
    const { world, token, reads, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(3600, world.now) };
    const request = withHeader('authorization', `Bearer ${token}`);
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    const afterFirst = reads.count;
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    expect(reads.count).toBe(afterFirst + 2);
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
});

describe('verifyRequest with a cache: what the TTL still bounds', () => {
  test('a cached rejection costs no read until its TTL ends; then the value is verified afresh', async () => {
    const { world, apiKey, reads, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(30, world.now) };
    const wrong = withHeader('authorization', `Bearer ${apiKey.slice(0, -1)}${apiKey.endsWith('0') ? '1' : '0'}`);
    expect((await verifyRequest(wrong, cached)).ok).toBe(false);
    const afterFirst = reads.count;
    world.advance(29);
    expect((await verifyRequest(wrong, cached)).ok).toBe(false);
    expect(reads.count).toBe(afterFirst);
    world.advance(1);
    expect((await verifyRequest(wrong, cached)).ok).toBe(false);
    expect(reads.count).toBeGreaterThan(afterFirst);
  });
});

describe('verifyRequest with a cache: a destroyed credential is refused at once (issue 20)', () => {
  test('its API key, cached as accepted a second ago, is refused on the next request; the rejection is then cached', async () => {
    const { world, apiKey, reads, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(3600, world.now) };
    const request = withHeader('authorization', `Bearer ${apiKey}`);
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    world.revoke(KEY_ID);
    world.advance(1);
    expect(await verifyRequest(request, cached)).toEqual({ ok: false, reason: 'revoked' });
    // A revoked credential never comes back: the cached rejection costs no read.
    const afterRefusal = reads.count;
    expect(await verifyRequest(request, cached)).toEqual({ ok: false, reason: 'revoked' });
    expect(reads.count).toBe(afterRefusal);
  });

  test('its access token, cached as accepted, is refused on the next request although the token item is still there', async () => {
    const { world, token, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(3600, world.now) };
    const request = withHeader('authorization', `Bearer ${token}`);
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    world.revoke(OAUTH_ID);
    expect(world.tokens.size).toBe(1);
    expect(await verifyRequest(request, cached)).toEqual({ ok: false, reason: 'revoked' });
  });

  test('a retiring credential destroyed within its grace period (a rotation, then a destroy) is refused at once', async () => {
    const { world, apiKey, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(3600, world.now) };
    const request = withHeader('authorization', `Bearer ${apiKey}`);
    world.retire(KEY_ID, 24);
    expect(await verifyRequest(request, cached)).toMatchObject({ ok: true, expiresAt: expect.any(Number) });
    world.revoke(KEY_ID);
    expect(await verifyRequest(request, cached)).toEqual({ ok: false, reason: 'revoked' });
  });

  test('an adopted key (HMAC): a hit costs the record read only, no key-hash lookup; revoked, it is refused at once', async () => {
    const { world, reads, deps } = await setup();
    const hashKey = Buffer.alloc(32, 7);
    const adopted = 'preview-key-0123456789abcdef';
    world.adoptApiKey('c'.repeat(32), adopted, ['users'], hashKey);
    // As the gateway's source: the key is read once, then kept in memory.
    const cached: RecordsDeps = { ...deps, hashKey: { get: async () => hashKey }, cache: new VerificationCache(3600, world.now) };
    const request = withHeader('authorization', `Bearer ${adopted}`);
    expect(await verifyRequest(request, cached)).toMatchObject({ ok: true, principal: { credentialId: 'c'.repeat(32), scopes: ['users'] } });
    const afterFirst = reads.count;
    expect(afterFirst).toBe(2); // the KEYHASH# lookup, then the record
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    expect(reads.count).toBe(afterFirst + 1);
    world.revoke('c'.repeat(32));
    expect(await verifyRequest(request, cached)).toEqual({ ok: false, reason: 'revoked' });
  });

  test('a scope removed from the credential is gone on the next request, for a cached key and a cached token', async () => {
    const { world, apiKey, token, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(3600, world.now) };
    const keyRequest = withHeader('authorization', `Bearer ${apiKey}`);
    const tokenRequest = withHeader('authorization', `Bearer ${token}`);
    expect(await verifyRequest(keyRequest, cached)).toMatchObject({ ok: true, principal: { scopes: ['conversations'] } });
    expect(await verifyRequest(tokenRequest, cached)).toMatchObject({ ok: true, principal: { scopes: ['users'] } });
    world.credentials.set(KEY_ID, { ...world.credentials.get(KEY_ID)!, scopes: ['users'] });
    world.credentials.set(OAUTH_ID, { ...world.credentials.get(OAUTH_ID)!, scopes: ['conversations'] });
    expect(await verifyRequest(keyRequest, cached)).toMatchObject({ ok: true, principal: { scopes: ['users'] } });
    expect(await verifyRequest(tokenRequest, cached)).toMatchObject({ ok: true, principal: { scopes: [] } });
  });

  test('a record that is gone (TTL) or now holds another hash refuses the cached key', async () => {
    const { world, apiKey, deps } = await setup();
    const cached = { ...deps, cache: new VerificationCache(3600, world.now) };
    const request = withHeader('authorization', `Bearer ${apiKey}`);
    expect((await verifyRequest(request, cached)).ok).toBe(true);
    const record = world.credentials.get(KEY_ID)!;
    world.credentials.set(KEY_ID, { ...record, secretHash: 'f'.repeat(64) });
    expect(await verifyRequest(request, cached)).toEqual({ ok: false, reason: 'unknown' });
    const again = { ...deps, cache: new VerificationCache(3600, world.now) };
    world.credentials.set(KEY_ID, record);
    expect((await verifyRequest(request, again)).ok).toBe(true);
    world.credentials.delete(KEY_ID);
    expect(await verifyRequest(request, again)).toEqual({ ok: false, reason: 'unknown' });
  });
});
