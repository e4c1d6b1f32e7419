/**
 * The Data API through the local API gateway, with real HTTP requests, on a stack that real
 * `terraform` deployed to the local AWS: the example's store and credentials, the DataApiGateway
 * and the sample records backend. Every status code of the token endpoint and the records routes;
 * the metadata documents, token revocation and introspection, over HTTP and through two OAuth
 * client libraries (openid-client and oauth4webapi) configured with nothing but the base URL and
 * client credentials; and credential revocation: after an auth type replacement and after
 * `terraform destroy` of a credential. The steps build on each other and run in order.
 */
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyticsCredentialsStack, AnalyticsCredentialsStackProps } from '../../examples/analytics-credentials-stack';
import { hashSecret } from '../../handlers/secret-format';
import { AuthType } from '../../lib';
import { synthStack } from '../../examples/synth-stack';
import { terraform } from '../../local/terraform';
import { lambdaLog, localAwsEnv } from '../support/local-aws';
import { InteropReport, runOAuthClient } from '../support/oauth-interop';
import { flatOutputs, type RawOutputs } from '../../examples/stack-outputs';

jest.setTimeout(240_000);

const STACK = 'e2e-gateway';
const env = localAwsEnv();
const dynamodb = new DynamoDBClient({});
const secretsManager = new SecretsManagerClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-gw-'));
const outdir = join(work, 'cdktf.out');
const statePath = join(work, 'terraform.tfstate');
const seenSecrets = new Set<string>();
let cwd = '';
/** `<DATA_API_URL>/_api/<api id>`: this stack's API, whatever else the shared local AWS serves. */
let api = '';
let apiId = '';
let tableName = '';
let destroyed = false;

function synth(props: AnalyticsCredentialsStackProps = {}): void {
  cwd = synthStack(outdir, (app) => new AnalyticsCredentialsStack(app, STACK, { statePath, withGateway: true, ...props }));
}
const tf = (args: string[]) => terraform([...args, '-no-color'], { cwd, env });

async function outputs(): Promise<Record<string, string>> {
  const raw = JSON.parse((await terraform(['output', '-json'], { cwd, env })).stdout) as RawOutputs;
  return flatOutputs(raw);
}

async function secretOf(construct: string): Promise<Record<string, string>> {
  const arn = (await outputs())[`${construct}.SecretArn`];
  const value = JSON.parse((await secretsManager.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!);
  for (const field of ['apiKey', 'clientSecret']) if (value[field]) seenSecrets.add(value[field]);
  return value;
}

interface Answer {
  status: number;
  challenge: string | null;
  json: any;
}

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${api}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, challenge: response.headers.get('www-authenticate'), json };
}

const form = (params: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(params).toString(),
});
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
const records = (entity: string, bearer?: string, version = 'v1') =>
  call(`/export/${version}/records/${entity}`, bearer === undefined ? {} : { headers: { authorization: `Bearer ${bearer}` } });

async function token(clientId: string, clientSecret: string, extra: Record<string, string> = {}): Promise<string> {
  const answer = await call('/oauth/v1/token', form({ grant_type: 'client_credentials', ...extra }, basic(clientId, clientSecret)));
  expect(answer.status).toBe(200);
  seenSecrets.add(answer.json.access_token);
  return answer.json.access_token;
}

let exportClient: Record<string, string>;
let mirrorClient: Record<string, string>;
let reportingKey: string;
let exportToken: string;

afterAll(async () => {
  // Leave nothing behind in the shared local AWS, whatever failed.
  if (cwd && !destroyed) await tf(['destroy', '-auto-approve']).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('the Data API gateway, end to end through terraform and HTTP', () => {
  test('apply deploys the gateway; the local gateway serves it from what terraform created', async () => {
    synth();
    await tf(['init']);
    await tf(['apply', '-auto-approve']);
    const out = await outputs();
    expect(out['DataApi.Url']).toMatch(/^https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com$/);
    apiId = out['DataApi.ApiId'];
    api = `${env.DATA_API_URL}/_api/${apiId}`;
    tableName = out['Credentials.TableName'];
    exportClient = await secretOf('AnalyticsExport');
    reportingKey = (await secretOf('UsageReporting')).apiKey;
    mirrorClient = await secretOf('RecordsMirror');
    expect(exportClient.authType).toBe('oauth2');
    expect(reportingKey).toMatch(/^dak_/);
  });

  test('token endpoint: 200 with the secret in the body or over HTTP Basic', async () => {
    const inBody = await call(
      '/oauth/v1/token',
      form({ grant_type: 'client_credentials', client_id: exportClient.clientId, client_secret: exportClient.clientSecret }),
    );
    expect(inBody.status).toBe(200);
    expect(inBody.json).toEqual({
      access_token: expect.stringMatching(/^dat_[0-9A-Za-z]{49}$/),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'conversations interactions plugin-calls plugin-resources users',
    });
    seenSecrets.add(inBody.json.access_token);
    exportToken = await token(exportClient.clientId, exportClient.clientSecret);
  });

  test('token endpoint: 401 invalid_client with a Basic challenge (Basic or body credentials), 400 for bad grants and requests, 404 off-route', async () => {
    const wrongBasic = await call('/oauth/v1/token', form({ grant_type: 'client_credentials' }, basic(exportClient.clientId, 'dcs_wrong')));
    expect([wrongBasic.status, wrongBasic.json.error]).toEqual([401, 'invalid_client']);
    expect(wrongBasic.challenge).toMatch(/^Basic realm="data-api"/);

    const wrongBody = await call('/oauth/v1/token', form({ grant_type: 'client_credentials', client_id: exportClient.clientId, client_secret: 'x' }));
    expect([wrongBody.status, wrongBody.json.error, wrongBody.challenge]).toEqual([401, 'invalid_client', 'Basic realm="data-api", charset="UTF-8"']);

    const unknown = await call('/oauth/v1/token', form({ grant_type: 'client_credentials' }, basic(`dci_${'0'.repeat(32)}`, exportClient.clientSecret)));
    expect([unknown.status, unknown.json.error]).toEqual([401, 'invalid_client']);

    // An API-key credential is not an OAuth client, whatever it presents.
    const keyId = reportingKey.slice(4, 36);
    const apiKeyAsClient = await call('/oauth/v1/token', form({ grant_type: 'client_credentials' }, basic(`dci_${keyId}`, reportingKey)));
    expect([apiKeyAsClient.status, apiKeyAsClient.json.error]).toEqual([401, 'invalid_client']);

    const password = await call('/oauth/v1/token', form({ grant_type: 'password' }, basic(exportClient.clientId, exportClient.clientSecret)));
    expect([password.status, password.json.error]).toEqual([400, 'unsupported_grant_type']);
    const noGrant = await call('/oauth/v1/token', form({}, basic(exportClient.clientId, exportClient.clientSecret)));
    expect([noGrant.status, noGrant.json.error]).toEqual([400, 'invalid_request']);
    const jsonBody = await call('/oauth/v1/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...basic(exportClient.clientId, exportClient.clientSecret) },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect([jsonBody.status, jsonBody.json.error]).toEqual([400, 'invalid_request']);
    const narrowTooFar = await call(
      '/oauth/v1/token',
      form({ grant_type: 'client_credentials', scope: 'billing' }, basic(exportClient.clientId, exportClient.clientSecret)),
    );
    expect([narrowTooFar.status, narrowTooFar.json.error]).toEqual([400, 'invalid_scope']);

    expect((await call('/oauth/v1/token')).status).toBe(404);
  });

  test('records: 200 with an access token on /v1/ and /v1beta2/, and with an API key; the backend learns who called', async () => {
    const v1 = await records('conversations', exportToken);
    expect(v1.status).toBe(200);
    expect(v1.json).toMatchObject({ entity: 'conversations', version: 'v1', credentialId: exportClient.credentialId });
    const preview = await records('conversations', exportToken, 'v1beta2');
    expect([preview.status, preview.json.version]).toEqual([200, 'v1beta2']);
    const byKey = await records('users', reportingKey);
    expect([byKey.status, byKey.json.credentialId]).toEqual([200, reportingKey.slice(4, 36)]);
  });

  test('records: 403 insufficient_scope naming the entity outside the credential scopes (API key, and a narrowed token)', async () => {
    const outside = await records('plugin-calls', reportingKey);
    expect(outside.status).toBe(403);
    expect(outside.json).toMatchObject({ error: 'insufficient_scope', scope: 'plugin-calls' });
    expect(outside.challenge).toMatch(/^Bearer realm="data-api", error="insufficient_scope".*scope="plugin-calls"$/);
    const narrow = await token(exportClient.clientId, exportClient.clientSecret, { scope: 'users' });
    expect((await records('conversations', narrow)).status).toBe(403);
    expect((await records('users', narrow)).status).toBe(200);
  });

  test('records: 401 without an error code when the header is missing; 401 invalid_token when malformed, unknown or expired', async () => {
    const missing = await records('conversations');
    expect([missing.status, missing.challenge]).toEqual([401, 'Bearer realm="data-api"']);
    for (const bad of ['', 'nonsense value', `dat_${'A'.repeat(49)}`, `${exportToken.slice(0, -7)}0000000`]) {
      const answer = await records('conversations', bad);
      expect([bad, answer.status]).toEqual([bad, 401]);
      expect(answer.challenge).toContain('error="invalid_token"');
    }
    // Expiry without waiting an hour: the token's item is moved into the past, as time would.
    const expiring = await token(exportClient.clientId, exportClient.clientSecret);
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: `TOKEN#${hashSecret(expiring)}` } },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': { N: String(Math.floor(Date.now() / 1000) - 1) } },
      }),
    );
    const expired = await records('conversations', expiring);
    expect([expired.status, expired.json.error]).toEqual([401, 'invalid_token']);
  });

  test('records: 404 for an unknown entity or API version', async () => {
    expect((await records('billing', exportToken)).status).toBe(404);
    expect((await records('conversations', exportToken, 'v2')).status).toBe(404);
  });

  test('metadata (RFC 8414): the issuer is the base URL clients are given, found where RFC 8414 puts it and under the base URL; RFC 9728 for the records API; no OpenID document', async () => {
    const get = async (url: string) => {
      const response = await fetch(url, { signal: AbortSignal.timeout(20_000) });
      return { status: response.status, type: response.headers.get('content-type'), json: response.status === 200 ? await response.json() : undefined };
    };
    // The local gateway's base URL for this API has a path (/_api/<id>): RFC 8414 section 3.1 inserts the well-known part before it.
    const inserted = await get(`${env.DATA_API_URL}/.well-known/oauth-authorization-server/_api/${apiId}`);
    expect(inserted.status).toBe(200);
    expect(inserted.type).toMatch(/^application\/json/);
    expect(inserted.json).toEqual({
      issuer: api,
      token_endpoint: `${api}/oauth/v1/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      grant_types_supported: ['client_credentials'],
      response_types_supported: [],
      scopes_supported: ['conversations', 'interactions', 'plugin-calls', 'plugin-resources', 'users'],
      revocation_endpoint: `${api}/oauth/v1/revoke`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint: `${api}/oauth/v1/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
    expect((await get(`${api}/.well-known/oauth-authorization-server`)).json).toEqual(inserted.json);
    expect((await get(`${env.DATA_API_URL}/.well-known/oauth-protected-resource/_api/${apiId}`)).json).toMatchObject({
      resource: api,
      authorization_servers: [api],
      bearer_methods_supported: ['header'],
    });
    expect((await get(`${api}/.well-known/openid-configuration`)).status).toBe(404);
  });

  test('revocation (RFC 7009) and introspection (RFC 7662) over HTTP: only the owner revokes, at once; only listed clients introspect', async () => {
    const asMirror = basic(mirrorClient.clientId, mirrorClient.clientSecret);
    const introspect = (value: string, auth = asMirror) => call('/oauth/v1/introspect', form({ token: value }, auth));
    const revoke = (value: string, auth: Record<string, string>) => call('/oauth/v1/revoke', form({ token: value }, auth));
    const asExport = basic(exportClient.clientId, exportClient.clientSecret);
    const doomed = await token(exportClient.clientId, exportClient.clientSecret, { scope: 'users' });

    const active = await introspect(doomed);
    expect(active.status).toBe(200);
    expect(active.json).toEqual({
      active: true,
      scope: 'users',
      client_id: exportClient.clientId,
      token_type: 'Bearer',
      exp: expect.any(Number),
      iat: expect.any(Number),
      credential_id: exportClient.credentialId,
      auth_type: 'oauth2',
    });
    expect(active.json.exp - active.json.iat).toBe(3600);
    expect((await introspect(reportingKey)).json).toMatchObject({ active: true, auth_type: 'api_key', scope: 'conversations users' });
    const notListed = await introspect(doomed, asExport);
    expect([notListed.status, notListed.json.error]).toEqual([403, 'unauthorized_client']);

    const notYours = await revoke(doomed, asMirror);
    expect([notYours.status, notYours.json.error]).toEqual([400, 'unauthorized_client']);
    const apiKey = await revoke(reportingKey, asExport);
    expect([apiKey.status, apiKey.json.error]).toEqual([400, 'unsupported_token_type']);
    expect(apiKey.json.error_description).toMatch(/destroy their credential in Terraform/);
    const wrongSecret = await revoke(doomed, basic(exportClient.clientId, `dcs_${'0'.repeat(49)}`));
    expect([wrongSecret.status, wrongSecret.json.error, wrongSecret.challenge]).toEqual([401, 'invalid_client', 'Basic realm="data-api", charset="UTF-8"']);
    expect((await records('users', doomed)).status).toBe(200);

    const revoked = await call('/oauth/v1/revoke', form({ token: doomed, client_id: exportClient.clientId, client_secret: exportClient.clientSecret }));
    expect([revoked.status, revoked.json]).toEqual([200, '']);
    const refused = await records('users', doomed);
    expect([refused.status, refused.json.error]).toEqual([401, 'invalid_token']);
    expect((await introspect(doomed)).json).toEqual({ active: false });
    expect((await revoke(doomed, asExport)).status).toBe(200);
    expect((await records('users', exportToken)).status).toBe(200);
  });

  test.each(['openid-client', 'oauth4webapi'] as const)(
    '%s, given only the base URL, client ids and secrets: discovery, tokens with both auth methods, records, revocation then 401, introspection, and each error as the library\'s own type',
    async (library) => {
      const report = await runOAuthClient({
        library,
        base: api,
        consumer: { clientId: exportClient.clientId, clientSecret: exportClient.clientSecret },
        other: { clientId: mirrorClient.clientId, clientSecret: mirrorClient.clientSecret },
        introspector: { clientId: mirrorClient.clientId, clientSecret: mirrorClient.clientSecret },
        apiKey: reportingKey,
      });
      for (const secret of report.secrets) seenSecrets.add(secret);
      expectInterop(report);
    },
  );

  test('verification stamps lastUsedAt on the credential record', async () => {
    const item = await dynamodb.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: `CRED#${exportClient.credentialId}` } }, ConsistentRead: true }),
    );
    expect(Date.now() - Date.parse(item.Item!.lastUsedAt.S!)).toBeLessThan(120_000);
  });

  let reportingClient: Record<string, string>;
  let reportingToken: string;

  test('after an auth type replacement, the old API key gets 401; other credentials keep working', async () => {
    synth({ reportingAuthType: AuthType.OAUTH2 });
    await tf(['apply', '-auto-approve']);
    const old = await records('users', reportingKey);
    expect([old.status, old.json.error]).toEqual([401, 'invalid_token']);
    expect((await records('users', exportToken)).status).toBe(200);
    reportingClient = await secretOf('UsageReporting');
    reportingToken = await token(reportingClient.clientId, reportingClient.clientSecret);
    expect((await records('conversations', reportingToken)).status).toBe(200);
  });

  test('after terraform destroy of a credential, its unexpired token gets 401 and its client is refused a new one', async () => {
    const { stdout } = await tf(['state', 'list']);
    const invocation = stdout.split('\n').find((line) => line.startsWith('aws_lambda_invocation.UsageReporting_Provider_'));
    expect(invocation).toBeDefined();
    await tf(['destroy', '-auto-approve', `-target=${invocation}`]);
    const revoked = await records('conversations', reportingToken);
    expect([revoked.status, revoked.json.error]).toEqual([401, 'invalid_token']);
    const refused = await call('/oauth/v1/token', form({ grant_type: 'client_credentials' }, basic(reportingClient.clientId, reportingClient.clientSecret)));
    expect([refused.status, refused.json.error]).toEqual([401, 'invalid_client']);
    expect((await records('conversations', exportToken)).status).toBe(200);
  });

  test('no API key, client secret or access token appears in the functions\' logs or the Terraform state', () => {
    expect(seenSecrets.size).toBeGreaterThanOrEqual(8);
    const logs = ['DataApi-token', 'DataApi-records', 'sample-records', 'Credentials-provider'].map((fn) => lambdaLog(`${STACK}-${fn}`));
    expect(logs[0]).toContain('"outcome":"issued"');
    expect(logs[1]).toContain('"outcome":"insufficient_scope"');
    const artefacts = [...logs, readFileSync(statePath, 'utf8')];
    const leaks = [...seenSecrets].filter((secret) => artefacts.some((text) => text.includes(secret)));
    expect(leaks).toEqual([]);
  });

  test('destroy removes the gateway: the local gateway no longer serves it', async () => {
    await tf(['destroy', '-auto-approve']);
    destroyed = true;
    expect((await records('conversations', exportToken)).status).toBe(404);
  });
});

/** What both client libraries must report (see test/support/oauth-clients.mjs for the steps). */
function expectInterop({ library, steps }: InteropReport): void {
  const value = (name: string) => {
    expect([name, steps[name]?.error]).toEqual([name, undefined]);
    return steps[name].value;
  };
  const error = (name: string) => {
    expect([name, steps[name]?.error]).toEqual([name, expect.anything()]);
    return steps[name].error!;
  };
  expect(value('discovery')).toMatchObject({
    issuer: api,
    token_endpoint: `${api}/oauth/v1/token`,
    revocation_endpoint: `${api}/oauth/v1/revoke`,
    introspection_endpoint: `${api}/oauth/v1/introspect`,
  });
  // Both libraries lower-case token_type; there is no refresh token in the client credentials grant.
  const allScopes = 'conversations interactions plugin-calls plugin-resources users';
  expect(value('tokenBasic')).toEqual({ token_type: 'bearer', expires_in: 3600, scope: allScopes, has_refresh_token: false });
  expect(value('tokenPost')).toEqual(value('tokenBasic'));
  expect(value('records')).toEqual({ status: 200, entity: 'conversations', credentialId: exportClient.credentialId });
  if (library === 'oauth4webapi') expect(value('resourceMetadata')).toMatchObject({ resource: api, authorization_servers: [api] });
  expect(value('introspectActive')).toMatchObject({ active: true, client_id: exportClient.clientId, scope: allScopes, token_type: 'Bearer' });
  expect(value('introspectApiKey')).toMatchObject({ active: true, auth_type: 'api_key' });
  expect(value('revoke')).toBeNull();
  const bearerChallenge = (error: string, extra: Record<string, string> = {}) => [
    { scheme: 'bearer', parameters: { realm: 'data-api', error, error_description: expect.any(String), ...extra } },
  ];
  expect(error('recordsAfterRevoke')).toMatchObject({ instanceOf: 'WWWAuthenticateChallengeError', status: 401, challenges: bearerChallenge('invalid_token') });
  expect(value('introspectRevoked')).toEqual({ active: false });
  expect(value('recordsWithOtherToken')).toBe(200);

  const basicChallenge = [{ scheme: 'basic', parameters: { realm: 'data-api', charset: 'UTF-8' } }];
  for (const name of ['wrongSecretBasic', 'wrongSecretPost']) {
    expect(error(name)).toMatchObject({ instanceOf: 'WWWAuthenticateChallengeError', status: 401, challenges: basicChallenge, body: { error: 'invalid_client' } });
  }
  expect(error('invalidScope')).toMatchObject({ instanceOf: 'ResponseBodyError', status: 400, error: 'invalid_scope' });
  expect(error('insufficientScope')).toMatchObject({
    instanceOf: 'WWWAuthenticateChallengeError',
    status: 403,
    challenges: bearerChallenge('insufficient_scope', { scope: 'conversations' }),
  });
  expect(error('revokeOtherClientsToken')).toMatchObject({ instanceOf: 'ResponseBodyError', status: 400, error: 'unauthorized_client' });
  expect(error('revokeApiKey')).toMatchObject({ instanceOf: 'ResponseBodyError', status: 400, error: 'unsupported_token_type' });
  expect(error('introspectNotAllowed')).toMatchObject({ instanceOf: 'ResponseBodyError', status: 403, error: 'unauthorized_client' });
  expect(error('openIdDiscovery')).toMatchObject({
    name: library === 'openid-client' ? 'ClientError' : 'OperationProcessingError',
    code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
  });
}
