import { hashSecret } from '../../../../handlers/secret-format';
import { generateAccessToken } from '../../../../handlers/verifier/access-token';
import { handleRecordsRequest, RecordsDeps, VerificationCache } from '../../../../handlers/verifier/records';
import { handleRevocationRequest, RevocationDeps } from '../../../../handlers/verifier/revocation';
import { handleTokenRequest } from '../../../../handlers/verifier/token-endpoint';
import { KEY_ID, OAUTH_ID, recordsRequest, tokenRequest, World } from '../../../support/verifier-world';

const OTHER_ID = 'd'.repeat(32);

function setup() {
  const world = new World();
  const client = world.addOAuthClient(OAUTH_ID, ['conversations', 'users']);
  const other = world.addOAuthClient(OTHER_ID, ['users']);
  const apiKey = world.addApiKey(KEY_ID, ['conversations']);
  const deps: RevocationDeps = { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, readToken: world.readToken, deleteToken: world.deleteToken, now: world.now };
  const records: RecordsDeps = {
    readCredential: world.readCredential,
    readToken: world.readToken,
    findAdoptedKey: world.findAdoptedKey,
    now: world.now,
    backend: async () => ({ statusCode: 200, headers: {}, body: '{}' }),
  };
  const issue = async (c = client): Promise<string> => {
    const outcome = await handleTokenRequest(
      tokenRequest({ grant_type: 'client_credentials' }, { basic: [c.clientId, c.clientSecret] }),
      { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes },
    );
    return JSON.parse(outcome.response.body).access_token;
  };
  const revoke = (token: string, c = client, extra: Record<string, string> = {}) =>
    handleRevocationRequest(tokenRequest({ token, ...extra }, { basic: [c.clientId, c.clientSecret] }), deps);
  return { world, client, other, apiKey, deps, records, issue, revoke };
}

const body = (outcome: { response: { body: string } }) => JSON.parse(outcome.response.body);

describe('token revocation (RFC 7009)', () => {
  test('a client revokes its access token: 200, the item is gone, the records API refuses it at once', async () => {
    const { world, records, issue, revoke } = setup();
    const token = await issue();
    expect((await handleRecordsRequest(recordsRequest('users', `Bearer ${token}`), records)).response.statusCode).toBe(200);
    const outcome = await revoke(token);
    expect(outcome).toMatchObject({ outcome: 'revoked', credentialId: OAUTH_ID, response: { statusCode: 200, body: '' } });
    expect(outcome.response.headers['cache-control']).toBe('no-store');
    expect(world.tokens.has(hashSecret(token))).toBe(false);
    const refused = await handleRecordsRequest(recordsRequest('users', `Bearer ${token}`), records);
    expect([refused.response.statusCode, refused.outcome]).toEqual([401, 'unknown']);
  });

  test('a verifier cache does not keep a revoked token working: a cached token is reused only while its item exists', async () => {
    const { world, records, issue, revoke } = setup();
    const cached = { ...records, cache: new VerificationCache(3600, world.now) };
    const token = await issue();
    expect((await handleRecordsRequest(recordsRequest('users', `Bearer ${token}`), cached)).response.statusCode).toBe(200);
    await revoke(token);
    expect((await handleRecordsRequest(recordsRequest('users', `Bearer ${token}`), cached)).response.statusCode).toBe(401);
  });

  test('unknown, already revoked, expired and not-a-token values are 200 and change nothing (section 2.2)', async () => {
    const { world, issue, revoke } = setup();
    const token = await issue();
    const kept = await issue();
    expect((await revoke(token)).outcome).toBe('revoked');
    expect(await revoke(token)).toMatchObject({ outcome: 'not_active', response: { statusCode: 200 } });
    expect((await revoke(generateAccessToken())).response.statusCode).toBe(200);
    expect((await revoke('something else entirely')).response.statusCode).toBe(200);
    world.advance(3600);
    expect(await revoke(kept)).toMatchObject({ outcome: 'not_active', response: { statusCode: 200 } });
  });

  test('another client\'s token is refused with 400 unauthorized_client and stays valid (section 2.1)', async () => {
    const { world, other, records, issue, revoke } = setup();
    const token = await issue();
    const outcome = await revoke(token, other);
    expect([outcome.response.statusCode, body(outcome).error]).toEqual([400, 'unauthorized_client']);
    expect(outcome.credentialId).toBe(OTHER_ID);
    expect(world.tokens.has(hashSecret(token))).toBe(true);
    expect((await handleRecordsRequest(recordsRequest('users', `Bearer ${token}`), records)).response.statusCode).toBe(200);
  });

  test('API keys and client secrets are unsupported_token_type, saying to destroy the credential in Terraform', async () => {
    const { client, apiKey, revoke } = setup();
    for (const value of [apiKey, client.clientSecret]) {
      const outcome = await revoke(value);
      expect([outcome.response.statusCode, body(outcome).error]).toEqual([400, 'unsupported_token_type']);
      expect(body(outcome).error_description).toMatch(/destroy their credential in Terraform/);
    }
  });

  test('token_type_hint is ignored, whatever it says', async () => {
    const { issue, revoke } = setup();
    expect((await revoke(await issue(), undefined, { token_type_hint: 'refresh_token' })).outcome).toBe('revoked');
    expect((await revoke(await issue(), undefined, { token_type_hint: 'nonsense' })).outcome).toBe('revoked');
  });

  test('client authentication as at the token endpoint: 401 invalid_client with a Basic challenge, also for body credentials', async () => {
    const { client, deps, issue } = setup();
    const token = await issue();
    const wrong = await handleRevocationRequest(tokenRequest({ token, client_id: client.clientId, client_secret: 'dcs_wrong' }), deps);
    expect([wrong.response.statusCode, body(wrong).error]).toEqual([401, 'invalid_client']);
    expect(wrong.response.headers['www-authenticate']).toMatch(/^Basic realm="data-api"/);
    const none = await handleRevocationRequest(tokenRequest({ token }), deps);
    expect([none.response.statusCode, none.response.headers['www-authenticate']]).toEqual([401, 'Basic realm="data-api", charset="UTF-8"']);
    const inBody = await handleRevocationRequest(tokenRequest({ token, client_id: client.clientId, client_secret: client.clientSecret }), deps);
    expect(inBody.outcome).toBe('revoked');
  });

  test('a missing token is invalid_request; a JSON body too', async () => {
    const { client, deps } = setup();
    const missing = await handleRevocationRequest(tokenRequest({}, { basic: [client.clientId, client.clientSecret] }), deps);
    expect([missing.response.statusCode, body(missing).error]).toEqual([400, 'invalid_request']);
    const asJson = await handleRevocationRequest(tokenRequest({ token: 'x' }, { basic: [client.clientId, client.clientSecret], contentType: 'application/json' }), deps);
    expect(body(asJson).error).toBe('invalid_request');
  });
});
