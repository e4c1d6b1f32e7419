/**
 * Drift, end to end with the real `terraform` against the local AWS: credentials changed behind
 * Terraform's back (a scope removed, a record deleted, a secret value removed) show as plan
 * warnings (with the opt-in `driftCheck`) and in `data-api-credentials drift` (exit 2), which
 * repairs what it can and names the replacement for the rest; after that, exit 0. No secret value
 * appears in anything printed. The steps build on each other and run in order.
 */
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { App, TerraformStack } from 'cdktf';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDrift } from '../../cli/drift';
import { runList } from '../../cli/list';
import { CredentialRecord } from '../../handlers/lifecycle/credential-record';
import { marshalRecord, readCredentialRecord } from '../../handlers/store';
import { AuthType, DataApiCredential, DataApiScope } from '../../lib';
import { synthStack } from '../../examples/synth-stack';
import { terraform } from '../../local/terraform';
import { CliRun, runCli } from '../support/cli';
import { lambdaLog, localAwsEnv } from '../support/local-aws';
import { credentialsStack } from '../support/stacks';
import { flatOutputs, type RawOutputs } from '../../examples/stack-outputs';

jest.setTimeout(240_000);

const STACK = 'e2e-drift';
const env = localAwsEnv();
const dynamodb = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-drift-'));
const statePath = join(work, 'terraform.tfstate');
let cwd = '';
/** Everything the CLI and terraform printed: no secret value may be in it. */
const printed: string[] = [];
const secretValues = new Set<string>();

function build(app: App, pending = false): TerraformStack {
  return credentialsStack(
    app,
    STACK,
    statePath,
    (stack, store) => {
      new DataApiCredential(stack, 'Export', {
        store,
        name: 'Drift-Export',
        scopes: [DataApiScope.CONVERSATIONS, DataApiScope.INTERACTIONS, DataApiScope.USERS],
      });
      new DataApiCredential(stack, 'Reporting', { store, name: 'Drift-Reporting', authType: AuthType.API_KEY, scopes: [DataApiScope.USERS] });
      new DataApiCredential(stack, 'Audit', { store, name: 'Drift-Audit', authType: AuthType.API_KEY, scopes: DataApiScope.ALL });
      // A credential added in a pull request: a change pending, so the check's read waits for the apply.
      if (pending) new DataApiCredential(stack, 'Added', { store, name: 'Drift-Added', authType: AuthType.API_KEY, scopes: [DataApiScope.USERS] });
    },
    { driftCheck: true },
  );
}

const tf = async (args: string[], okCodes?: number[]) => {
  const result = await terraform([...args, '-no-color'], { cwd, env, okCodes });
  printed.push(result.stdout, result.stderr);
  return result;
};

/** Runs the real command and keeps what it printed for the leak check. */
async function cli(args: string[], stdin?: string): Promise<CliRun> {
  const result = await runCli(args, { cwd, stdin });
  printed.push(result.stdout, result.stderr);
  return result;
}

async function outputs(): Promise<Record<string, string>> {
  const raw = JSON.parse((await terraform(['output', '-json'], { cwd, env })).stdout) as RawOutputs;
  return flatOutputs(raw);
}

async function rememberSecret(secretArn: string): Promise<void> {
  const value = (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!;
  secretValues.add(value);
  const json = JSON.parse(value) as Record<string, string>;
  for (const field of ['apiKey', 'clientSecret']) if (json[field]) secretValues.add(json[field]);
}

let table = '';
let out: Record<string, string> = {};
/** A record written into the store by hand: no declaration names it. */
let handMade: CredentialRecord;

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('drift of credentials changed outside Terraform', () => {
  test('apply three credentials with the drift check; then change them behind Terraform', async () => {
    cwd = synthStack(join(work, 'cdktf.out'), build);
    await tf(['init']);
    await tf(['apply', '-auto-approve']);
    out = await outputs();
    table = out['Credentials.TableName'];
    for (const c of ['Export', 'Reporting', 'Audit']) await rememberSecret(out[`${c}.SecretArn`]);

    // A scope removed by hand, a record deleted, a secret's current value removed.
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: `CRED#${out['Export.CredentialId']}` } },
        UpdateExpression: 'DELETE scopes :gone',
        ExpressionAttributeValues: { ':gone': { SS: ['interactions'] } },
      }),
    );
    await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: `CRED#${out['Reporting.CredentialId']}` } } }));
    const audit = await secrets.send(new DescribeSecretCommand({ SecretId: out['Audit.SecretArn'] }));
    const current = Object.entries(audit.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))![0];
    await secrets.send(
      new UpdateSecretVersionStageCommand({ SecretId: out['Audit.SecretArn'], VersionStage: 'AWSCURRENT', RemoveFromVersionId: current }),
    );
  });

  test('terraform plan warns once for the store, naming each drifted credential and what drifted, from one read for the whole store; review lists the warning', async () => {
    const reads = () => lambdaLog(out['Credentials.ProviderFunctionName']).match(/"message":"handled","action":"read"/g)?.length ?? 0;
    const readsBefore = reads();
    const plan = await tf(['plan', '-out=drift.tfplan']);
    const text = plan.stdout + plan.stderr;
    expect(reads() - readsBefore).toBe(1);

    const warnings = text.split('Warning: Check block assertion failed').slice(1);
    expect(warnings).toHaveLength(1);
    expect(text).toMatch(/"Drift-Export": scopes missing interactions/);
    expect(text).toMatch(/"Drift-Reporting": the credential record is missing/);
    expect(text).toMatch(/"Drift-Audit": the secret (has no current value|does not exist)/);
    expect(text).toMatch(/terraform apply -replace='terraform_data\.Reporting_Instance_[0-9A-F]{8}'/);

    const planJson = (await terraform(['show', '-json', 'drift.tfplan'], { cwd, env })).stdout;
    const review = await cli(['review', '-'], planJson);
    expect(review.code).toBe(0);
    expect(review.stdout).toContain('Drift found by the plan');
    expect(review.stdout).toContain('Drift-Export');
  });

  test('while a credential has a change pending, the deferred check is one warning for the store, and nothing is read', async () => {
    const reads = () => lambdaLog(out['Credentials.ProviderFunctionName']).match(/"message":"handled","action":"read"/g)?.length ?? 0;
    const readsBefore = reads();
    cwd = synthStack(join(work, 'cdktf.out'), (app) => build(app, true));
    const plan = await tf(['plan', '-no-color']);
    cwd = synthStack(join(work, 'cdktf.out'), (app) => build(app));
    const text = plan.stdout + plan.stderr;

    expect(text).toMatch(/Plan: 3 to add, 0 to change, 0 to destroy/);
    expect(reads() - readsBefore).toBe(0);
    expect(text.match(/^\S*\s*Warning: /gm)).toHaveLength(1);
    expect(text).toMatch(/Warning: Check block assertion known after apply/);
  });

  test('drift exits 2 and names each credential, what drifted and the fix', async () => {
    const drift = await cli(['drift', '--dir', cwd]);

    expect(drift.stderr).toBe('');
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(/Drift-Export\s*│\s*drifted\s*│\s*scopes: -interactions \(now conversations, users\)/);
    expect(drift.stdout).toMatch(/Drift-Reporting\s*│\s*drifted\s*│\s*record missing from the store/);
    expect(drift.stdout).toMatch(/Drift-Audit\s*│\s*drifted\s*│\s*secret: no-value/);
    expect(drift.stdout).toMatch(/Drift-Reporting needs a new credential: terraform apply -replace='terraform_data\.Reporting_Instance_[0-9A-F]{8}'/);
  });

  test('drift --repair restores the scopes without touching the secret; replacements then bring it to exit 0', async () => {
    const before = await secrets.send(new GetSecretValueCommand({ SecretId: out['Export.SecretArn'] }));
    const repair = await cli(['drift', '--repair', '--dir', cwd]);
    expect(repair.code).toBe(2);
    expect(repair.stdout).toMatch(/Drift-Export\s*│\s*repaired/);
    const after = await secrets.send(new GetSecretValueCommand({ SecretId: out['Export.SecretArn'] }));
    expect(after.VersionId).toBe(before.VersionId);

    // The replacements, exactly as the report (--json, in-process) gives them.
    const chunks: string[] = [];
    expect(await runDrift({ dir: cwd, json: true }, (t) => chunks.push(t))).toBe(2);
    const report = JSON.parse(chunks.join('')) as { credentials: { name: string; fix?: { kind: string; command: string } }[] };
    const replacements = report.credentials.filter((c) => c.fix?.kind === 'replace');
    expect(replacements.map((c) => c.name).sort()).toEqual(['Drift-Audit', 'Drift-Reporting']);
    const targets = replacements.map((c) => /-replace='([^']+)'/.exec(c.fix!.command)![1]);
    await tf(['apply', '-auto-approve', ...targets.map((t) => `-replace=${t}`)]);
    out = await outputs();
    for (const c of ['Reporting', 'Audit']) await rememberSecret(out[`${c}.SecretArn`]);

    const clean = await cli(['drift', '--dir', cwd]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('In sync.');
    expect(clean.stdout.match(/in-sync/g)).toHaveLength(3);

    // The plan's checks pass again; as documented, the check's read still makes -detailed-exitcode 2.
    const plan = await tf(['plan', '-detailed-exitcode'], [0, 2]);
    expect(plan.stdout + plan.stderr).not.toContain('Check block assertion failed');
    expect(plan.stdout).toMatch(/no changes|0 to add, 0 to change, 0 to destroy/i);
    expect(plan.code).toBe(2);
  });

  test('list shows the Credentials tab: names, auth types, scopes n/5, status, dates', async () => {
    const list = await cli(['list', '--dir', cwd]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/Drift-Audit\s*│\s*API key\s*│\s*conversations, interactions, plugin-calls, plugin-resources, users \(5\/5\)\s*│\s*active/);
    expect(list.stdout).toMatch(/Drift-Export\s*│\s*OAuth 2.0\s*│\s*conversations, interactions, users \(3\/5\)/);

    const chunks: string[] = [];
    await runList({ table, region: env.AWS_REGION, json: true, all: true }, (t) => chunks.push(t));
    const listed = JSON.parse(chunks.join('')) as { credentials: { name: string; status: string }[] };
    expect(listed.credentials.filter((c) => c.status === 'revoked').map((c) => c.name).sort()).toEqual(['Drift-Audit']);
    printed.push(...chunks);
  });

  test('a record written by hand into the store is undeclared: drift exits 2 and names it in one line; --repair leaves it alone; list --unused-since lists it', async () => {
    const created = new Date(Date.now() - 60 * 86400 * 1000).toISOString();
    handMade = {
      credentialId: randomBytes(16).toString('hex'),
      instanceId: 'made-by-hand-0001',
      name: 'Hand-Made',
      authType: 'api_key',
      scopes: ['users'],
      secretArn: out['Export.SecretArn'],
      secretHash: 'b'.repeat(64),
      status: 'active',
      createdAt: created,
      updatedAt: created,
      version: 1,
    };
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: marshalRecord(handMade) }));

    const drift = await cli(['drift', '--dir', cwd]);
    expect(drift.stderr).toBe('');
    expect(drift.code).toBe(2);
    expect(drift.stdout.match(/in-sync/g)).toHaveLength(3);
    expect(drift.stdout).toContain('1 undeclared credential in the store');
    expect(drift.stdout).toContain(`${handMade.credentialId}  "Hand-Made"  API key  scopes users (1/5)  active  created ${created.slice(0, 16).replace('T', ' ')}  last used never`);
    expect(drift.stdout).toContain('--also-declared-in');

    const chunks: string[] = [];
    expect(await runDrift({ dir: cwd, json: true }, (t) => chunks.push(t))).toBe(2);
    const report = JSON.parse(chunks.join('')) as { inSync: boolean; undeclared: { credentialId: string; name: string }[]; note?: string };
    expect(report.undeclared.map((c) => [c.credentialId, c.name])).toEqual([[handMade.credentialId, 'Hand-Made']]);
    expect(report.note).toMatch(/another stack/);

    const repair = await cli(['drift', '--repair', '--dir', cwd]);
    expect(repair.code).toBe(2);
    expect(await readCredentialRecord(dynamodb, table, handMade.credentialId)).toEqual(handMade);

    for (const since of ['30d', '12h']) {
      const unused = await cli(['list', '--dir', cwd, '--unused-since', since]);
      expect(unused.code).toBe(0);
      expect(unused.stdout).toMatch(/Hand-Made\s*│\s*API key[\s\S]*never/);
      // The stack's credentials were made minutes ago: not unused for 12 hours yet.
      expect(unused.stdout).not.toContain('Drift-Export');
      expect(unused.stdout).toMatch(new RegExp(`not used since .* \\(${since}\\): 1\n`));
    }
    expect((await cli(['list', '--dir', cwd, '--unused-since', '1w'])).code).toBe(1);
  });

  test('revoke-undeclared refuses without a terminal; with --yes it revokes the record (the secret untouched) and drift is back to 0', async () => {
    const refused = await cli(['revoke-undeclared', '--dir', cwd]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: refusing to revoke 1 undeclared credential .*--yes/);
    expect((await readCredentialRecord(dynamodb, table, handMade.credentialId))?.status).toBe('active');

    const before = await secrets.send(new GetSecretValueCommand({ SecretId: out['Export.SecretArn'] }));
    const revoke = await cli(['revoke-undeclared', '--dir', cwd, '--yes']);
    expect(revoke.stderr).toBe('');
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toMatch(new RegExp(`revoked ${handMade.credentialId} "Hand-Made" at \\d{4}-`));
    expect(revoke.stdout).toContain('Revoked 1 of 1');
    const after = await readCredentialRecord(dynamodb, table, handMade.credentialId);
    expect(after).toMatchObject({ status: 'revoked', version: 2, secretHash: handMade.secretHash });
    expect(after?.revokedAt).toBeDefined();
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: out['Export.SecretArn'] }))).VersionId).toBe(before.VersionId);

    const clean = await cli(['drift', '--dir', cwd]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('In sync.');
    expect((await cli(['revoke-undeclared', '--dir', cwd])).stdout).toContain('nothing to revoke');
  });

  test('a command pointed at nothing says so in one line and exits 1', async () => {
    const result = await cli(['list', '--dir', work]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: Invalid --dir: .*stack directory/)]);
  });

  test('destroy works with the drift check on: nothing is left in the state', async () => {
    printed.push(readFileSync(statePath, 'utf8')); // the state as it was, for the leak check below
    await tf(['destroy', '-auto-approve']);
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { resources: unknown[] };
    expect(state.resources).toEqual([]);
  });

  test('no secret value appears in anything printed or in the state', () => {
    expect(secretValues.size).toBeGreaterThanOrEqual(10);
    const texts = printed;
    const leaks = [...secretValues].filter((secret) => texts.some((text) => text.includes(secret)));
    expect(leaks).toEqual([]);
  });
});
