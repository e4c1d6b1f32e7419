/**
 * Rotation with a grace period, end to end: real `terraform` on the local AWS, real HTTP through
 * the local API gateway. One apply creates three credentials; a second apply rotates two of them
 * (grace 24 hours and grace 0) and switches the third from API key to OAuth 2.0 (grace 1 hour).
 * The grace period is made to pass by moving the retired record's `retiresAt` into the past, as
 * time would: no sleeping. A fourth credential adopts an API key that already exists in a secret
 * (a preview-version key in a format of its own). A fifth, an OAuth 2.0 client, is rotated twice
 * (grace 24 hours, then 0) and keeps its client id. The steps build on each other and run in order.
 */
import { DescribeTableCommand, DynamoDBClient, GetResourcePolicyCommand as GetTablePolicyCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetResourcePolicyCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SampleRecordsBackend } from '../../examples/sample-records-backend';
import { AuthType, DataApiCredential, DataApiGateway } from '../../lib';
import { synthStack } from '../../examples/synth-stack';
import { terraform } from '../../local/terraform';
import { lambdaLog, localAwsEnv } from '../support/local-aws';
import { credentialRecords, currentSecretValue, StoredRecord } from '../support/store';
import { credentialsStack } from '../support/stacks';
import { flatOutputs, type RawOutputs } from '../../examples/stack-outputs';

jest.setTimeout(240_000);

const STACK = 'e2e-rotation';
const env = localAwsEnv();
const dynamodb = new DynamoDBClient({});
const secretsManager = new SecretsManagerClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-rotation-'));
const outdir = join(work, 'cdktf.out');
const statePath = join(work, 'terraform.tfstate');
const seenSecrets = new Set<string>();
let cwd = '';
let api = '';
let tableName = '';
let destroyed = false;
/** An API key issued before this stack existed, in a secret of its own under the store's prefix. */
const previewKey = `preview_${randomBytes(24).toString('hex')}`;
let adoptedArn = '';

/**
 * `trigger` rotates Graceful and Immediate; `switched` makes Switching an OAuth 2.0 client;
 * `steady` rotates Steady, an OAuth 2.0 client whose client id outlives its rotations.
 */
function synth(trigger: string, switched: boolean, steady: { trigger: string; gracePeriodHours: number } = { trigger, gracePeriodHours: 24 }): void {
  cwd = synthStack(outdir, (app) =>
    credentialsStack(app, STACK, statePath, (stack, store) => {
      new DataApiCredential(stack, 'Graceful', {
        store,
        name: 'Graceful',
        authType: AuthType.API_KEY,
        scopes: ['users'],
        rotation: { trigger, gracePeriodHours: 24 },
        // The local AWS's account root: a principal that exists, as AWS requires of a resource policy.
        readers: ['arn:aws:iam::123456789012:root'],
      });
      new DataApiCredential(stack, 'Immediate', {
        store,
        name: 'Immediate',
        authType: AuthType.API_KEY,
        scopes: ['users'],
        rotation: { trigger, gracePeriodHours: 0 },
      });
      new DataApiCredential(stack, 'Switching', {
        store,
        name: 'Switching',
        authType: switched ? AuthType.OAUTH2 : AuthType.API_KEY,
        scopes: ['users'],
        authTypeChangeGracePeriodHours: 1,
      });
      new DataApiCredential(stack, 'Steady', {
        store,
        name: 'Steady',
        authType: AuthType.OAUTH2,
        scopes: ['users'],
        rotation: steady,
      });
      new DataApiCredential(stack, 'Adopted', {
        store,
        name: 'Adopted',
        authType: AuthType.API_KEY,
        scopes: ['users'],
        adopt: { fromSecretArn: adoptedArn },
      });
      const backend = new SampleRecordsBackend(stack, 'SampleBackend', { functionName: `${STACK}-sample-records` });
      new DataApiGateway(stack, 'DataApi', { store, backend: { functionArn: backend.functionArn }, logRetentionDays: 1 });
    }),
  );
}
const tf = (args: string[]) => terraform([...args, '-no-color'], { cwd, env });

async function outputs(): Promise<Record<string, string>> {
  const raw = JSON.parse((await terraform(['output', '-json'], { cwd, env })).stdout) as RawOutputs;
  return flatOutputs(raw);
}

async function secretOf(arn: string): Promise<Record<string, string>> {
  const value = JSON.parse((await currentSecretValue(arn))!);
  for (const field of ['apiKey', 'clientSecret']) if (value[field]) seenSecrets.add(value[field]);
  return value;
}

async function records(bearer: string, version = 'v1'): Promise<number> {
  const response = await fetch(`${api}/export/${version}/records/users`, {
    headers: { authorization: `Bearer ${bearer}` },
    signal: AbortSignal.timeout(20_000),
  });
  await response.text();
  return response.status;
}

async function token(clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch(`${api}/oauth/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
    signal: AbortSignal.timeout(20_000),
  });
  const json = (await response.json()) as { access_token: string };
  expect(response.status).toBe(200);
  seenSecrets.add(json.access_token);
  return json.access_token;
}

/** The token endpoint's status for a client id and secret (no token kept). */
async function tokenStatus(clientId: string, clientSecret: string): Promise<number> {
  const response = await fetch(`${api}/oauth/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
    signal: AbortSignal.timeout(20_000),
  });
  const json = (await response.json()) as { error?: string };
  if (response.status === 401) expect(json.error).toBe('invalid_client');
  return response.status;
}

/** Access tokens Steady's first two secrets got. */
const steadyTokens: string[] = [];

const recordOf = async (credentialId: string): Promise<StoredRecord & { retiresAt?: string; expiresAt?: string }> =>
  (await credentialRecords(tableName)).find((r) => r.credentialId === credentialId)!;

const before: Record<string, { arn: string; value: Record<string, string> }> = {};
const after: Record<string, { arn: string; value: Record<string, string> }> = {};

afterAll(async () => {
  if (cwd && !destroyed) await tf(['destroy', '-auto-approve']).catch(() => undefined);
  // The adopted secret was never the stack's: destroy leaves it, the test removes it.
  if (adoptedArn) await secretsManager.send(new DeleteSecretCommand({ SecretId: adoptedArn, ForceDeleteWithoutRecovery: true })).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('rotation with a grace period, through terraform and the local gateway', () => {
  test('apply creates the credentials; each key works', async () => {
    seenSecrets.add(previewKey);
    const created = await secretsManager.send(
      new CreateSecretCommand({ Name: `data-api/credentials/${STACK}/preview-key`, SecretString: JSON.stringify({ apiKey: previewKey }) }),
    );
    adoptedArn = created.ARN!;
    synth('2026-11', false);
    await tf(['init']);
    await tf(['apply', '-auto-approve']);
    const out = await outputs();
    api = `${env.DATA_API_URL}/_api/${out['DataApi.ApiId']}`;
    tableName = out['Credentials.TableName'];
    // The admins' table policy (item writes denied to all but the store's writers) is accepted.
    const table = (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table!;
    const tablePolicy = await dynamodb.send(new GetTablePolicyCommand({ ResourceArn: table.TableArn! }));
    expect(JSON.parse(tablePolicy.Policy!).Statement[0]).toMatchObject({ Sid: 'OnlyAdminsDeployerAndFunctionsWrite', Effect: 'Deny' });
    for (const name of ['Graceful', 'Immediate', 'Switching']) {
      const arn = out[`${name}.SecretArn`];
      before[name] = { arn, value: await secretOf(arn) };
      expect(await records(before[name].value.apiKey)).toBe(200);
    }
    before.Steady = { arn: out['Steady.SecretArn'], value: await secretOf(out['Steady.SecretArn']) };
    // The construct's client id is the provider's (derived, at plan time, from the first instance).
    expect(out['Steady.ClientId']).toBe(before.Steady.value.clientId);
    expect(before.Steady.value.clientId).toBe(`dci_${before.Steady.value.credentialId}`);
  });

  test('an adopted key works on /v1/ and /v1beta2/; its secret got nothing written and only its hash is stored', async () => {
    for (const version of ['v1', 'v1beta2']) expect(await records(previewKey, version)).toBe(200);
    const versions = await secretsManager.send(new ListSecretVersionIdsCommand({ SecretId: adoptedArn }));
    expect(versions.Versions).toHaveLength(1);
    expect(await currentSecretValue(adoptedArn)).toBe(JSON.stringify({ apiKey: previewKey }));
    const adopted = (await credentialRecords(tableName)).find((r) => r.name === 'Adopted')!;
    expect(adopted).toMatchObject({ status: 'active', authType: 'api_key', secretArn: adoptedArn });
    expect(JSON.stringify(adopted)).not.toContain(previewKey);
  });

  test('a rotation (and the auth type change) keeps each secret ARN and puts the new credential value in it', async () => {
    synth('2026-12', true);
    await tf(['apply', '-auto-approve']);
    const out = await outputs();
    for (const name of ['Graceful', 'Immediate', 'Switching']) {
      const arn = out[`${name}.SecretArn`];
      expect(arn).toBe(before[name].arn);
      after[name] = { arn, value: await secretOf(arn) };
      expect(after[name].value.credentialId).not.toBe(before[name].value.credentialId);
    }
    after.Steady = { arn: out['Steady.SecretArn'], value: await secretOf(out['Steady.SecretArn']) };
    expect(after.Steady.value.credentialId).not.toBe(before.Steady.value.credentialId);
    expect(after.Graceful.value.apiKey).not.toBe(before.Graceful.value.apiKey);
    expect(after.Switching.value.authType).toBe('oauth2');
    // The readers' resource policy is the secret's and survives the rotation untouched.
    const policy = await secretsManager.send(new GetResourcePolicyCommand({ SecretId: after.Graceful.arn }));
    expect(JSON.parse(policy.ResourcePolicy!).Statement.map((st: { Sid: string }) => st.Sid)).toEqual(['Readers', 'OnlyReadersAndTheProviderRead', 'OnlyTheProviderAndDeployerChange']);
  });

  test('grace 24 hours: old and new keys are both accepted, on /v1/ and /v1beta2/', async () => {
    for (const version of ['v1', 'v1beta2']) {
      expect(await records(before.Graceful.value.apiKey, version)).toBe(200);
      expect(await records(after.Graceful.value.apiKey, version)).toBe(200);
    }
    const old = await recordOf(before.Graceful.value.credentialId);
    expect(old.status).toBe('retiring');
    const retiresIn = Date.parse(old.retiresAt!) - Date.now();
    expect(retiresIn).toBeGreaterThan(23 * 3600 * 1000);
    expect(retiresIn).toBeLessThanOrEqual(24 * 3600 * 1000);
    // DynamoDB's TTL removes it a week after it retired.
    expect(Number(old.expiresAt)).toBe(Math.floor(Date.parse(old.retiresAt!) / 1000) + 7 * 24 * 3600);
  });

  test('grace 0: the old key is refused at once, the new one works', async () => {
    expect(await records(before.Immediate.value.apiKey)).toBe(401);
    expect(await records(after.Immediate.value.apiKey)).toBe(200);
    expect((await recordOf(before.Immediate.value.credentialId)).status).toBe('revoked');
  });

  test('an auth type change with its own grace period: the old API key still works, the new client gets tokens', async () => {
    expect(await records(before.Switching.value.apiKey)).toBe(200);
    const client = after.Switching.value;
    expect(await records(await token(client.clientId, client.clientSecret))).toBe(200);
  });

  test('an OAuth 2.0 rotation keeps the client id: the construct\'s output and the secret; the client authenticates with either secret in the grace period', async () => {
    const out = await outputs();
    const clientId = before.Steady.value.clientId;
    expect(after.Steady.value.clientId).toBe(clientId);
    expect(out['Steady.ClientId']).toBe(clientId);
    expect(out['Steady.CredentialId']).toBe(after.Steady.value.credentialId);
    expect((await recordOf(before.Steady.value.credentialId)).status).toBe('retiring');
    const oldToken = await token(clientId, before.Steady.value.clientSecret);
    const newToken = await token(clientId, after.Steady.value.clientSecret);
    expect(await records(oldToken)).toBe(200);
    expect(await records(newToken)).toBe(200);
    steadyTokens.push(oldToken, newToken);
  });

  test('a second OAuth 2.0 rotation (grace 0): the plan shows the same client id without a read; after it, only the newest secret authenticates and the old tokens stop', async () => {
    synth('2026-12', true, { trigger: '2027-01', gracePeriodHours: 0 });
    const planFile = join(work, 'steady.tfplan');
    await tf(['plan', `-out=${planFile}`]);
    const plan = JSON.parse((await terraform(['show', '-json', planFile], { cwd, env })).stdout) as {
      output_changes: Record<string, { after?: { kind?: string; credentials?: Record<string, { clientId?: string }> } }>;
    };
    const declared = Object.values(plan.output_changes).find((change) => change.after?.kind === 'data-api-credential-declarations');
    expect(declared?.after?.credentials?.Steady?.clientId).toBe(before.Steady.value.clientId);
    await tf(['apply', '-auto-approve', planFile]);
    const out = await outputs();
    const third = await secretOf(out['Steady.SecretArn']);
    const clientId = before.Steady.value.clientId;
    expect(third.credentialId).not.toBe(after.Steady.value.credentialId);
    expect(third.clientId).toBe(clientId);
    expect(out['Steady.ClientId']).toBe(clientId);
    // Grace 0 revokes the second credential and, with it, the first one still in its grace period.
    expect((await recordOf(after.Steady.value.credentialId)).status).toBe('revoked');
    expect((await recordOf(before.Steady.value.credentialId)).status).toBe('revoked');
    for (const secret of [before.Steady.value.clientSecret, after.Steady.value.clientSecret]) {
      expect(await tokenStatus(clientId, secret)).toBe(401);
    }
    for (const old of steadyTokens) expect(await records(old)).toBe(401);
    expect(await records(await token(clientId, third.clientSecret))).toBe(200);
  });

  test('once the grace period has passed, the old key is refused and the new one still works', async () => {
    // As time would: the retired record's retiresAt moves into the past.
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: `CRED#${before.Graceful.value.credentialId}` } },
        UpdateExpression: 'SET retiresAt = :past',
        ExpressionAttributeValues: { ':past': { S: new Date(Date.now() - 1000).toISOString() } },
      }),
    );
    for (const version of ['v1', 'v1beta2']) {
      expect(await records(before.Graceful.value.apiKey, version)).toBe(401);
      expect(await records(after.Graceful.value.apiKey, version)).toBe(200);
    }
    // Rotating the others left the adopted key alone.
    expect(await records(previewKey)).toBe(200);
  });

  test('destroying a credential within its predecessor\'s grace period revokes both: the pre-change API key gets 401 at once', async () => {
    expect(await records(before.Switching.value.apiKey)).toBe(200);
    const list = (await terraform(['state', 'list'], { cwd, env })).stdout.split('\n');
    const invocation = list.find((address) => /^aws_lambda_invocation\.Switching_Provider_/.test(address))!;
    await tf(['destroy', '-auto-approve', `-target=${invocation}`]);
    expect(await records(before.Switching.value.apiKey)).toBe(401);
    expect((await recordOf(before.Switching.value.credentialId)).status).toBe('revoked');
    expect((await recordOf(after.Switching.value.credentialId)).status).toBe('revoked');
  });

  test('no API key, client secret or access token in the state or the functions\' logs', () => {
    expect(seenSecrets.size).toBeGreaterThanOrEqual(7);
    const artefacts = [readFileSync(statePath, 'utf8'), lambdaLog(`${STACK}-Credentials-provider`), lambdaLog(`${STACK}-DataApi-records`)];
    expect(artefacts[1]).toContain('"outcome":"retiring"');
    expect([...seenSecrets].filter((secret) => artefacts.some((text) => text.includes(secret)))).toEqual([]);
  });

  test('destroy leaves nothing behind', async () => {
    await tf(['destroy', '-auto-approve']);
    destroyed = true;
    expect(await records(after.Graceful.value.apiKey)).toBe(404);
  });
});
