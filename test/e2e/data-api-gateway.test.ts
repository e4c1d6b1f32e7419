/**
 * The Data API through the local API gateway, with real HTTP requests, on a stack that real
 * `terraform` deployed to the local AWS: the example's store and credentials, the DataApiGateway
 * and the sample records backend. Every status code of the token endpoint and the records routes,
 * and revocation: after an auth type replacement and after `terraform destroy` of a credential.
 * The steps build on each other and run in order.
 */
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyticsCredentialsStack, AnalyticsCredentialsStackProps } from '../../examples/analytics-credentials-stack';
import { hashSecret } from '../../handlers/secret-format';
import { AuthType } from '../../lib';
import { synthStack, terraform } from '../../local/terraform';
import { lambdaLog, localAwsEnv } from '../support/local-aws';

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
let tableName = '';
let destroyed = false;

function synth(props: AnalyticsCredentialsStackProps = {}): void {
  cwd = synthStack(outdir, (app) => new AnalyticsCredentialsStack(app, STACK, { statePath, withGateway: true, ...props }));
}
const tf = (args: string[]) => terraform([...args, '-no-color'], { cwd, env });

async function outputs(): Promise<Record<string, string>> {
  const raw = JSON.parse((await terraform(['output', '-json'], { cwd, env })).stdout) as Record<string, { value: string }>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.split('_').slice(0, 2).join('.'), v.value]));
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
    api = `${env.DATA_API_URL}/_api/${out['DataApi.ApiId']}`;
    tableName = out['Credentials.TableName'];
    exportClient = await secretOf('AnalyticsExport');
    reportingKey = (await secretOf('UsageReporting')).apiKey;
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
