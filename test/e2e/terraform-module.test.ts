/**
 * The Terraform module for plain HCL, end to end with the real `terraform` on the local AWS: the
 * HCL example (examples/terraform) as a user runs it, through create, a scopes change, a reorder,
 * an auth type change and a rotation with grace periods, the plan-time drift check, `review`,
 * `drift` and `list` on its plans and state, and destroy. The first apply also holds the same store
 * and credentials declared through the constructs (their synthesized JSON beside the HCL), so the
 * parity of resources, invocation inputs and provider records is checked on one applied state.
 * The steps build on each other and run in order; the changes come as a `*_override.tf.json`, which
 * replaces the module call's `credentials` as a user's edit would.
 */
import { DescribeTableCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataApiScope } from '../../lib';
import { terraform } from '../../local/terraform';
import { SECRET_TAGS, validateCredentialInput } from '../../handlers/contract/credential';
import { declarationDigest } from '../../handlers/lifecycle/secret-binding';
import { CliRun, runCli } from '../support/cli';
import { lambdaLog, localAwsEnv } from '../support/local-aws';
import { comparable, idOf, MODULE_ONLY, PARITY_PAIRS, PARITY_READER, PARITY_STORE, writeConstructsTwin } from '../support/module-parity';
import { credentialRecords, sha256, StoredRecord } from '../support/store';

jest.setTimeout(300_000);

const REPO = join(__dirname, '..', '..');
const MODULE = join(REPO, 'terraform');
const STORE = PARITY_STORE;
const PROVIDER = `${STORE}-provider`;
const READER = PARITY_READER;
const env = localAwsEnv();
const dynamodb = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-module-'));
const cwd = join(work, 'config');
const OVERRIDE = join(cwd, 'e2e_override.tf.json');
/** Every secret value seen: none may appear in the state, a plan, or anything printed. */
const seenSecrets = new Set<string>();
const artefacts: string[] = [];

interface Declared {
  name: string;
  auth_type?: string;
  scopes: string[];
  description?: string;
  rotation?: { trigger: string; grace_period_hours?: number };
  auth_type_change_grace_period_hours?: number;
  readers?: string[];
  drift_check?: boolean;
}

/** What examples/terraform/main.tf declares. */
const EXAMPLE: Record<string, Declared> = {
  analytics_export: {
    name: 'Analytics-DataAPI-Credential',
    auth_type: 'oauth2',
    scopes: ['all'],
    description: 'Nightly export of every Data API entity to the warehouse',
  },
  usage_reporting: { name: 'Usage-Reporting', auth_type: 'api_key', scopes: ['conversations', 'users'], readers: [READER] },
};

/** The module call's `credentials`, as the user's edit of main.tf would make them. */
function declare(credentials: Record<string, Declared>, store: Record<string, unknown> = {}): void {
  writeFileSync(OVERRIDE, JSON.stringify({ module: { credentials: { ...store, credentials } } }, null, 2));
}

const tf = async (args: string[], okCodes?: number[]) => {
  const result = await terraform([...args, '-no-color'], { cwd, env, okCodes });
  artefacts.push(result.stdout, result.stderr);
  return result;
};

async function cli(args: string[], stdin?: string): Promise<CliRun> {
  const result = await runCli(args, { cwd, stdin });
  artefacts.push(result.stdout, result.stderr);
  return result;
}

interface PlanJson {
  resource_changes: Array<{ address: string; type: string; change: { actions: string[] } }>;
}

/** Plans into step.tfplan; returns the plan JSON and `[address, actions]` of each change. */
async function plan(): Promise<{ json: string; changes: Array<[string, string[]]> }> {
  await tf(['plan', '-out=step.tfplan']);
  const json = (await terraform(['show', '-json', 'step.tfplan'], { cwd, env })).stdout;
  artefacts.push(json);
  const changes = (JSON.parse(json) as PlanJson).resource_changes
    .filter((rc) => !(rc.change.actions.length === 1 && ['no-op', 'read'].includes(rc.change.actions[0])))
    .map((rc): [string, string[]] => [rc.address, rc.change.actions]);
  return { json, changes };
}

interface CredentialOutput {
  credential_id: string;
  secret_arn: string;
  client_id: string | null;
  name: string;
  auth_type: string;
  scopes: string[];
}

async function outputs(): Promise<Record<string, CredentialOutput>> {
  return JSON.parse((await terraform(['output', '-json', 'credentials'], { cwd, env })).stdout);
}

async function secretOf(arn: string): Promise<{ json: Record<string, string>; versionId: string }> {
  const got = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  const json = JSON.parse(got.SecretString!) as Record<string, string>;
  seenSecrets.add(got.SecretString!);
  for (const field of ['apiKey', 'clientSecret']) if (json[field]) seenSecrets.add(json[field]);
  return { json, versionId: got.VersionId! };
}

const recordOf = async (credentialId: string, table = STORE) =>
  (await credentialRecords(table)).find((r) => r.credentialId === credentialId) as (StoredRecord & { retiresAt?: string }) | undefined;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === '.terraform') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

afterAll(async () => {
  if (existsSync(join(cwd, 'terraform.tfstate'))) {
    const state = JSON.parse(readFileSync(join(cwd, 'terraform.tfstate'), 'utf8')) as { resources: unknown[] };
    if (state.resources.length > 0) await tf(['destroy', '-auto-approve']).catch(() => undefined);
  }
  rmSync(work, { recursive: true, force: true });
});

describe('the Terraform module', () => {
  test('passes terraform fmt -check and terraform validate', async () => {
    const copy = join(work, 'module');
    cpSync(MODULE, copy, { recursive: true, filter: (src) => !/\.terraform/.test(src) });
    await terraform(['fmt', '-check', '-recursive', '-no-color', MODULE], { cwd: work, env });
    await terraform(['fmt', '-check', '-no-color', join(REPO, 'examples', 'terraform')], { cwd: work, env });
    await terraform(['init', '-backend=false', '-no-color'], { cwd: copy, env });
    const validate = await terraform(['validate', '-json', '-no-color'], { cwd: copy, env });
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  test('bad input fails at plan, naming the credential, the value and what is allowed; nothing is created', async () => {
    mkdirSync(cwd);
    const example = readFileSync(join(REPO, 'examples', 'terraform', 'main.tf'), 'utf8');
    writeFileSync(join(cwd, 'main.tf'), example.replace('source = "../../terraform"', `source = ${JSON.stringify(MODULE)}`));
    await tf(['init']);
    declare({
      billing: { name: 'Billing', scopes: ['conversations', 'billing'] },
      nothing: { name: 'Nothing', scopes: [] },
      basic: { name: 'Basic', auth_type: 'basic', scopes: ['users'] },
      twin_a: { name: 'Twin', scopes: ['users'] },
      twin_b: { name: ' Twin ', scopes: ['users'] },
    }, { provider_reserved_concurrency: 0 });

    const result = await tf(['plan'], [1]);

    const text = result.stderr.replace(/\s+/g, ' ');
    const allowed = 'allowed: one or more of "conversations", "interactions", "plugin-calls", "plugin-resources", "users"';
    expect(text).toContain(`Invalid scopes (credentials["billing"]): got ["billing"] (unknown scope); ${allowed}, or ["all"] alone`);
    expect(text).toContain(`Invalid scopes (credentials["nothing"]): got [] (empty); ${allowed}, or ["all"]`);
    expect(text).toContain('Invalid auth_type (credentials["basic"]): got "basic"; allowed: "api_key" or "oauth2"');
    expect(existsSync(join(cwd, 'terraform.tfstate'))).toBe(false);
    expect(text).toContain(`Invalid name (credentials["twin_b"]): got "Twin"; allowed: a name not used by another credential of this store; credentials["twin_a"] already has it`);
    expect(text).toContain(
      'Invalid provider_reserved_concurrency: got 0; allowed: a whole number from 1 to 10000 (AWS keeps 100 of the account\'s concurrency unreserved, ' +
        'so the account\'s quota must exceed the reservations by 100), or null for no reservation (accounts with a small quota; 0 would throttle every invocation).',
    );
    rmSync(OVERRIDE);
  });

  test('apply creates an OAuth 2.0 credential and an API key, each active, with its secret in Secrets Manager and only its hash in the store', async () => {
    // The same store and credentials through the constructs, as JSON beside the HCL.
    writeConstructsTwin(join(work, 'cdktf.out'), cwd, env.AWS_REGION);
    const { json } = await plan();
    const review = await cli(['review', '-'], json);
    expect(review.code).toBe(0);
    // The module's two and the constructs' twins.
    expect(review.stdout.split('\n')[0]).toMatch(/^\*\*Data API credentials: 4 to create\*\*/);
    await tf(['apply', 'step.tfplan']);

    const out = await outputs();
    const records = await credentialRecords(STORE);
    expect(records).toHaveLength(2);
    const oauth = records.find((r) => r.name === 'Analytics-DataAPI-Credential')!;
    expect(oauth).toMatchObject({ authType: 'oauth2', status: 'active', credentialId: out.analytics_export.credential_id });
    expect(oauth.scopes.sort()).toEqual([...DataApiScope.ALL]);
    const oauthSecret = await secretOf(out.analytics_export.secret_arn);
    expect(oauthSecret.json).toMatchObject({ authType: 'oauth2', clientId: out.analytics_export.client_id });
    expect(oauth.secretHash).toBe(sha256(oauthSecret.json.clientSecret));

    const key = records.find((r) => r.name === 'Usage-Reporting')!;
    expect(key).toMatchObject({ authType: 'api_key', status: 'active', credentialId: out.usage_reporting.credential_id });
    expect(out.usage_reporting.client_id).toBeNull();
    const keySecret = await secretOf(out.usage_reporting.secret_arn);
    expect(keySecret.json.apiKey).toMatch(new RegExp(`^dak_${key.credentialId}_[0-9A-Za-z]{49}$`));
    expect(key.secretHash).toBe(sha256(keySecret.json.apiKey));
  });

  test('parity: the module and the constructs apply the same resources, invocation inputs and records', async () => {
    const state = JSON.parse((await terraform(['show', '-json'], { cwd, env })).stdout);
    const twin = (state.values.root_module.resources as StateResource[]).filter((r) => r.mode === 'managed');
    const module = (state.values.root_module.child_modules as { address: string; resources: StateResource[] }[])
      .find((m) => m.address === 'module.credentials')!
      .resources.filter((r) => r.mode === 'managed');
    const pairs = PARITY_PAIRS;
    const find = (resources: StateResource[], id: string) => resources.find((r) => idOf(r) === id);
    expect(twin.map(idOf).sort()).toEqual(pairs.map(([id]) => id).sort());
    // The module's one addition: the declarations a review reads from plans.
    expect(module.map(idOf).sort()).toEqual([...pairs.map(([, id]) => id), ...MODULE_ONLY].sort());
    for (const [twinId, moduleId] of pairs) {
      const [a, b] = [find(twin, twinId), find(module, moduleId)];
      expect([twinId, a && comparable(a)]).toEqual([twinId, b && comparable(b)]);
    }
    // Both routes tag each secret with the digest the provider computes from its invocation's input
    // (its store and instance differ between the routes, so the values do too).
    for (const resources of [twin, module]) {
      const secretsByArn = new Map(resources.filter((r) => r.type === 'aws_secretsmanager_secret').map((r) => [r.values.arn as string, r.values.tags]));
      const invocations = resources.filter((r) => r.type === 'aws_lambda_invocation');
      expect(invocations).toHaveLength(2);
      for (const invocation of invocations) {
        const input = validateCredentialInput(JSON.parse(invocation.values.input));
        const tags = secretsByArn.get(input.secretArn)!;
        expect(tags[SECRET_TAGS.DECLARATION]).toBe(declarationDigest(tags[SECRET_TAGS.STORE], input));
      }
    }
    // The function runs the same bundle: cdktf's asset hash of the package's zip is the module's source_code_hash.
    expect(find(module, 'aws_lambda_function.provider')!.values.source_code_hash).toMatch(/^[0-9A-F]{32}$/);

    // Both providers wrote the same records (name, auth type, scopes, status) into their stores.
    const summary = (records: StoredRecord[]) => records.map((r) => [r.name, r.authType, [...r.scopes].sort(), r.status]).sort();
    expect(summary(await credentialRecords('parity-cdktf'))).toEqual(summary(await credentialRecords(STORE)));
  });

  test('removing the twin leaves the example converged: reordered scopes, or "all" spelled out, change nothing', async () => {
    rmSync(join(cwd, 'constructs-twin.tf.json'));
    rmSync(join(cwd, 'assets'), { recursive: true });
    await tf(['apply', '-auto-approve']);
    await expect(dynamodb.send(new DescribeTableCommand({ TableName: 'parity-cdktf' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    declare({
      analytics_export: { ...EXAMPLE.analytics_export, scopes: ['users', 'plugin-resources', 'plugin-calls', 'interactions', 'conversations'] },
      usage_reporting: { ...EXAMPLE.usage_reporting, scopes: ['users', 'conversations'] },
    });
    const result = await tf(['plan', '-detailed-exitcode'], [0, 2]);
    expect(result.code).toBe(0);
  });

  test('a scopes change is an in-place update of the invocation and of the secret\'s scopes tag; the secret\'s value is untouched', async () => {
    const out = await outputs();
    const secretBefore = await secretOf(out.usage_reporting.secret_arn);
    declare({ ...EXAMPLE, usage_reporting: { ...EXAMPLE.usage_reporting, scopes: ['users', 'interactions', 'conversations'] } });

    const { json, changes } = await plan();
    // The secret's scopes tag (the binding the provider checks) follows the declaration, before the invocation.
    expect(changes).toEqual([
      ['module.credentials.aws_lambda_invocation.credential["usage_reporting"]', ['update']],
      ['module.credentials.aws_secretsmanager_secret.credential["usage_reporting"]', ['update']],
      ['module.credentials.terraform_data.declarations', ['update']],
    ]);
    const review = await cli(['review', '-'], json);
    expect(review.stdout).toMatch(/^\*\*Data API credentials: 1 to update\*\* · store and other infrastructure: no changes/);
    expect(review.stdout).toContain('**Usage-Reporting** (API key): scopes added: interactions; scopes now conversations, interactions, users (3/5)');
    await tf(['apply', 'step.tfplan']);

    const record = (await recordOf(out.usage_reporting.credential_id))!;
    expect(record).toMatchObject({ status: 'active', name: 'Usage-Reporting' });
    expect([...record.scopes].sort()).toEqual(['conversations', 'interactions', 'users']);
    const secretAfter = await secretOf(out.usage_reporting.secret_arn);
    expect(secretAfter.versionId).toBe(secretBefore.versionId);
  });

  test('an auth type change and a rotation are create-before-destroy replacements; the old values keep working for their grace periods', async () => {
    const before = await outputs();
    declare({
      analytics_export: { ...EXAMPLE.analytics_export, rotation: { trigger: '2026-12', grace_period_hours: 48 } },
      usage_reporting: {
        ...EXAMPLE.usage_reporting,
        auth_type: 'oauth2',
        scopes: ['conversations', 'interactions', 'users'],
        auth_type_change_grace_period_hours: 1,
      },
    });

    const { json, changes } = await plan();
    const replaced = changes.filter(([, actions]) => actions.join() === 'create,delete').map(([address]) => address);
    expect(replaced.sort()).toEqual([
      'module.credentials.aws_lambda_invocation.credential["analytics_export"]',
      'module.credentials.aws_lambda_invocation.credential["usage_reporting"]',
      'module.credentials.terraform_data.instance["analytics_export"]',
      'module.credentials.terraform_data.instance["usage_reporting"]',
    ]);
    // Besides the declarations, only the secrets' declaration tags change, in place, and the new
    // OAuth 2.0 client of the auth type change is created; the rotated client is left alone.
    expect(changes.filter(([, actions]) => actions.join() !== 'create,delete')).toEqual([
      ['module.credentials.aws_secretsmanager_secret.credential["analytics_export"]', ['update']],
      ['module.credentials.aws_secretsmanager_secret.credential["usage_reporting"]', ['update']],
      ['module.credentials.terraform_data.client["usage_reporting"]', ['create']],
      ['module.credentials.terraform_data.declarations', ['update']],
    ]);
    const review = await cli(['review', '-', '--fail-on', 'replace'], json);
    expect(review.code).toBe(2);
    expect(review.stdout).toMatch(/^\*\*Data API credentials: 2 to replace\*\*/);
    expect(review.stdout).toContain('why: rotation: trigger set to "2026-12"');
    expect(review.stdout).toContain('the old value keeps working for 48 hours after the apply');
    expect(review.stdout).toContain('why: auth type API key → OAuth 2.0 (fixed at creation)');
    expect(review.stdout).toContain('the old credential keeps working for 1 hour after the apply');
    await tf(['apply', 'step.tfplan']);

    const after = await outputs();
    // A rotation keeps the OAuth 2.0 client id (issue 22); an auth type change makes a new client.
    expect(after.analytics_export.client_id).toBe(before.analytics_export.client_id);
    expect(after.usage_reporting.client_id).toBe(`dci_${after.usage_reporting.credential_id}`);
    for (const [key, hours, authType] of [['analytics_export', 48, 'oauth2'], ['usage_reporting', 1, 'api_key']] as const) {
      expect(after[key].secret_arn).toBe(before[key].secret_arn);
      expect(after[key].credential_id).not.toBe(before[key].credential_id);
      const old = (await recordOf(before[key].credential_id))!;
      expect(old).toMatchObject({ status: 'retiring', authType });
      const retiresIn = Date.parse(old.retiresAt!) - Date.now();
      expect(retiresIn).toBeGreaterThan((hours - 0.1) * 3600_000);
      expect(retiresIn).toBeLessThanOrEqual(hours * 3600_000);
      const current = (await recordOf(after[key].credential_id))!;
      const secret = await secretOf(after[key].secret_arn);
      expect(current).toMatchObject({ status: 'active', authType: 'oauth2', secretHash: sha256(secret.json.clientSecret) });
      expect(secret.json.clientId).toBe(after[key].client_id);
    }
  });

  test('drift behind Terraform\'s back: the opt-in plan check warns, drift exits 2 and --repair restores it, list shows the store', async () => {
    const out = await outputs();
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: STORE,
        Key: { pk: { S: `CRED#${out.usage_reporting.credential_id}` } },
        UpdateExpression: 'DELETE scopes :gone',
        ExpressionAttributeValues: { ':gone': { SS: ['interactions'] } },
      }),
    );
    const declared = {
      analytics_export: { ...EXAMPLE.analytics_export, rotation: { trigger: '2026-12', grace_period_hours: 48 } },
      usage_reporting: { ...EXAMPLE.usage_reporting, auth_type: 'oauth2', scopes: ['conversations', 'interactions', 'users'], auth_type_change_grace_period_hours: 1 },
    };
    declare({ ...declared, usage_reporting: { ...declared.usage_reporting, drift_check: true } });
    const checked = await plan();
    expect(checked.changes).toEqual([]);
    const warned = await cli(['review', '-'], checked.json);
    expect(warned.stdout).toContain('Drift found by the plan');
    expect(warned.stdout).toMatch(/Drift: "Usage-Reporting": scopes missing interactions/);
    declare(declared);

    const drift = await cli(['drift', '--dir', cwd]);
    expect(drift.stderr).toBe('');
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(/Usage-Reporting\s*│\s*drifted\s*│\s*scopes: -interactions/);
    expect(drift.stdout).toMatch(/Analytics-DataAPI-Credential\s*│\s*in-sync/);

    // Verified by reading back: exit 0 means the store now holds what is declared.
    const repair = await cli(['drift', '--repair', '--dir', cwd]);
    expect(repair.stdout).toMatch(/Usage-Reporting\s*│\s*repaired/);
    expect(repair.code).toBe(0);
    const record = (await recordOf(out.usage_reporting.credential_id))!;
    expect([...record.scopes].sort()).toEqual(['conversations', 'interactions', 'users']);

    const list = await cli(['list', '--dir', cwd]);
    expect(list.code).toBe(0);
    // The two credentials and, until their grace periods end, the two they replaced.
    expect(list.stdout).toContain(`Credentials in ${STORE} (${env.AWS_REGION}): 4`);
    expect(list.stdout).toMatch(/Usage-Reporting\s*│\s*OAuth 2.0\s*│\s*conversations, interactions, users \(3\/5\)\s*│\s*active/);
    expect(list.stdout).toMatch(/Usage-Reporting\s*│\s*API key\s*│[^│]*│\s*retiring/);
  });

  test('no generated secret value appears in the state, a plan, anything printed, the configuration or the provider log', () => {
    expect(seenSecrets.size).toBeGreaterThanOrEqual(8);
    const log = lambdaLog(PROVIDER);
    expect(log).toContain('"outcome":"retiring"');
    const texts = [...artefacts, log, ...filesUnder(cwd).map((file) => readFileSync(file).toString('latin1'))];
    expect([...seenSecrets].filter((secret) => texts.some((text) => text.includes(secret)))).toEqual([]);
  });

  test('destroy revokes every credential and deletes its secret; nothing is left', async () => {
    const before = await outputs();
    await tf(['destroy', '-auto-approve']);

    const state = JSON.parse(readFileSync(join(cwd, 'terraform.tfstate'), 'utf8')) as { resources: unknown[] };
    expect(state.resources).toEqual([]);
    await expect(dynamodb.send(new DescribeTableCommand({ TableName: STORE }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    for (const credential of Object.values(before)) {
      await expect(secrets.send(new DescribeSecretCommand({ SecretId: credential.secret_arn }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    }
    // The provider revoked each credential before its store went: its log says so, once per credential.
    expect(lambdaLog(PROVIDER).match(/"outcome":"revoked"/g)?.length).toBeGreaterThanOrEqual(2);
  });
});

interface StateResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: string | number;
  values: Record<string, any>;
}
