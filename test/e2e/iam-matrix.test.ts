/**
 * Every principal, every action, every resource: the IAM matrix (test/support/iam-matrix.ts) over a
 * stack real `terraform` applied to the local AWS, through both routes:
 * 1. the constructs: a store with an admin and a table reader, an API key with a reader, an OAuth 2.0
 *    client without, and the Data API gateway;
 * 2. the Terraform module with the same store, credentials and gateway.
 * Each state's policies (as Terraform resolved and applied them) are evaluated cell by cell and the
 * allowed cells compared with the declared table (test/support/access-table.ts); then the two routes'
 * allowed cells are compared with each other, so they are proven equal in effect.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthStack } from '../../examples/synth-stack';
import { AuthType, DataApiCredential, DataApiGateway, DataApiScope } from '../../lib';
import { terraform } from '../../local/terraform';
import { ACCESS_TABLE } from '../support/access-table';
import {
  actionsByResource,
  compareWithTable,
  describeCells,
  Inventory,
  inventoryFromState,
  MatrixResult,
  PrincipalArns,
  runMatrix,
  StateJson,
} from '../support/iam-matrix';
import { localAwsEnv } from '../support/local-aws';
import { credentialsStack } from '../support/stacks';

jest.setTimeout(600_000);

const ACCOUNT = '123456789012';
const PRINCIPALS: PrincipalArns = {
  developer: `arn:aws:iam::${ACCOUNT}:role/developer`,
  reader: `arn:aws:iam::${ACCOUNT}:role/warehouse-loader`,
  tableReader: `arn:aws:iam::${ACCOUNT}:role/drift-job`,
  consumer: `arn:aws:iam::${ACCOUNT}:role/consumer`,
  admin: `arn:aws:iam::${ACCOUNT}:role/platform-admin`,
};
const REPO = join(__dirname, '..', '..');
const env = localAwsEnv();
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-matrix-'));
const applied: string[] = [];

/** The applied state as Terraform shows it (kept in $DAC_MATRIX_STATE_DIR, when set, to study a failure). */
async function show(cwd: string, route: string): Promise<StateJson> {
  const text = (await terraform(['show', '-json'], { cwd, env })).stdout;
  if (process.env.DAC_MATRIX_STATE_DIR) writeFileSync(join(process.env.DAC_MATRIX_STATE_DIR, `${route}.json`), text);
  return JSON.parse(text) as StateJson;
}

/** The matrix of one route, checked against the table; the allowed cells, for the parity check. */
async function judge(route: string, inventory: Inventory): Promise<MatrixResult> {
  const result = await runMatrix(inventory);
  const comparison = compareWithTable(result, inventory, await actionsByResource(inventory), ACCESS_TABLE);
  console.log(
    `IAM matrix (${route}): ${result.principals} principals × ${result.actions} actions × ${result.resources} resources: ` +
      `${result.evaluations} evaluations, ${result.allowed.length} allowed, ` +
      `${comparison.undeclared.length} undeclared, ${comparison.deniedButDeclared.length} declared but denied, ${result.errors.length} errors`,
  );
  expect(result.errors).toEqual([]);
  expect(result.evaluations).toBeGreaterThan(1000);
  expect({ undeclared: describeCells(comparison.undeclared), deniedButDeclared: describeCells(comparison.deniedButDeclared) }).toEqual({
    undeclared: [],
    deniedButDeclared: [],
  });
  expect(comparison.unusedGrants.map((g) => g.why)).toEqual([]);
  return result;
}

const results: Record<string, MatrixResult> = {};

afterAll(async () => {
  for (const cwd of applied) await terraform(['destroy', '-auto-approve', '-no-color'], { cwd, env }).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('the IAM matrix: every principal × every action × every resource, against the declared table', () => {
  test('the constructs: a store, an API key with a reader, an OAuth 2.0 client without, a gateway', async () => {
    const stateFile = join(work, 'constructs.tfstate');
    const cwd = synthStack(join(work, 'cdktf.out'), (app) =>
      credentialsStack(
        app,
        'e2e-matrix',
        stateFile,
        (stack, store) => {
          new DataApiCredential(stack, 'Victim', { store, name: 'Victim-Key', authType: AuthType.API_KEY, scopes: [DataApiScope.USERS], readers: [PRINCIPALS.reader] });
          new DataApiCredential(stack, 'Other', { store, name: 'Other-Client', scopes: [DataApiScope.CONVERSATIONS] });
          new DataApiGateway(stack, 'DataApi', { store, backend: { url: 'http://127.0.0.1:9' } });
        },
        { admins: [PRINCIPALS.admin], tableReaders: [PRINCIPALS.tableReader] },
      ),
    );
    await terraform(['init', '-no-color'], { cwd, env });
    applied.push(cwd);
    await terraform(['apply', '-auto-approve', '-no-color'], { cwd, env });
    const state = await show(cwd, 'constructs');
    const secrets = secretArnsByName(state);
    const inventory = inventoryFromState(state, {
      principals: PRINCIPALS,
      secretClasses: { [secrets['data-api/credentials/e2e-matrix/Victim']]: 'secret with readers', [secrets['data-api/credentials/e2e-matrix/Other']]: 'secret without readers' },
      plantedSecretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:data-api/credentials/e2e-matrix/planted-AbCdEf`,
    });
    expect(inventory.guardrails.map((g) => g.name).sort()).toEqual([expect.stringMatching(/^Credentials_ProviderGuardrailPolicy/), expect.stringMatching(/^DataApi_GatewayGuardrailPolicy/)]);
    results.constructs = await judge('constructs', inventory);
  });

  test('the Terraform module: the same store, credentials and gateway', async () => {
    const cwd = join(work, 'module');
    mkdirSync(cwd);
    writeFileSync(
      join(cwd, 'main.tf.json'),
      JSON.stringify(
        {
          terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '~> 5.0' } } },
          provider: { aws: { region: 'us-east-1' } },
          module: {
            store: {
              source: join(REPO, 'terraform'),
              name: 'e2e-matrix-module',
              admins: [PRINCIPALS.admin],
              table_readers: [PRINCIPALS.tableReader],
              deletion_protection: false,
              secret_recovery_window_days: 0,
              log_retention_days: 1,
              credentials: {
                victim: { name: 'Victim-Key', auth_type: 'api_key', scopes: ['users'], readers: [PRINCIPALS.reader] },
                other: { name: 'Other-Client', scopes: ['conversations'] },
              },
              gateway: { backend: { url: 'http://127.0.0.1:9' } },
            },
          },
          output: {
            provider_guardrail_policy: { value: '${module.store.provider_guardrail_policy}' },
            gateway_guardrail_policy: { value: '${module.store.gateway_guardrail_policy}' },
          },
        },
        null,
        2,
      ),
    );
    await terraform(['init', '-no-color'], { cwd, env });
    applied.push(cwd);
    await terraform(['apply', '-auto-approve', '-no-color'], { cwd, env });
    const state = await show(cwd, 'module');
    const secrets = secretArnsByName(state);
    const inventory = inventoryFromState(state, {
      principals: PRINCIPALS,
      secretClasses: {
        [secrets['data-api/credentials/e2e-matrix-module/victim']]: 'secret with readers',
        [secrets['data-api/credentials/e2e-matrix-module/other']]: 'secret without readers',
      },
      plantedSecretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:data-api/credentials/e2e-matrix-module/planted-AbCdEf`,
    });
    expect(inventory.guardrails.map((g) => g.name).sort()).toEqual(['gateway_guardrail_policy', 'provider_guardrail_policy']);
    expect(inventory.principals.map((p) => p.class)).toEqual(expect.arrayContaining(['token function', 'records function']));
    results.module = await judge('module', inventory);
  });

  test('both routes allow exactly the same cells, the gateway\'s functions, roles and logs included', () => {
    const cells = (r: MatrixResult) => r.allowed.map((c) => `${c.principal} | ${c.resource} | ${c.action}`).sort();
    expect(cells(results.module)).toEqual(cells(results.constructs));
    expect(cells(results.module).filter((c) => /(token|records) (function|role|logs)/.test(c)).length).toBeGreaterThan(50);
    expect([results.module.principals, results.module.resources]).toEqual([results.constructs.principals, results.constructs.resources]);
  });
});

function secretArnsByName(state: StateJson): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (module: any): void => {
    for (const r of module?.resources ?? []) if (r.type === 'aws_secretsmanager_secret') found[r.values.name] = r.values.arn;
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk(state.values?.root_module);
  return found;
}
