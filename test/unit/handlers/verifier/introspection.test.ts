import { generateAccessToken } from '../../../../handlers/verifier/access-token';
import { handleIntrospectionRequest, IntrospectionDeps } from '../../../../handlers/verifier/introspection';
import { handleRevocationRequest } from '../../../../handlers/verifier/revocation';
import { handleTokenRequest } from '../../../../handlers/verifier/token-endpoint';
import { KEY_ID, OAUTH_ID, tokenRequest, World } from '../../../support/verifier-world';

const INTROSPECTOR_ID = 'e'.repeat(32);
const ADOPTED_ID = 'f'.repeat(32);

function setup() {
  const world = new World();
  const client = world.addOAuthClient(OAUTH_ID, ['conversations', 'users']);
  const introspector = world.addOAuthClient(INTROSPECTOR_ID, ['users']);
  const apiKey = world.addApiKey(KEY_ID, ['conversations', 'interactions']);
  const deps: IntrospectionDeps = {
    readCredential: world.readCredential,
    readToken: world.readToken,
    findAdoptedKey: world.findAdoptedKey,
    now: world.now,
    introspectors: new Set([INTROSPECTOR_ID]),
  };
  const issue = async (scope?: string): Promise<string> => {
    const outcome = await handleTokenRequest(
      tokenRequest({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, { basic: [client.clientId, client.clientSecret] }),
      { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes },
    );
    return JSON.parse(outcome.response.body).access_token;
  };
  const introspect = async (token: string, by = introspector) => {
    const outcome = await handleIntrospectionRequest(tokenRequest({ token }, { basic: [by.clientId, by.clientSecret] }), deps);
    return { outcome, status: outcome.response.statusCode, json: JSON.parse(outcome.response.body) };
  };
  return { world, client, introspector, apiKey, deps, issue, introspect };
}

const NOW = Math.floor(Date.parse('2026-11-27T12:00:00.000Z') / 1000);

describe('token introspection (RFC 7662)', () => {
  test('an active access token: scope, client_id, token_type, exp, iat, and who the records backend would be told', async () => {
    const { issue, introspect } = setup();
    const { status, json, outcome } = await introspect(await issue('users'));
    expect(status).toBe(200);
    expect(json).toEqual({
      active: true,
      scope: 'users',
      client_id: `dci_${OAUTH_ID}`,
      token_type: 'Bearer',
      exp: NOW + 3600,
      iat: NOW,
      credential_id: OAUTH_ID,
      auth_type: 'oauth2',
    });
    expect(outcome).toMatchObject({ outcome: 'active', credentialId: INTROSPECTOR_ID, subjectCredentialId: OAUTH_ID });
    expect(outcome.response.headers['cache-control']).toBe('no-store');
  });

  test('an API key is introspectable too (the Data API accepts it as a bearer value): no client_id, iat or exp', async () => {
    const { apiKey, introspect } = setup();
    expect((await introspect(apiKey)).json).toEqual({
      active: true,
      scope: 'conversations interactions',
      token_type: 'Bearer',
      credential_id: KEY_ID,
      auth_type: 'api_key',
    });
  });

  test('a retiring credential: exp is the end of its grace period when that comes first', async () => {
    const { world, apiKey, issue, introspect } = setup();
    const token = await issue();
    world.retire(OAUTH_ID, 0.5);
    world.retire(KEY_ID, 2);
    expect((await introspect(token)).json.exp).toBe(NOW + 1800);
    expect((await introspect(apiKey)).json.exp).toBe(NOW + 7200);
  });

  test('an adopted API key of any format, found by its hash', async () => {
    const { world, introspect } = setup();
    world.adoptApiKey(ADOPTED_ID, 'legacy-key-0123456789abcdef', ['users']);
    expect((await introspect('legacy-key-0123456789abcdef')).json).toMatchObject({ active: true, scope: 'users', credential_id: ADOPTED_ID });
  });

  test.each([
    ['unknown', async () => generateAccessToken()],
    ['malformed', async () => 'not a token at all'],
  ])('%s is {"active": false} and nothing more', async (_, value) => {
    const { introspect } = setup();
    const { status, json, outcome } = await introspect(await value());
    expect([status, json, outcome.outcome]).toEqual([200, { active: false }, 'inactive']);
  });

  test('expired, revoked (RFC 7009), or of a revoked credential: {"active": false}', async () => {
    const { world, client, deps, apiKey, issue, introspect } = setup();
    const expiring = await issue();
    world.advance(3600);
    expect((await introspect(expiring)).json).toEqual({ active: false });

    const revoked = await issue();
    await handleRevocationRequest(tokenRequest({ token: revoked }, { basic: [client.clientId, client.clientSecret] }), {
      ...deps,
      deleteToken: world.deleteToken,
    });
    expect((await introspect(revoked)).json).toEqual({ active: false });

    const ofRevokedCredential = await issue();
    world.revoke(OAUTH_ID);
    world.revoke(KEY_ID);
    expect((await introspect(ofRevokedCredential)).json).toEqual({ active: false });
    expect((await introspect(apiKey)).json).toEqual({ active: false });
  });

  test('only listed credentials may introspect: another client gets 403 unauthorized_client, a wrong secret 401 invalid_client', async () => {
    const { client, introspector, issue, introspect } = setup();
    const token = await issue();
    const notListed = await introspect(token, client);
    expect([notListed.status, notListed.json.error]).toEqual([403, 'unauthorized_client']);
    expect(notListed.json.error_description).toMatch(/introspectionClients/);
    const wrong = await introspect(token, { ...introspector, clientSecret: 'dcs_wrong' });
    expect([wrong.status, wrong.json.error]).toEqual([401, 'invalid_client']);
    expect(wrong.outcome.response.headers['www-authenticate']).toMatch(/^Basic realm="data-api"/);
  });

  test('client_secret_post works; a missing token is invalid_request', async () => {
    const { introspector, deps, issue } = setup();
    const token = await issue();
    const post = await handleIntrospectionRequest(
      tokenRequest({ token, client_id: introspector.clientId, client_secret: introspector.clientSecret }),
      deps,
    );
    expect(JSON.parse(post.response.body).active).toBe(true);
    const missing = await handleIntrospectionRequest(tokenRequest({}, { basic: [introspector.clientId, introspector.clientSecret] }), deps);
    expect([missing.response.statusCode, JSON.parse(missing.response.body).error]).toEqual([400, 'invalid_request']);
  });
});

describe('introspection across rotations (issue 22)', () => {
  test('a rotated introspector, listed by the id its client id names, keeps its right with either secret; tokens of a rotated client report the stable client_id', async () => {
    const { world, client, introspector, issue, introspect } = setup();
    const rotatedIntrospector = world.rotateOAuthClient(INTROSPECTOR_ID, '1'.repeat(32), 1);
    const rotatedClient = world.rotateOAuthClient(OAUTH_ID, '2'.repeat(32), 1);
    const token = await issue();
    for (const by of [introspector, rotatedIntrospector]) {
      const { status, json } = await introspect(token, by);
      expect(status).toBe(200);
      expect(json).toMatchObject({ active: true, client_id: client.clientId, credential_id: OAUTH_ID });
    }
    // A token the new secret got names the same client.
    const outcome = await handleTokenRequest(
      tokenRequest({ grant_type: 'client_credentials' }, { basic: [rotatedClient.clientId, rotatedClient.clientSecret] }),
      { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes },
    );
    const { json } = await introspect(JSON.parse(outcome.response.body).access_token, rotatedIntrospector);
    expect(json).toMatchObject({ active: true, client_id: client.clientId, credential_id: '2'.repeat(32) });
  });
});
