/**
 * The provider's read action (the opt-in plan-time drift check): it compares the declared input
 * with the record and the secret, writes nothing, and returns no secret.
 */
import { CredentialInput, EDITABLE_FIELD_NAMES, EDITABLE_FIELDS } from '../../../../handlers/contract/credential';
import { restoreDeclaredFields } from '../../../../handlers/lifecycle/operations';
import { ReadBatchResult, ReadResult } from '../../../../handlers/contract/drift';
import { runProviderEvent } from '../../../../handlers/credential-provider/flow';
import { READ_BATCH_CONCURRENCY } from '../../../../handlers/credential-provider/read';
import { parseProviderEvent } from '../../../../handlers/credential-provider/event';
import { ValidationError } from '../../../../handlers/errors';
import { credentialIdFor } from '../../../../handlers/secret-format';
import { Fixture, fixture, inputFor, SECRET_ARN } from '../../../support/fakes';

const INSTANCE_ID = '3c59dc04-8f14-4e45-a0e7-1d0d9f3b8a22';
const ADDRESS = 'terraform_data.Export_Instance_1A2B3C4D';

const inputOf = (overrides: Partial<CredentialInput> = {}): CredentialInput => inputFor(INSTANCE_ID, 'api_key', overrides);

async function created(): Promise<Fixture> {
  const f = fixture();
  f.secrets.declare(inputOf());
  await runProviderEvent({ ...inputOf(), tf: { action: 'create', prev_input: null } }, f.deps);
  return f;
}

/** A credential Terraform declared (its secret exists and is tagged) whose record was never written. */
function declaredWithoutRecord(f: Fixture, overrides: Partial<CredentialInput>): CredentialInput {
  const input = inputOf({ secretArn: SECRET_ARN.replace('-AbC123', '-never-XyZ789'), ...overrides });
  f.secrets.createSecret(input.secretArn);
  f.secrets.declare(input);
  return input;
}

async function read(f: Fixture, input = inputOf()): Promise<ReadResult> {
  const outcome = await runProviderEvent({ ...input, action: 'read', instanceAddress: ADDRESS }, f.deps);
  expect(outcome.action).toBe('read');
  return outcome.result as ReadResult;
}

describe('the read action', () => {
  test('an event with action "read" and no "tf" is a read; other fields are validated like an input', () => {
    expect(parseProviderEvent({ ...inputOf(), action: 'read' })).toMatchObject({ action: 'read' });
    expect(() => parseProviderEvent({ ...inputOf({ scopes: [] }), action: 'read' })).toThrow(ValidationError);
    expect(() => parseProviderEvent({ ...inputOf(), action: 'explode' })).toThrow(/drift check/);
  });

  test('a credential as declared is in sync, and the read writes nothing', async () => {
    const f = await created();
    const writes = f.table.writes.length;
    const puts = f.secrets.puts.length;

    const result = await read(f);

    expect(result).toEqual({
      credentialId: credentialIdFor(INSTANCE_ID),
      instanceId: INSTANCE_ID,
      name: 'Analytics-DataAPI-Credential',
      inSync: true,
      drift: [],
      message: 'in sync',
    });
    expect(f.table.writes).toHaveLength(writes);
    expect(f.secrets.puts).toHaveLength(puts);
  });

  test('a scope removed outside Terraform is drift that --repair can restore', async () => {
    const f = await created();
    const id = credentialIdFor(INSTANCE_ID);
    f.table.records.set(id, { ...f.table.records.get(id)!, scopes: ['users'] });

    const result = await read(f);

    expect(result.inSync).toBe(false);
    expect(result.drift).toEqual([expect.objectContaining({ field: 'scopes', fix: 'restore', actual: 'users' })]);
    expect(result.message).toMatch(/"Analytics-DataAPI-Credential": scopes missing conversations/);
    expect(result.message).toMatch(/drift --repair/);
  });

  test.each(EDITABLE_FIELD_NAMES.filter((field) => field !== 'name' && field !== 'scopes'))(
    '%s changed outside Terraform is drift that the repair writes back (every declared field of the contract table)',
    async (field) => {
      const f = await created();
      const id = credentialIdFor(INSTANCE_ID);
      const tampered = EDITABLE_FIELDS[field].attribute === 'N' ? 168 : 'written by hand';
      f.table.records.set(id, { ...f.table.records.get(id)!, [field]: tampered });

      const result = await read(f);

      expect(result.drift).toEqual([expect.objectContaining({ field, fix: 'restore', declared: '(none)', actual: String(tampered) })]);
      expect(result.message).toMatch(/drift --repair/);
      const repaired = await restoreDeclaredFields(f.deps, f.table.records.get(id)!, inputOf());
      expect(repaired[field]).toBeUndefined();
      expect((await read(f)).inSync).toBe(true);
    },
  );

  test('a missing record needs a replacement, and the message names the exact command', async () => {
    const f = await created();
    f.table.records.clear();

    const result = await read(f);

    expect(result.drift.map((d) => d.field)).toEqual(['record']);
    expect(result.message).toContain(`terraform apply -replace='${ADDRESS}'`);
  });

  test('a secret without a value, or with a value that is not the issued one, is drift; the value is never returned', async () => {
    const f = await created();
    const value = f.secrets.current(SECRET_ARN)!;

    const valueReads = f.secrets.valueReads;
    const inSync = await read(f);
    expect(inSync.inSync).toBe(true);
    // The current version is the provider's: its name shows the value, which is not read.
    expect(f.secrets.valueReads).toBe(valueReads);
    f.secrets.overwrite(SECRET_ARN, '{"authType":"api_key","apiKey":"something-else","credentialId":"x"}');
    const mismatch = await read(f);
    // A version written from elsewhere: the value is read and its hash compared.
    expect(f.secrets.valueReads).toBe(valueReads + 1);
    f.secrets.secrets.set(SECRET_ARN, { versions: new Map() });
    const noValue = await read(f);
    f.secrets.secrets.delete(SECRET_ARN);
    const missing = await read(f);

    expect([mismatch, noValue, missing].map((r) => r.drift.map((d) => d.actual))).toEqual([['mismatch'], ['no-value'], ['missing']]);
    const apiKey = JSON.parse(value).apiKey as string;
    expect(JSON.stringify([mismatch, noValue, missing])).not.toContain(apiKey);
  });

  test('a revoked record is drift that needs a replacement', async () => {
    const f = await created();
    await runProviderEvent({ ...inputOf(), tf: { action: 'delete', prev_input: null } }, f.deps);

    const result = await read(f);

    expect(result.drift).toEqual([expect.objectContaining({ field: 'status', actual: 'revoked', fix: 'replace' })]);
  });
});

describe('the batched read (one per store and plan)', () => {
  const OTHER_ID = '9b2e1f0a-7c3d-4e5f-8a9b-0c1d2e3f4a5b';

  test('reads every credential and lists the drifted ones under their keys; one bad entry rejects the whole batch', async () => {
    const f = await created();
    const missing = declaredWithoutRecord(f, { instanceId: OTHER_ID, name: 'Never-Created' });
    const event = {
      action: 'read',
      credentials: { Export_Provider_1A2B3C4D: { ...inputOf(), instanceAddress: ADDRESS }, Gone_Provider_5E6F7A8B: { ...missing, instanceAddress: ADDRESS } },
    };

    const outcome = await runProviderEvent(event, f.deps);

    const result = outcome.result as ReadBatchResult;
    expect(outcome.outcome).toBe('drifted');
    expect(result.inSync).toBe(false);
    expect(result.message).toBe('1 of 2 credentials drifted');
    expect(result.checked).toBe(2);
    // Only the drifted credential is listed, with the same result as its own read.
    expect(Object.keys(result.drifted)).toEqual(['Gone_Provider_5E6F7A8B']);
    expect(result.drifted.Gone_Provider_5E6F7A8B).toEqual(await read(f, missing));
    expect(result.drifted.Gone_Provider_5E6F7A8B.drift.map((d) => d.field)).toEqual(['record']);

    expect(() => parseProviderEvent({ ...event, credentials: { ...event.credentials, 'not an identifier': inputOf() } })).toThrow(
      /credentials.*"not an identifier".*Terraform identifiers/,
    );
    expect(() => parseProviderEvent({ action: 'read', credentials: { A: { ...inputOf(), scopes: ['nope'] } } })).toThrow(/credentials\.A\.scopes/);
    expect(() => parseProviderEvent({ action: 'read', credentials: [] })).toThrow(/credentials.*an array/);
  });

  test('a batch of many credentials is read a few at a time, and an empty one is in sync', async () => {
    const f = await created();
    let inFlight = 0;
    let most = 0;
    // The records come in one readMany; each credential's secret is then described, a few at a time.
    const describe = f.deps.secrets.readMetadata.bind(f.deps.secrets);
    f.deps.secrets.readMetadata = async (arn: string) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return describe(arn);
    };
    const valueReads = f.secrets.valueReads;
    const credentials = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`C${i}`, inputOf()]));

    const result = (await runProviderEvent({ action: 'read', credentials }, f.deps)).result as ReadBatchResult;

    expect(result).toEqual({ inSync: true, checked: 100, drifted: {}, message: 'in sync' });
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(READ_BATCH_CONCURRENCY);
    // The secret's current version is the one the provider wrote: no value was read.
    expect(f.secrets.valueReads).toBe(valueReads);
    expect(((await runProviderEvent({ action: 'read', credentials: {} }, f.deps)).result as ReadBatchResult).message).toBe('in sync');
  });
});

describe('the batched read with a table that reads many records at once (DynamoDB BatchGetItem)', () => {
  test('takes every record in one call, reads none one by one, and still finds the missing one', async () => {
    const f = await created();
    const batches = f.table.batches;
    f.deps.table.read = async () => {
      throw new Error('read one by one');
    };
    const credentials = { Created: inputOf(), Missing: declaredWithoutRecord(f, { instanceId: '9b2e1f0a-7c3d-4e5f-8a9b-0c1d2e3f4a5b', name: 'Never-Created' }) };

    const result = (await runProviderEvent({ action: 'read', credentials }, f.deps)).result as ReadBatchResult;

    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(2);
    expect(result).toMatchObject({ inSync: false, checked: 2 });
    expect(Object.keys(result.drifted)).toEqual(['Missing']);
    expect(result.drifted.Missing.drift).toEqual([expect.objectContaining({ field: 'record' })]);
  });
});

describe('the read action is bound to the declaration like a write', () => {
  test.each<[string, Partial<CredentialInput>]>([
    ['only the instance id is known (another name and scopes)', { name: 'guess', scopes: ['users'] }],
    ['every field but the grace period matches', { rotationGracePeriodHours: 1 }],
  ])('a crafted read where %s is refused and tells nothing of the record', async (_, guess) => {
    const f = await created();

    const attempt = runProviderEvent({ ...inputOf(guess), action: 'read' }, f.deps);

    await expect(attempt).rejects.toThrow(/not declared for this read: its declaration tag does not match.*nothing was read/);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).not.toMatch(/Analytics-DataAPI-Credential|conversations|active/);
  });

  test('a batch with one crafted entry is refused as a whole', async () => {
    const f = await created();
    const credentials = { Declared: inputOf(), Crafted: inputOf({ scopes: ['users'] }) };
    await expect(runProviderEvent({ action: 'read', credentials }, f.deps)).rejects.toThrow(/not declared for this read/);
  });
});

describe('the read action and the secret prefix', () => {
  test('a read of a secret outside the store prefix is refused before anything is read', async () => {
    const f = await created();
    const reads = f.table.reads;
    const outside = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/database-AbC123';
    await expect(runProviderEvent({ ...inputOf({ secretArn: outside }), action: 'read' }, f.deps)).rejects.toThrow(
      /Invalid input\.secretArn: got ".*prod\/database-AbC123"; allowed: a secret whose name starts with the credential store's prefix/,
    );
    expect(f.table.reads).toBe(reads);
  });
});
