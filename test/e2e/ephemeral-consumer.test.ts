/**
 * Consumption without state, end to end with the real `terraform` on the local AWS: the module's
 * example (examples/terraform) produces an API key; a consumer in another configuration and another
 * directory (examples/consumer) opens the credential's secret with the ephemeral
 * `aws_secretsmanager_secret_version` and hands the key to the write-only `secret_string_wo` of a
 * secret of its own. The key must reach that secret (read back through the SDK) and appear in neither
 * the consumer's state nor its saved plan (`terraform show -json`, and the plan file's own entries),
 * nor anything terraform printed. A rotation of the producer changes `credential_id`, which makes the
 * consumer send the new key; without one, the consumer's plan is empty. The steps run in order.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import AdmZip from 'adm-zip';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terraform } from '../../local/terraform';
import { localAwsEnv } from '../support/local-aws';

jest.setTimeout(300_000);

const REPO = join(__dirname, '..', '..');
const env = localAwsEnv();
const secrets = new SecretsManagerClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-ephemeral-'));
const producer = join(work, 'producer');
const consumer = join(work, 'consumer');
const STORE = 'ephemeral-consumer';
const TARGET = 'usage-dashboard/data-api-key';
/** Every API key seen: none may appear in the consumer's state, plans, or anything printed. */
const seenKeys = new Set<string>();
const artefacts: string[] = [];

const tf = async (cwd: string, args: string[], okCodes?: number[]) => {
  const result = await terraform([...args, '-no-color'], { cwd, env, okCodes, timeoutMs: 240_000 });
  artefacts.push(result.stdout, result.stderr);
  return result;
};

interface CredentialOutput {
  credential_id: string;
  secret_arn: string;
}

async function producerOutput(): Promise<CredentialOutput> {
  const all = JSON.parse((await terraform(['output', '-json', 'credentials'], { cwd: producer, env })).stdout);
  return all.usage_reporting as CredentialOutput;
}

/** The producer's API key, as the provider wrote it into Secrets Manager. */
async function apiKeyOf(secretArn: string): Promise<string> {
  const got = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const key = (JSON.parse(got.SecretString!) as { apiKey: string }).apiKey;
  expect(key).toMatch(/^dak_[0-9a-f]{32}_[0-9A-Za-z]{49}$/);
  seenKeys.add(key);
  return key;
}

/** What the consumer's own secret holds now. */
async function targetValue(): Promise<string> {
  return (await secrets.send(new GetSecretValueCommand({ SecretId: TARGET }))).SecretString!;
}

/** The producer's example, with this store's name and the given usage_reporting rotation. */
function declareProducer(rotation?: { trigger: string }): void {
  const credentials = {
    analytics_export: { name: 'Analytics-DataAPI-Credential', auth_type: 'oauth2', scopes: ['all'], description: 'Nightly export of every Data API entity to the warehouse' },
    usage_reporting: {
      name: 'Usage-Reporting',
      auth_type: 'api_key',
      scopes: ['conversations', 'users'],
      readers: ['arn:aws:iam::123456789012:root'],
      ...(rotation ? { rotation } : {}),
    },
  };
  writeFileSync(join(producer, 'e2e_override.tf.json'), JSON.stringify({ module: { credentials: { name: STORE, credentials } } }, null, 2));
}

const consumerVars = (out: CredentialOutput) => ['-var', `region=${env.AWS_REGION}`, '-var', `secret_arn=${out.secret_arn}`, '-var', `credential_id=${out.credential_id}`];

interface PlanJson {
  resource_changes?: Array<{ address: string; change: { actions: string[] } }>;
}

/**
 * Plans the consumer into a saved plan and returns its JSON and the plan file's entries as text
 * (the saved plan is a zip: its entries are scanned unpacked, as well as through `show -json`).
 */
async function planConsumer(out: CredentialOutput): Promise<{ json: string; changes: Array<[string, string[]]>; entries: string[] }> {
  await tf(consumer, ['plan', '-out=consumer.tfplan', ...consumerVars(out)]);
  const json = (await terraform(['show', '-json', 'consumer.tfplan'], { cwd: consumer, env })).stdout;
  artefacts.push(json);
  const entries = new AdmZip(join(consumer, 'consumer.tfplan')).getEntries().map((entry) => entry.getData().toString('latin1'));
  artefacts.push(...entries);
  const changes = ((JSON.parse(json) as PlanJson).resource_changes ?? [])
    .filter((rc) => !(rc.change.actions.length === 1 && ['no-op', 'read'].includes(rc.change.actions[0])))
    .map((rc): [string, string[]] => [rc.address, rc.change.actions]);
  return { json, changes, entries };
}

function consumerState(): string {
  const state = readFileSync(join(consumer, 'terraform.tfstate'), 'utf8');
  artefacts.push(state);
  return state;
}

interface StateJson {
  resources: Array<{ type: string; mode: string; instances: Array<{ attributes: Record<string, unknown> }> }>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === '.terraform') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

afterAll(async () => {
  for (const dir of [consumer, producer]) {
    if (!existsSync(join(dir, 'terraform.tfstate'))) continue;
    const state = JSON.parse(readFileSync(join(dir, 'terraform.tfstate'), 'utf8')) as { resources: unknown[] };
    if (state.resources.length === 0) continue;
    // The consumer's destroy still opens the ephemeral secret: it needs the producer's real outputs.
    const out = dir === consumer ? await producerOutput().catch(() => undefined) : undefined;
    const vars = out ? consumerVars(out) : ['-var', `region=${env.AWS_REGION}`];
    await tf(dir, ['destroy', '-auto-approve', ...vars]).catch(() => undefined);
  }
  rmSync(work, { recursive: true, force: true });
});

describe('a consumer in another configuration, without the key in its state or plan', () => {
  test('the consumer example passes terraform fmt -check and terraform validate', async () => {
    mkdirSync(consumer, { recursive: true });
    writeFileSync(join(consumer, 'main.tf'), readFileSync(join(REPO, 'examples', 'consumer', 'main.tf')));
    await terraform(['fmt', '-check', '-no-color', join(REPO, 'examples', 'consumer')], { cwd: work, env });
    await tf(consumer, ['init']);
    const validate = await terraform(['validate', '-json', '-no-color'], { cwd: consumer, env });
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  test('the producer (the module example) applies an API key', async () => {
    mkdirSync(producer, { recursive: true });
    const example = readFileSync(join(REPO, 'examples', 'terraform', 'main.tf'), 'utf8');
    const moduleSource = `source = ${JSON.stringify(join(REPO, 'terraform'))}`;
    expect(example).toContain('source = "../../terraform"');
    writeFileSync(join(producer, 'main.tf'), example.replace('source = "../../terraform"', moduleSource));
    declareProducer();
    await tf(producer, ['init']);
    await tf(producer, ['apply', '-auto-approve', '-var', `region=${env.AWS_REGION}`]);
    const out = await producerOutput();
    expect(out.credential_id).toMatch(/^[0-9a-f]{32}$/);
    await apiKeyOf(out.secret_arn);
  });

  test('the consumer writes the key into its own secret; neither its saved plan nor its state holds it', async () => {
    const out = await producerOutput();
    const key = await apiKeyOf(out.secret_arn);

    const { json, changes, entries } = await planConsumer(out);
    expect(changes.sort()).toEqual([
      ['aws_secretsmanager_secret.dashboard', ['create']],
      ['aws_secretsmanager_secret_version.dashboard', ['create']],
    ]);
    // The ephemeral resource is neither planned nor changed (the configuration only names it as a
    // reference); the write-only argument is planned as null.
    const plan = JSON.parse(json) as { planned_values: { root_module: { resources: Array<{ address: string; values: Record<string, unknown> }> } } } & PlanJson;
    const addresses = [...plan.planned_values.root_module.resources, ...(plan.resource_changes ?? [])].map((r) => r.address);
    expect(addresses.filter((address) => address.startsWith('ephemeral.'))).toEqual([]);
    const planned = plan.planned_values.root_module.resources.find((r) => r.address === 'aws_secretsmanager_secret_version.dashboard')!;
    expect(planned.values.secret_string_wo ?? null).toBeNull();
    expect(planned.values.secret_string_wo_version).toBeGreaterThan(0);
    expect(json.includes(key) || entries.some((entry) => entry.includes(key))).toBe(false);

    await tf(consumer, ['apply', 'consumer.tfplan']);

    expect(await targetValue()).toBe(key);
    const state = consumerState();
    expect(state).not.toContain(key);
    const version = (JSON.parse(state) as StateJson).resources.find((r) => r.type === 'aws_secretsmanager_secret_version')!;
    expect(version.instances[0].attributes.secret_string_wo ?? null).toBeNull();
    expect(version.instances[0].attributes.secret_string ?? '').toBe('');
    // Nothing ephemeral is ever recorded in the state.
    expect((JSON.parse(state) as StateJson).resources.map((r) => r.mode)).not.toContain('ephemeral');
  });

  test('while the credential is not replaced, the consumer\'s plan is empty: the key is not re-sent', async () => {
    const out = await producerOutput();
    const result = await tf(consumer, ['plan', '-detailed-exitcode', ...consumerVars(out)], [0, 2]);
    expect(result.code).toBe(0);
  });

  test('after a rotation of the producer, the consumer sends the new key, again without saving it', async () => {
    const before = await producerOutput();
    const oldKey = await apiKeyOf(before.secret_arn);
    declareProducer({ trigger: '2026-12' });
    await tf(producer, ['apply', '-auto-approve', '-var', `region=${env.AWS_REGION}`]);
    const after = await producerOutput();
    expect(after.secret_arn).toBe(before.secret_arn);
    expect(after.credential_id).not.toBe(before.credential_id);
    const newKey = await apiKeyOf(after.secret_arn);
    expect(newKey).not.toBe(oldKey);
    // Until the consumer applies, its secret still holds the old key.
    expect(await targetValue()).toBe(oldKey);

    const { json, changes, entries } = await planConsumer(after);
    // Only the version resource changes: hashicorp/aws 5.100 replaces it when secret_string_wo_version changes.
    expect(changes).toEqual([['aws_secretsmanager_secret_version.dashboard', ['delete', 'create']]]);
    for (const key of [oldKey, newKey]) expect(json.includes(key) || entries.some((entry) => entry.includes(key))).toBe(false);
    await tf(consumer, ['apply', 'consumer.tfplan']);

    expect(await targetValue()).toBe(newKey);
    const state = consumerState();
    for (const key of [oldKey, newKey]) expect(state).not.toContain(key);
  });

  test('no API key appears in the consumer\'s files, its plans or state, or anything terraform printed', () => {
    expect(seenKeys.size).toBe(2);
    const texts = [...artefacts, ...filesUnder(consumer).map((file) => readFileSync(file).toString('latin1'))];
    expect([...seenKeys].filter((key) => texts.some((text) => text.includes(key)))).toEqual([]);
  });
});
