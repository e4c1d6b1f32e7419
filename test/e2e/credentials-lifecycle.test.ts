/**
 * The whole life of the example stack with the real `terraform` against the local AWS (moto plus
 * the local Lambda runner running the real bundled provider). The steps build on each other, so
 * the tests of this file run in order and share one working directory.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyticsCredentialsStack, AnalyticsCredentialsStackProps } from '../../examples/analytics-credentials-stack';
import { AuthType, DataApiScope } from '../../lib';
import { synthStack } from '../../examples/synth-stack';
import { terraform } from '../../local/terraform';
import { lambdaLog, localAwsEnv } from '../support/local-aws';
import { credentialRecords, sha256, StoredRecord } from '../support/store';
import { flatOutputs } from '../../examples/stack-outputs';

jest.setTimeout(240_000);

const STACK = 'e2e-credentials';
const env = localAwsEnv();
const dynamodb = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-'));
const outdir = join(work, 'cdktf.out');
const statePath = join(work, 'terraform.tfstate');
/** Every secret value seen during the run: none may appear in any Terraform artefact. */
const seenSecrets = new Set<string>();
/** Every plan, as `terraform show -json` printed it. */
const planJsons: string[] = [];
let cwd = '';

interface Outputs {
  [name: string]: { value: string };
}

function synth(props: AnalyticsCredentialsStackProps = {}): void {
  cwd = synthStack(outdir, (app) => new AnalyticsCredentialsStack(app, STACK, { statePath, ...props }));
}

const tf = (args: string[], okCodes?: number[]) => terraform([...args, '-no-color'], { cwd, env, okCodes });

async function outputs(): Promise<Outputs> {
  return JSON.parse((await terraform(['output', '-json'], { cwd, env })).stdout);
}

function output(all: Outputs, construct: string, name: string): string {
  const flat = flatOutputs(all);
  const value = flat[`${construct}.${name}`];
  if (value === undefined) throw new Error(`no output ${construct}.${name} in ${Object.keys(flat).join(', ')}`);
  return value;
}

async function records(): Promise<StoredRecord[]> {
  return credentialRecords(output(await outputs(), 'Credentials', 'TableName'));
}

async function secretValue(secretArn: string): Promise<{ text: string; json: { [k: string]: string }; versionId: string }> {
  const got = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  seenSecrets.add(got.SecretString!);
  const json = JSON.parse(got.SecretString!);
  for (const field of ['apiKey', 'clientSecret']) if (json[field]) seenSecrets.add(json[field]);
  return { text: got.SecretString!, json, versionId: got.VersionId! };
}

/** Plans, records the plan JSON and returns `[address, actions]` of every resource that changes. */
async function plannedChanges(): Promise<Array<[string, string[]]>> {
  await tf(['plan', '-out=step.tfplan']);
  const json = (await terraform(['show', '-json', 'step.tfplan'], { cwd, env })).stdout;
  planJsons.push(json);
  const plan = JSON.parse(json) as { resource_changes: Array<{ address: string; change: { actions: string[] } }> };
  return plan.resource_changes
    .filter((rc) => !(rc.change.actions.length === 1 && ['no-op', 'read'].includes(rc.change.actions[0])))
    .map((rc) => [rc.address, rc.change.actions]);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === '.terraform') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('credentials as code, end to end with terraform', () => {
  test('apply creates an OAuth 2.0 credential and an API key, each active with its secret in Secrets Manager', async () => {
    synth();
    await tf(['init']);
    await tf(['apply', '-auto-approve']);

    const out = await outputs();
    const all = await records();
    expect(all).toHaveLength(2);

    const oauth = all.find((r) => r.name === 'Analytics-DataAPI-Credential')!;
    expect(oauth).toMatchObject({ authType: 'oauth2', status: 'active', credentialId: output(out, 'AnalyticsExport', 'CredentialId') });
    expect([...oauth.scopes].sort()).toEqual([...DataApiScope.ALL].sort());
    const oauthSecret = await secretValue(output(out, 'AnalyticsExport', 'SecretArn'));
    expect(oauthSecret.json).toMatchObject({ authType: 'oauth2', clientId: output(out, 'AnalyticsExport', 'ClientId') });
    expect(oauthSecret.json.clientSecret).toMatch(/^dcs_[0-9A-Za-z]{49}$/);
    expect(oauth.secretHash).toBe(sha256(oauthSecret.json.clientSecret));

    const key = all.find((r) => r.name === 'Usage-Reporting')!;
    expect(key).toMatchObject({ authType: 'api_key', status: 'active', credentialId: output(out, 'UsageReporting', 'CredentialId') });
    expect([...key.scopes].sort()).toEqual(['conversations', 'users']);
    const keySecret = await secretValue(output(out, 'UsageReporting', 'SecretArn'));
    expect(keySecret.json.apiKey).toMatch(new RegExp(`^dak_${key.credentialId}_[0-9A-Za-z]{49}$`));
    expect(key.secretHash).toBe(sha256(keySecret.json.apiKey));
  });

  test('a second plan shows no changes', async () => {
    const plan = await tf(['plan', '-detailed-exitcode'], [0, 2]);
    expect(plan.code).toBe(0);
  });

  test('a scopes change is an in-place update that leaves the secret untouched', async () => {
    const before = await outputs();
    const secretBefore = await secretValue(output(before, 'UsageReporting', 'SecretArn'));
    synth({ reportingScopes: [DataApiScope.CONVERSATIONS, DataApiScope.USERS, DataApiScope.INTERACTIONS] });

    const changes = await plannedChanges();
    // The secret's scopes tag (the binding the provider checks) is updated with it; its value is not.
    expect(changes).toEqual([
      [expect.stringMatching(/^aws_lambda_invocation\.UsageReporting_Provider_/), ['update']],
      [expect.stringMatching(/^aws_secretsmanager_secret\.UsageReporting_Secret_/), ['update']],
    ]);
    await tf(['apply', '-auto-approve', 'step.tfplan']);

    const record = (await records()).find((r) => r.name === 'Usage-Reporting')!;
    expect([...record.scopes].sort()).toEqual(['conversations', 'interactions', 'users']);
    expect(record.status).toBe('active');
    expect(record.credentialId).toBe(output(before, 'UsageReporting', 'CredentialId'));
    const secretAfter = await secretValue(output(before, 'UsageReporting', 'SecretArn'));
    expect(secretAfter.versionId).toBe(secretBefore.versionId);
    expect(secretAfter.text).toBe(secretBefore.text);
  });

  test('an auth type change is a replacement: the new credential is active, the old one revoked, the secret ARN kept', async () => {
    const before = await outputs();
    const oldId = output(before, 'UsageReporting', 'CredentialId');
    synth({ reportingScopes: [DataApiScope.CONVERSATIONS, DataApiScope.USERS, DataApiScope.INTERACTIONS], reportingAuthType: AuthType.OAUTH2 });

    const changes = new Map(await plannedChanges());
    const replaced = [...changes].filter(([, actions]) => actions.join() === 'create,delete').map(([address]) => address.split('.')[0]);
    expect(replaced.sort()).toEqual(['aws_lambda_invocation', 'terraform_data']);
    expect([...changes.keys()].every((address) => address.includes('UsageReporting'))).toBe(true);
    await tf(['apply', '-auto-approve', 'step.tfplan']);

    const after = await outputs();
    const newId = output(after, 'UsageReporting', 'CredentialId');
    expect(newId).not.toBe(oldId);
    expect(output(after, 'UsageReporting', 'SecretArn')).toBe(output(before, 'UsageReporting', 'SecretArn'));
    const all = await records();
    expect(all.find((r) => r.credentialId === oldId)).toMatchObject({ status: 'revoked', authType: 'api_key' });
    const current = all.find((r) => r.credentialId === newId)!;
    expect(current).toMatchObject({ status: 'active', authType: 'oauth2', name: 'Usage-Reporting' });
    const secret = await secretValue(output(after, 'UsageReporting', 'SecretArn'));
    expect(secret.json).toMatchObject({ authType: 'oauth2', clientId: output(after, 'UsageReporting', 'ClientId') });
    expect(current.secretHash).toBe(sha256(secret.json.clientSecret));
  });

  test('a credential removed from the code is revoked and its secret deleted', async () => {
    const before = await outputs();
    const id = output(before, 'UsageReporting', 'CredentialId');
    const secretArn = output(before, 'UsageReporting', 'SecretArn');
    synth({ withoutReporting: true });
    await tf(['apply', '-auto-approve']);

    const all = await records();
    expect(all.filter((r) => r.status === 'active').map((r) => r.name)).toEqual(['Analytics-DataAPI-Credential']);
    expect(all.find((r) => r.credentialId === id)?.status).toBe('revoked');
    await expect(secrets.send(new DescribeSecretCommand({ SecretId: secretArn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  test('no generated secret value appears in the state, a plan JSON, cdktf.out or the provider log', async () => {
    expect(seenSecrets.size).toBeGreaterThanOrEqual(6);
    const artefacts: Array<[string, string]> = [
      ['state', readFileSync(statePath, 'utf8')],
      ...planJsons.map((json, i): [string, string] => [`plan ${i + 1}`, json]),
      ...filesUnder(outdir).map((file): [string, string] => [file, readFileSync(file).toString('latin1')]),
      ['provider log', lambdaLog(output(await outputs(), 'Credentials', 'ProviderFunctionName'))],
    ];
    // The provider did log (one line per invocation), so an empty log cannot pass for a clean one.
    expect(artefacts[artefacts.length - 1][1]).toMatch(/"outcome":"created"/);
    expect(artefacts.length).toBeGreaterThan(5);
    const hits = artefacts.flatMap(([where, text]) => [...seenSecrets].filter((s) => text.includes(s)).map(() => where));
    expect(hits).toEqual([]);
  });

  test('destroy revokes, then removes the store: nothing is left', async () => {
    const before = await outputs();
    const table = output(before, 'Credentials', 'TableName');
    await tf(['destroy', '-auto-approve']);

    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { resources: unknown[] };
    expect(state.resources).toEqual([]);
    await expect(dynamodb.send(new DescribeTableCommand({ TableName: table }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      secrets.send(new DescribeSecretCommand({ SecretId: output(before, 'AnalyticsExport', 'SecretArn') })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
