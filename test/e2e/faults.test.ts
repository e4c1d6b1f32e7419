/**
 * Faults during apply: AWS calls of the provider fail, or its process dies, between the steps of
 * a create or an update. Whatever happened, the next apply converges: exactly one active record
 * per credential whose secret holds the value it hashes, no active record without its secret,
 * and a failed update leaves the previous state intact.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthType, DataApiCredential, DataApiScope } from '../../lib';
import { synthStack } from '../../examples/synth-stack';
import { terraform } from '../../local/terraform';
import { runCli } from '../support/cli';
import { addFault, clearFaults, faultRules } from '../support/faults';
import { localAwsEnv } from '../support/local-aws';
import { credentialsStack } from '../support/stacks';
import { credentialRecords, currentSecretValue, secretOfValue, sha256, StoredRecord } from '../support/store';

jest.setTimeout(240_000);

const STACK = 'e2e-faults';
const TABLE = `${STACK}-Credentials`;
const FUNCTION = `${TABLE}-provider`;
const PUT_SECRET = 'secretsmanager.PutSecretValue';
const PUT_ITEM = 'DynamoDB_20120810.PutItem';
const CREDENTIALS = ['SecretFails', 'SecretFailsAfterWrite', 'ActivationFails', 'CrashAfterRecord'] as const;
/** Text only this credential's calls carry: its secret ARN's name, up to the random suffix (`-AbCdEf`). */
const scopeOf = (name: string) => `${STACK}/${name}-`;

const env = localAwsEnv();
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-faults-'));
let cwd = '';

function synth(extraScopeFor?: string): void {
  cwd = synthStack(join(work, 'cdktf.out'), (app) =>
    credentialsStack(app, STACK, join(work, 'terraform.tfstate'), (stack, store) => {
      CREDENTIALS.forEach((name, i) => {
        const scopes: DataApiScope[] = [DataApiScope.USERS];
        if (name === extraScopeFor) scopes.push(DataApiScope.CONVERSATIONS);
        new DataApiCredential(stack, name, { store, name, authType: i % 2 ? AuthType.API_KEY : AuthType.OAUTH2, scopes });
      });
    }),
  );
}

/** `-target=` every resource of the stack except the credential invocations. */
function allButInvocations(): string[] {
  const config = JSON.parse(readFileSync(join(cwd, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, unknown>> };
  return Object.entries(config.resource)
    .filter(([type]) => type !== 'aws_lambda_invocation')
    .flatMap(([type, byId]) => Object.keys(byId).map((id) => `-target=${type}.${id}`));
}

const apply = (okCodes = [0]) => terraform(['apply', '-auto-approve', '-no-color'], { cwd, env, okCodes });

/** Every active record's secret holds the value it hashes; returns the records by name. */
async function checkInvariant(): Promise<Map<string, StoredRecord[]>> {
  const byName = new Map<string, StoredRecord[]>();
  for (const record of await credentialRecords(TABLE)) {
    byName.set(record.name, [...(byName.get(record.name) ?? []), record]);
    if (record.status === 'active') {
      const value = await currentSecretValue(record.secretArn);
      expect({ name: record.name, hashMatches: value !== undefined && sha256(secretOfValue(value)) === record.secretHash }).toEqual({
        name: record.name,
        hashMatches: true,
      });
    }
  }
  return byName;
}

afterAll(async () => {
  await clearFaults(STACK);
  if (cwd) await terraform(['destroy', '-auto-approve', '-no-color'], { cwd, env, okCodes: [0, 1] });
  rmSync(work, { recursive: true, force: true });
});

describe('faults during apply', () => {
  test('a create interrupted at any step leaves no active record without its secret', async () => {
    synth();
    await terraform(['init', '-no-color'], { cwd, env });
    // Everything but the invocations first: Terraform starts no new operation after an error, so
    // the four invocations must be ready together for each to meet its fault.
    await terraform(['apply', '-auto-approve', '-no-color', ...allButInvocations()], { cwd, env });
    await addFault({ target: PUT_SECRET, bodyContains: scopeOf('SecretFails'), action: 'fail' });
    await addFault({ target: PUT_SECRET, bodyContains: scopeOf('SecretFailsAfterWrite'), action: 'fail-after' });
    await addFault({ target: PUT_ITEM, bodyContains: scopeOf('ActivationFails'), action: 'fail', skip: 1 });
    await addFault({ target: PUT_ITEM, bodyContains: scopeOf('CrashAfterRecord'), action: 'crash-after', functionName: FUNCTION });

    const failed = await apply([1]);
    expect(failed.stderr).toMatch(/InjectedFault/);
    const hits = (await faultRules()).filter((rule) => rule.bodyContains.startsWith(STACK));
    expect(hits.map((rule) => rule.faulted)).toEqual([1, 1, 1, 1]);

    const byName = await checkInvariant();
    expect(CREDENTIALS.map((name) => byName.get(name)?.map((r) => r.status))).toEqual([
      ['pending'],
      ['pending'],
      ['pending'],
      ['pending'],
    ]);
    // The secret write that "failed" after it happened did happen; the one refused did not.
    const secretArnOf = (name: string) => byName.get(name)![0].secretArn;
    expect(await currentSecretValue(secretArnOf('SecretFails'))).toBeUndefined();
    expect(await currentSecretValue(secretArnOf('SecretFailsAfterWrite'))).toBeDefined();
  });

  test('the next apply converges: exactly one active record per credential, each with its secret', async () => {
    await clearFaults(STACK);
    await apply();
    const byName = await checkInvariant();
    expect(CREDENTIALS.map((name) => byName.get(name)?.map((r) => r.status))).toEqual([
      ['active'],
      ['active'],
      ['active'],
      ['active'],
    ]);
    const plan = await terraform(['plan', '-detailed-exitcode', '-no-color'], { cwd, env, okCodes: [0, 2] });
    expect(plan.code).toBe(0);
  });

  test('a failed update leaves the previous record and secret intact; Terraform then believes it applied', async () => {
    const [before] = (await checkInvariant()).get('SecretFails')!;
    const secretBefore = await currentSecretValue(before.secretArn);
    synth('SecretFails');
    await addFault({ target: PUT_ITEM, bodyContains: scopeOf('SecretFails'), action: 'fail' });
    const failed = await apply([1]);
    expect(failed.stderr).toMatch(/InjectedFault/);

    const [during] = (await checkInvariant()).get('SecretFails')!;
    expect(during).toEqual(before);
    expect(await currentSecretValue(before.secretArn)).toBe(secretBefore);

    // The AWS provider (SDKv2) saves the planned input of an update that failed, so the next plan
    // is empty although the store still holds the old scopes: a drift for `drift --repair` to
    // find and mend. This pins that behaviour, so a provider change that fixes it is noticed.
    await clearFaults(STACK);
    const plan = await terraform(['plan', '-detailed-exitcode', '-no-color'], { cwd, env, okCodes: [0, 2] });
    expect(plan.code).toBe(0);
    const [after] = (await checkInvariant()).get('SecretFails')!;
    expect(after).toEqual(before);
  });

  test('drift names the scopes a failed update left behind, and --repair converges without touching the secret', async () => {
    const [before] = (await checkInvariant()).get('SecretFails')!;
    const secretBefore = await currentSecretValue(before.secretArn);

    const found = await runCli(['drift', '--dir', cwd, '--json'], { cwd });
    expect(found.code).toBe(2);
    expect(found.stdout).toMatch(/SecretFails/);
    expect(found.stdout).toMatch(/conversations/);

    const repaired = await runCli(['drift', '--dir', cwd, '--repair'], { cwd });
    expect(repaired.code).toBe(0);
    const [after] = (await checkInvariant()).get('SecretFails')!;
    expect([...after.scopes].sort()).toEqual(['conversations', 'users']);
    expect(after.secretHash).toBe(before.secretHash);
    expect(await currentSecretValue(before.secretArn)).toBe(secretBefore);
    expect((await runCli(['drift', '--dir', cwd], { cwd })).code).toBe(0);
  });
});
