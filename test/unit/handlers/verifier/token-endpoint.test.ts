import { clientLookupHash, hashSecret } from '../../../../handlers/secret-format';
import { verifyBearerValue } from '../../../../handlers/verifier/authorizer';
import { ACCESS_TOKEN_PATTERN, isAccessToken } from '../../../../handlers/verifier/access-token';
import { handleTokenRequest } from '../../../../handlers/verifier/token-endpoint';
import { KEY_ID, OAUTH_ID, tokenRequest, World } from '../../../support/verifier-world';

function setup() {
  const world = new World();
  const client = world.addOAuthClient(OAUTH_ID, ['conversations', 'users']);
  const apiKey = world.addApiKey(KEY_ID, ['conversations']);
  const deps = { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes };
  return { world, client, apiKey, deps };
}

const body = (outcome: { response: { body: string } }) => JSON.parse(outcome.response.body);

describe('token endpoint (RFC 6749 4.4, client credentials)', () => {
  test('client id and secret in the form body get a Bearer token for an hour with the credential scopes', async () => {
    const { world, client, deps } = setup();
    const outcome = await handleTokenRequest(
      tokenRequest({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
      deps,
    );
    expect(outcome.response.statusCode).toBe(200);
    expect(outcome.response.headers['cache-control']).toBe('no-store');
    const json = body(outcome);
    expect(json).toEqual({ access_token: expect.stringMatching(ACCESS_TOKEN_PATTERN), token_type: 'Bearer', expires_in: 3600, scope: 'conversations users' });
    expect(isAccessToken(json.access_token)).toBe(true);
    expect(json).not.toHaveProperty('refresh_token');
    // Only the hash is stored, with the expiry and the scopes at issue time.
    const stored = world.tokens.get(hashSecret(json.access_token));
    expect(stored).toEqual({
      tokenHash: hashSecret(json.access_token),
      credentialId: OAUTH_ID,
      scopes: ['conversations', 'users'],
      issuedAt: '2026-11-27T12:00:00.000Z',
      expiresAt: Math.floor(world.time.getTime() / 1000) + 3600,
    });
    expect(JSON.stringify([...world.tokens.values()])).not.toContain(json.access_token);
  });

  test('HTTP Basic client authentication works, form-encoded as RFC 6749 2.3.1 says, with a plain (non-base64) body too', async () => {
    const { client, deps } = setup();
    const outcome = await handleTokenRequest(
      tokenRequest({ grant_type: 'client_credentials' }, { basic: [client.clientId, client.clientSecret], base64: false }),
      deps,
    );
    expect(outcome.response.statusCode).toBe(200);
  });

  test('a requested scope narrows the token; a scope the client lacks is invalid_scope (400)', async () => {
    const { client, deps } = setup();
    const auth = { client_id: client.clientId, client_secret: client.clientSecret, grant_type: 'client_credentials' };
    const narrowed = await handleTokenRequest(tokenRequest({ ...auth, scope: 'users' }), deps);
    expect(body(narrowed).scope).toBe('users');
    const refused = await handleTokenRequest(tokenRequest({ ...auth, scope: 'users plugin-calls' }), deps);
    expect(refused.response.statusCode).toBe(400);
    expect(body(refused).error).toBe('invalid_scope');
  });

  test.each([
    ['a wrong secret', (c: { clientId: string; clientSecret: string }) => ({ client_id: c.clientId, client_secret: `${c.clientSecret.slice(0, -1)}${c.clientSecret.endsWith('x') ? 'y' : 'x'}` })],
    ['an unknown client', (c: { clientSecret: string }) => ({ client_id: `dci_${'c'.repeat(32)}`, client_secret: c.clientSecret })],
    ['a malformed client id', (c: { clientSecret: string }) => ({ client_id: 'someone', client_secret: c.clientSecret })],
  ])('%s is invalid_client (401) with WWW-Authenticate: Basic though the body carried the credentials (RFC 9110 15.5.2)', async (_, params) => {
    const { client, deps } = setup();
    const outcome = await handleTokenRequest(tokenRequest({ grant_type: 'client_credentials', ...params(client) }), deps);
    expect(outcome.response.statusCode).toBe(401);
    expect(body(outcome).error).toBe('invalid_client');
    expect(outcome.response.headers['www-authenticate']).toBe('Basic realm="data-api", charset="UTF-8"');
  });

  test('a wrong secret over HTTP Basic is invalid_client (401) with WWW-Authenticate: Basic', async () => {
    const { client, deps } = setup();
    const outcome = await handleTokenRequest(
      tokenRequest({ grant_type: 'client_credentials' }, { basic: [client.clientId, 'dcs_wrong'] }),
      deps,
    );
    expect(outcome.response.statusCode).toBe(401);
    expect(body(outcome).error).toBe('invalid_client');
    expect(outcome.response.headers['www-authenticate']).toMatch(/^Basic realm="data-api"/);
  });

  test('a revoked credential is invalid_client, and so is an API-key credential presenting its key as a client secret', async () => {
    const { world, client, apiKey, deps } = setup();
    world.revoke(OAUTH_ID);
    const revoked = await handleTokenRequest(
      tokenRequest({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
      deps,
    );
    expect([revoked.response.statusCode, body(revoked).error]).toEqual([401, 'invalid_client']);
    const key = await handleTokenRequest(
      tokenRequest({ grant_type: 'client_credentials', client_id: `dci_${KEY_ID}`, client_secret: apiKey }),
      deps,
    );
    expect([key.response.statusCode, body(key).error]).toEqual([401, 'invalid_client']);
    expect(world.tokens.size).toBe(0);
  });

  test.each([
    ['grant_type missing', {}, undefined, 'invalid_request'],
    ['another grant type', { grant_type: 'password' }, undefined, 'unsupported_grant_type'],
    ['a refresh grant', { grant_type: 'refresh_token' }, undefined, 'unsupported_grant_type'],
    ['a JSON body', { grant_type: 'client_credentials' }, 'application/json', 'invalid_request'],
  ])('%s is a 400 %s', async (_, params, contentType, error) => {
    const { client, deps } = setup();
    const outcome = await handleTokenRequest(
      tokenRequest({ client_id: client.clientId, client_secret: client.clientSecret, ...params }, { contentType }),
      deps,
    );
    expect(outcome.response.statusCode).toBe(400);
    expect(body(outcome).error).toBe(error);
  });

  test('a repeated parameter, or both Basic and body credentials, is invalid_request (400)', async () => {
    const { client, deps } = setup();
    const repeated = tokenRequest({ grant_type: 'client_credentials' });
    const twice = { ...repeated, body: Buffer.from('grant_type=client_credentials&grant_type=client_credentials').toString('base64') };
    expect(body(await handleTokenRequest(twice, deps)).error).toBe('invalid_request');
    const both = tokenRequest(
      { grant_type: 'client_credentials', client_secret: client.clientSecret },
      { basic: [client.clientId, client.clientSecret] },
    );
    const outcome = await handleTokenRequest(both, deps);
    expect([outcome.response.statusCode, body(outcome).error]).toEqual([400, 'invalid_request']);
  });

  test('no client authentication at all is invalid_client (401) with a Basic challenge', async () => {
    const { deps } = setup();
    const outcome = await handleTokenRequest(tokenRequest({ grant_type: 'client_credentials' }), deps);
    expect([outcome.response.statusCode, body(outcome).error]).toEqual([401, 'invalid_client']);
    expect(outcome.response.headers['www-authenticate']).toMatch(/^Basic realm="data-api"/);
  });

  test('a body over 8 KiB is invalid_request (400) before it is decoded; many parameters are read in linear time', async () => {
    const { client, deps } = setup();
    const auth = { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret };
    const large = await handleTokenRequest(tokenRequest({ ...auth, scope: 'users '.repeat(1400) }), deps);
    expect([large.response.statusCode, body(large).error]).toEqual([400, 'invalid_request']);
    expect(body(large).error_description).toMatch(/larger than 8192 bytes/);
    const plain = await handleTokenRequest(tokenRequest({ ...auth, scope: 'users '.repeat(1400) }, { base64: false }), deps);
    expect(plain.response.statusCode).toBe(400);
    // 1,000 distinct parameters just under the limit: answered, and repeated ones still caught.
    const many = Array.from({ length: 1000 }, (_, i) => `p${i}=`).join('&');
    const spread = { ...tokenRequest(auth), body: Buffer.from(`${new URLSearchParams(auth)}&${many}`).toString('base64') };
    expect((await handleTokenRequest(spread, deps)).response.statusCode).toBe(200);
    const repeatedLast = { ...spread, body: Buffer.from(`${new URLSearchParams(auth)}&${many}&p999=`).toString('base64') };
    expect(body(await handleTokenRequest(repeatedLast, deps)).error_description).toMatch(/"p999" is included more than once/);
  });
});

describe('token endpoint and a rotated-out (retiring) client', () => {
  test('its client secret gets tokens until retiresAt, then 401 invalid_client (injected clock)', async () => {
    const { world, client, deps } = setup();
    world.retire(OAUTH_ID, 2);
    const request = () =>
      handleTokenRequest(tokenRequest({ grant_type: 'client_credentials' }, { basic: [client.clientId, client.clientSecret] }), deps);
    expect((await request()).response.statusCode).toBe(200);
    world.advance(2 * 3600);
    const refused = await request();
    expect(refused.response.statusCode).toBe(401);
    expect(body(refused).error).toBe('invalid_client');
  });
});

describe('token endpoint and a rotated OAuth 2.0 client (one client id, two secrets in the grace period)', () => {
  const NEW_ID = 'c'.repeat(32);
  const NEWER_ID = 'd'.repeat(32);
  const issue = (deps: ReturnType<typeof setup>['deps'], clientId: string, clientSecret: string) =>
    handleTokenRequest(tokenRequest({ grant_type: 'client_credentials' }, { basic: [clientId, clientSecret] }), deps);

  test('the client id authenticates with either secret until the old one retires, then only with the new one; the old tokens end with it', async () => {
    const { world, client, deps } = setup();
    const rotated = world.rotateOAuthClient(OAUTH_ID, NEW_ID, 2);
    expect(rotated.clientId).toBe(client.clientId);

    const withOld = await issue(deps, client.clientId, client.clientSecret);
    const withNew = await issue(deps, client.clientId, rotated.clientSecret);
    expect([withOld.response.statusCode, withNew.response.statusCode]).toEqual([200, 200]);
    // Each token belongs to the credential whose secret got it.
    expect([withOld.credentialId, withNew.credentialId]).toEqual([OAUTH_ID, NEW_ID]);
    const oldToken: string = body(withOld).access_token;
    expect((await verifyBearerValue(oldToken, { ...world, hashKey: undefined })).ok).toBe(true);

    world.advance(2 * 3600);
    const refused = await issue(deps, client.clientId, client.clientSecret);
    const unknown = await issue(deps, `dci_${'f'.repeat(32)}`, client.clientSecret);
    expect(refused.response.statusCode).toBe(401);
    // The same invalid_client answer as for an unknown client.
    expect(refused.response.body).toBe(unknown.response.body);
    expect(refused.response.headers).toEqual(unknown.response.headers);
    expect((await issue(deps, client.clientId, rotated.clientSecret)).response.statusCode).toBe(200);
    expect(await verifyBearerValue(oldToken, { ...world, hashKey: undefined })).toMatchObject({ ok: false });
  });

  test('rotated twice, the newest secret and the ones still in their grace period work; a revoked one and another client\'s do not', async () => {
    const { world, client, deps } = setup();
    const second = world.rotateOAuthClient(OAUTH_ID, NEW_ID, 48);
    const third = world.rotateOAuthClient(NEW_ID, NEWER_ID, 0);
    expect(third.clientId).toBe(client.clientId);
    expect((await issue(deps, client.clientId, third.clientSecret)).credentialId).toBe(NEWER_ID);
    expect((await issue(deps, client.clientId, client.clientSecret)).response.statusCode).toBe(200);
    expect((await issue(deps, client.clientId, second.clientSecret)).response.statusCode).toBe(401);
    // Another client's secret with this client id, and this client's secret with another's id.
    const other = world.addOAuthClient('e'.repeat(32), ['users']);
    expect((await issue(deps, client.clientId, other.clientSecret)).response.statusCode).toBe(401);
    expect((await issue(deps, other.clientId, third.clientSecret)).response.statusCode).toBe(401);
  });

  test('a lookup item pointing at a record of another client id is not followed to a secret of that client', async () => {
    const { world, client, deps } = setup();
    const other = world.addOAuthClient('e'.repeat(32), ['users']);
    world.adoptedKeys.set(clientLookupHash(client.clientId), 'e'.repeat(32));
    expect((await issue(deps, client.clientId, other.clientSecret)).response.statusCode).toBe(401);
  });
});
