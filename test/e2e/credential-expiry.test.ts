/**
 * Credential expiry (issue 22) end to end: real `terraform` applies a store with the Data API
 * gateway and two credentials that declare `expiresAt` 10 days ahead. The plan-time check and
 * `review` flag them as expiring; then their records' expiry is moved into the past (the record's
 * `validUntil`, as the provider writes it) and the gateway refuses the API key and the access
 * token with 401 `invalid_token` saying the credential expired, and the token endpoint refuses the
 * client with `invalid_client`. No unbounded wait: the expiry is set, not waited for.
 */
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { App } from 'cdktf';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthType, DataApiCredential, DataApiGateway, DataApiScope } from '../../lib';
import { SampleRecordsBackend } from '../../examples/sample-records-backend';
import { synthStack } from '../../examples/synth-stack';
import { flatOutputs, type RawOutputs } from '../../examples/stack-outputs';
import { terraform } from '../../local/terraform';
import { runCli } from '../support/cli';
import { localAwsEnv } from '../support/local-aws';
import { credentialsStack } from '../support/stacks';

jest.setTimeout(240_000);

const STACK = 'e2e-expiry';
const env = localAwsEnv();
const dynamodb = new DynamoDBClient({});
const secretsManager = new SecretsManagerClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-expiry-'));
const statePath = join(work, 'terraform.tfstate');
const DAY = 24 * 3600 * 1000;
/** 10 days and an hour ahead, to the second: "expires in 10 days" whenever the review runs today. */
const EXPIRES_AT = new Date(Date.now() + 10 * DAY + 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
let cwd = '';
let api = '';
let tableName = '';
let destroyed = false;

function synth(): void {
  cwd = synthStack(join(work, 'cdktf.out'), (app: App) =>
    credentialsStack(
      app,
      STACK,
      statePath,
      (stack, store) => {
        new DataApiCredential(stack, 'Key', { store, name: 'Expiry-Key', authType: AuthType.API_KEY, scopes: [DataApiScope.USERS], expiresAt: EXPIRES_AT });
        new DataApiCredential(stack, 'Client', { store, name: 'Expiry-Client', authType: AuthType.OAUTH2, scopes: [DataApiScope.USERS], expiresAt: EXPIRES_AT });
        new DataApiCredential(stack, 'Forever', { store, name: 'Expiry-Forever', authType: AuthType.API_KEY, scopes: [DataApiScope.USERS] });
        const backend = new SampleRecordsBackend(stack, 'SampleBackend', { functionName: `${STACK}-sample-records` });
        new DataApiGateway(stack, 'DataApi', { store, backend: { functionArn: backend.functionArn }, logRetentionDays: 1 });
      },
      { driftCheck: true },
    ),
  );
}
const tf = (args: string[], okCodes?: number[]) => terraform([...args, '-no-color'], { cwd, env, okCodes });

async function outputs(): Promise<Record<string, string>> {
  return flatOutputs(JSON.parse((await terraform(['output', '-json'], { cwd, env })).stdout) as RawOutputs);
}

async function secretOf(out: Record<string, string>, construct: string): Promise<Record<string, string>> {
  return JSON.parse((await secretsManager.send(new GetSecretValueCommand({ SecretId: out[`${construct}.SecretArn`] }))).SecretString!);
}

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; challenge: string | null; json: any }> {
  const response = await fetch(`${api}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, challenge: response.headers.get('www-authenticate'), json };
}
const tokenRequest = (clientId: string, clientSecret: string) =>
  call('/oauth/v1/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });
const records = (bearer: string) => call('/export/v1/records/users', { headers: { authorization: `Bearer ${bearer}` } });

afterAll(async () => {
  if (cwd && !destroyed) await tf(['destroy', '-auto-approve']).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('credential expiry, end to end', () => {
  let out: Record<string, string>;
  let apiKey = '';
  let foreverKey = '';
  let client: Record<string, string>;
  let token = '';

  test('apply stores the declared expiry on the records; before it the key and a token work, the token capped by nothing sooner', async () => {
    synth();
    await tf(['init']);
    await tf(['apply', '-auto-approve']);
    out = await outputs();
    api = `${env.DATA_API_URL}/_api/${out['DataApi.ApiId']}`;
    tableName = out['Credentials.TableName'];
    apiKey = (await secretOf(out, 'Key')).apiKey;
    foreverKey = (await secretOf(out, 'Forever')).apiKey;
    client = await secretOf(out, 'Client');
    for (const construct of ['Key', 'Client']) {
      const item = await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: `CRED#${out[`${construct}.CredentialId`]}` } } }));
      expect(item.Item?.validUntil?.S).toBe(new Date(EXPIRES_AT).toISOString());
    }
    const forever = await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: `CRED#${out['Forever.CredentialId']}` } } }));
    expect(forever.Item?.validUntil).toBeUndefined();

    expect((await records(apiKey)).status).toBe(200);
    const issued = await tokenRequest(client.clientId, client.clientSecret);
    expect(issued.status).toBe(200);
    expect(issued.json.expires_in).toBe(3600);
    token = issued.json.access_token;
    expect((await records(token)).status).toBe(200);
  });

  test('the plan-time check warns that they expire in 10 days, and review flags them; --fail-on expiring exits 2', async () => {
    const plan = await tf(['plan', '-out=expiry.tfplan']);
    const text = plan.stdout + plan.stderr;
    expect(text).toMatch(/"Expiry-Key" expires at .* \(in 10 days\)/);
    expect(text).toMatch(/"Expiry-Client" expires at .* \(in 10 days\)/);
    expect(text).not.toMatch(/"Expiry-Forever" expire/);

    const planJson = (await terraform(['show', '-json', 'expiry.tfplan'], { cwd, env })).stdout;
    const review = await runCli(['review', '-'], { cwd, stdin: planJson });
    expect(review.code).toBe(0);
    expect(review.stdout).toContain('**Expiry-Key** expires in 10 days');
    expect(review.stdout).toContain('**Expiry-Client** expires in 10 days');
    const gated = await runCli(['review', '-', '--fail-on', 'expiring', '--expiring-within', '14'], { cwd, stdin: planJson });
    expect(gated.code).toBe(2);
    expect(gated.stderr).toContain('expiring within 14 days: "Expiry-Client", "Expiry-Key"');
    expect((await runCli(['review', '-', '--fail-on', 'expiring', '--expiring-within', '5'], { cwd, stdin: planJson })).code).toBe(0);
  });

  test('past its expiry (the record edited to a second ago), the key and the token get 401 saying it expired; the client gets invalid_client', async () => {
    const past = new Date(Date.now() - 1000).toISOString();
    for (const construct of ['Key', 'Client']) {
      await dynamodb.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: `CRED#${out[`${construct}.CredentialId`]}` } },
          UpdateExpression: 'SET validUntil = :past',
          ExpressionAttributeValues: { ':past': { S: past } },
        }),
      );
    }
    for (const bearer of [apiKey, token]) {
      const answer = await records(bearer);
      expect(answer.status).toBe(401);
      expect(answer.challenge).toContain('error="invalid_token"');
      expect(answer.json).toEqual({ error: 'invalid_token', error_description: expect.stringMatching(/expired/) });
    }
    const refused = await tokenRequest(client.clientId, client.clientSecret);
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({ error: 'invalid_client', error_description: expect.stringMatching(/expired/) });
    // A credential without an expiry is untouched.
    expect((await records(foreverKey)).status).toBe(200);

    const list = await runCli(['list', '--dir', cwd], { cwd });
    expect(list.stdout).toMatch(/Expiry-Key[^\n]*\(expired\)/);
  });

  test('destroy', async () => {
    await tf(['destroy', '-auto-approve']);
    destroyed = true;
  });
});
