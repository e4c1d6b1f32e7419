import { CredentialInput, CredentialResult } from '../../../../handlers/contract/credential';
import { runProviderEvent } from '../../../../handlers/credential-provider/flow';
import { LifecycleDeps } from '../../../../handlers/lifecycle/operations';
import { assertSecretWithinPrefix, secretNameOfArn, secretVersionToken } from '../../../../handlers/lifecycle/secret-binding';
import { ConflictError, NotFoundError, ValidationError } from '../../../../handlers/errors';
import { API_KEY_PATTERN, CLIENT_SECRET_PATTERN, credentialIdFor, hashSecret, keyedHashSecret, parseSecretValue, secretOf, clientIdFor, clientLookupHash } from '../../../../handlers/secret-format';
import { StaleRecordError } from '../../../../handlers/errors';
import { CredentialRecord } from '../../../../handlers/lifecycle/credential-record';
import { fixture, Fixture, InMemorySecretStore, inputFor, PREFIX, SECRET_ARN } from '../../../support/fakes';

const INSTANCE_ID = '8f14e45f-ceea-467f-a0e7-1d0d9f3b8a11';
const CREDENTIAL_ID = credentialIdFor(INSTANCE_ID);

const inputOf = (overrides: Partial<CredentialInput> = {}): CredentialInput => inputFor(INSTANCE_ID, 'oauth2', overrides);

/** As Terraform: the secret's tags declare the input (unless adopted), then the provider runs. */
function declared(deps: LifecycleDeps, input: CredentialInput): void {
  if (input.adopt !== true && deps.secrets instanceof InMemorySecretStore && deps.secrets.secrets.has(input.secretArn)) deps.secrets.declare(input);
}
const create = (deps: LifecycleDeps, input = inputOf()) => {
  declared(deps, input);
  return runProviderEvent({ ...input, tf: { action: 'create', prev_input: null } }, deps);
};
const update = (deps: LifecycleDeps, input: CredentialInput, previous: CredentialInput = inputOf()) => {
  declared(deps, input);
  return runProviderEvent({ ...input, tf: { action: 'update', prev_input: previous } }, deps);
};
const remove = (deps: LifecycleDeps, input = inputOf()) =>
  runProviderEvent({ ...input, tf: { action: 'delete', prev_input: null } }, deps);

/** The secret part of the current secret value (API key or client secret). */
function currentSecret(f: Fixture): string {
  const text = f.secrets.current(SECRET_ARN);
  const value = text === undefined ? undefined : parseSecretValue(text);
  if (value === undefined) throw new Error('the secret has no valid value');
  return secretOf(value);
}

function record(f: Fixture, credentialId = CREDENTIAL_ID): CredentialRecord {
  const stored = f.table.records.get(credentialId);
  if (stored === undefined) throw new Error(`no record ${credentialId}`);
  return stored;
}

/** The invariant of the whole design: an active record's hash is the hash of its secret's current value. */
function expectConsistent(f: Fixture): void {
  expect(record(f).status).toBe('active');
  expect(hashSecret(currentSecret(f))).toBe(record(f).secretHash);
}

describe('create', () => {
  it('an API key: generated into the secret, hashed into an active record, absent from the result', async () => {
    const f = fixture();
    const { result, outcome } = await create(f.deps, inputOf({ authType: 'api_key' }));

    const secret = JSON.parse(f.secrets.current(SECRET_ARN) ?? '');
    expect(secret).toEqual({ authType: 'api_key', apiKey: expect.stringMatching(API_KEY_PATTERN), credentialId: CREDENTIAL_ID });
    expect(secret.apiKey.slice(4, 36)).toBe(CREDENTIAL_ID);
    expect(record(f)).toEqual({
      credentialId: CREDENTIAL_ID,
      instanceId: INSTANCE_ID,
      name: 'Analytics-DataAPI-Credential',
      authType: 'api_key',
      scopes: ['conversations', 'users'],
      secretArn: SECRET_ARN,
      secretHash: hashSecret(secret.apiKey),
      status: 'active',
      createdAt: '2026-11-01T10:00:00.000Z',
      updatedAt: '2026-11-01T10:00:01.000Z',
      version: 2,
    });
    expect(outcome).toBe('created');
    expect(result).toEqual<CredentialResult>({
      credentialId: CREDENTIAL_ID,
      status: 'active',
      createdAt: '2026-11-01T10:00:00.000Z',
      updatedAt: '2026-11-01T10:00:01.000Z',
    });
    expect(JSON.stringify(result)).not.toContain(secret.apiKey);
    // Terraform keeps the invocation's input beside its result: the result repeats none of it.
    for (const field of ['instanceId', 'name', 'authType', 'scopes', 'secretArn']) expect(result).not.toHaveProperty(field);
    expect(JSON.stringify(f.table.writes)).not.toContain(secret.apiKey);
  });

  it('an OAuth 2.0 client: client id dci_<credentialId> in record and result, client secret only in the secret', async () => {
    const f = fixture();
    const { result } = await create(f.deps);

    const secret = JSON.parse(f.secrets.current(SECRET_ARN) ?? '');
    expect(secret).toEqual({
      authType: 'oauth2',
      clientId: `dci_${CREDENTIAL_ID}`,
      clientSecret: expect.stringMatching(CLIENT_SECRET_PATTERN),
      credentialId: CREDENTIAL_ID,
    });
    expect(record(f)).toMatchObject({ clientId: `dci_${CREDENTIAL_ID}`, secretHash: hashSecret(secret.clientSecret) });
    expect(result).toMatchObject({ clientId: `dci_${CREDENTIAL_ID}`, status: 'active' });
    expect(JSON.stringify(result)).not.toContain(secret.clientSecret);
    expect(JSON.stringify(f.table.writes)).not.toContain(secret.clientSecret);
  });

  it('goes pending, then writes the secret with a token from instance id and hash, then active', async () => {
    const f = fixture();
    await create(f.deps);
    expect(f.table.writes.map((w) => [w.record.status, w.condition])).toEqual([
      ['pending', { kind: 'absent' }],
      ['active', { kind: 'version', version: 1, instanceId: INSTANCE_ID }],
    ]);
    expect(f.secrets.puts).toHaveLength(1);
    expect(f.secrets.puts[0].token).toBe(secretVersionToken(INSTANCE_ID, record(f).secretHash));
  });

  it('is idempotent: a repeated create returns the same result and writes no new secret', async () => {
    const f = fixture();
    const first = await create(f.deps);
    const writes = f.table.writes.length;
    const second = await create(f.deps);

    expect(second.result).toEqual(first.result);
    expect(second.outcome).toBe('resumed');
    expect(f.table.writes).toHaveLength(writes);
    expect(f.secrets.versionCount(SECRET_ARN)).toBe(1);
    expectConsistent(f);
  });

  it('a repeated create with a new name or scopes applies them, still without a new secret', async () => {
    const f = fixture();
    await create(f.deps);
    const secretBefore = f.secrets.current(SECRET_ARN);
    const { result } = await create(f.deps, inputOf({ name: 'Renamed', scopes: ['users'] }));
    expect(result).toMatchObject({ status: 'active' });
    expect(record(f)).toMatchObject({ name: 'Renamed', scopes: ['users'] });
    expect(f.secrets.current(SECRET_ARN)).toBe(secretBefore);
  });

  it('converges after a crash between the record write and the secret write', async () => {
    const f = fixture();
    f.secrets.crashOnWrite = 'before';
    await expect(create(f.deps)).rejects.toThrow(/simulated crash/);
    expect(record(f).status).toBe('pending');
    expect(f.secrets.current(SECRET_ARN)).toBeUndefined();

    const { result } = await create(f.deps);
    expect(result).toMatchObject({ status: 'active' });
    expectConsistent(f);
    expect(f.secrets.versionCount(SECRET_ARN)).toBe(1);
    expect(record(f).createdAt).toBe('2026-11-01T10:00:00.000Z');
  });

  it('converges after a crash between the secret write and the activation, keeping that secret', async () => {
    const f = fixture();
    f.secrets.crashOnWrite = 'after';
    await expect(create(f.deps)).rejects.toThrow(/simulated crash/);
    expect(record(f).status).toBe('pending');
    const written = currentSecret(f);

    const { outcome } = await create(f.deps);
    expect(outcome).toBe('resumed');
    expect(currentSecret(f)).toBe(written);
    expectConsistent(f);
  });

  it('replaces a secret value changed outside the provider, so the record and the secret agree again', async () => {
    const f = fixture();
    await create(f.deps);
    f.secrets.overwrite(SECRET_ARN, '{"authType":"oauth2","clientId":"x","clientSecret":"pasted","credentialId":"y"}');
    const { outcome } = await create(f.deps);
    expect(outcome).toBe('created');
    expectConsistent(f);
  });

  it('keeps a recorded client id when it generates a new secret', async () => {
    const f = fixture();
    f.table.records.set(CREDENTIAL_ID, {
      credentialId: CREDENTIAL_ID,
      instanceId: INSTANCE_ID,
      name: 'Adopted',
      authType: 'oauth2',
      scopes: ['users'],
      secretArn: SECRET_ARN,
      secretHash: hashSecret('lost'),
      clientId: 'legacy-client-id',
      status: 'pending',
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      version: 7,
    });
    const { result } = await create(f.deps);
    expect(result).toMatchObject({ clientId: 'legacy-client-id', createdAt: '2025-01-01T00:00:00.000Z' });
    expect(JSON.parse(f.secrets.current(SECRET_ARN) ?? '').clientId).toBe('legacy-client-id');
    expect(record(f).version).toBe(9);
  });

  it('never revives a revoked credential', async () => {
    const f = fixture();
    await create(f.deps);
    await remove(f.deps);
    const writes = f.table.writes.length;
    await expect(create(f.deps)).rejects.toThrow(ConflictError);
    await expect(create(f.deps)).rejects.toThrow(/revoked .* never revived/);
    expect(f.table.writes).toHaveLength(writes);
  });

  it('refuses to change the auth type of an existing record', async () => {
    const f = fixture();
    await create(f.deps);
    await expect(create(f.deps, inputOf({ authType: 'api_key' }))).rejects.toThrow(/auth type .* fixed at creation/);
  });

  it('refuses a secret outside the configured prefix before reading or writing anything', async () => {
    const f = fixture();
    const outside = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/database-AbC123';
    f.secrets.createSecret(outside);
    await expect(create(f.deps, inputOf({ secretArn: outside }))).rejects.toThrow(ValidationError);
    await expect(create(f.deps, inputOf({ secretArn: outside }))).rejects.toThrow(/input\.secretArn.*"data-api-credentials\/"/);
    expect(f.table.reads).toBe(0);
    expect(f.secrets.current(outside)).toBeUndefined();
  });

  it('fails with NotFoundError and writes nothing when the secret does not exist', async () => {
    const f = fixture();
    const missing = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${PREFIX}missing-AbC123`;
    await expect(create(f.deps, inputOf({ secretArn: missing }))).rejects.toThrow(NotFoundError);
    expect(f.table.writes).toHaveLength(0);
  });

  it('loses a race cleanly: a record that appeared since the read is not overwritten', async () => {
    const f = fixture();
    const competitor = fixture();
    await create(competitor.deps);
    f.table.beforeWrite = () => {
      f.table.beforeWrite = undefined;
      f.table.records.set(CREDENTIAL_ID, record(competitor));
    };
    const failure = await create(f.deps).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StaleRecordError);
    expect(failure).toBeInstanceOf(ConflictError);
    expect((failure as Error).message).toMatch(/changed by another request .* Run the apply again/);
    expect(record(f)).toEqual(record(competitor));
    expect(f.secrets.puts).toHaveLength(0);
  });
});

describe('update', () => {
  it('changes name, description and scopes in place, and leaves the secret alone', async () => {
    const f = fixture();
    await create(f.deps);
    const secretBefore = f.secrets.current(SECRET_ARN);
    const puts = f.secrets.puts.length;

    const { result, outcome } = await update(
      f.deps,
      inputOf({ name: 'Renamed', scopes: ['interactions', 'plugin-calls'], description: 'for the BI export' }),
    );
    expect(outcome).toBe('updated');
    expect(result).toMatchObject({ status: 'active' });
    expect(record(f)).toMatchObject({ name: 'Renamed', scopes: ['interactions', 'plugin-calls'], description: 'for the BI export', version: 3 });
    expect(f.secrets.current(SECRET_ARN)).toBe(secretBefore);
    expect(f.secrets.puts).toHaveLength(puts);
    expectConsistent(f);

    await update(f.deps, inputOf({ name: 'Renamed', scopes: ['users'] }));
    expect(record(f).description).toBeUndefined();
  });

  it('writes nothing when nothing changed', async () => {
    const f = fixture();
    const created = await create(f.deps);
    const writes = f.table.writes.length;
    const { result, outcome } = await update(f.deps, inputOf());
    expect(outcome).toBe('unchanged');
    expect(result).toEqual(created.result);
    expect(f.table.writes).toHaveLength(writes);
  });

  it('refuses an auth type change from the previous input, before touching anything', async () => {
    const f = fixture();
    await create(f.deps);
    const reads = f.table.reads;
    const writes = f.table.writes.length;
    const change = update(f.deps, inputOf({ authType: 'api_key' }), inputOf({ authType: 'oauth2' }));
    await expect(change).rejects.toThrow(ConflictError);
    await expect(update(f.deps, inputOf({ authType: 'api_key' }))).rejects.toThrow(
      /auth type of credential \w+ is oauth2 and cannot change to api_key.*Change `authType` in the DataApiCredential construct/,
    );
    expect(f.table.reads).toBe(reads);
    expect(f.table.writes).toHaveLength(writes);
  });

  it('refuses an auth type change against the record even when the previous input agrees', async () => {
    const f = fixture();
    await create(f.deps);
    const next = inputOf({ authType: 'api_key' });
    await expect(update(f.deps, next, next)).rejects.toThrow(/fixed at creation/);
  });

  it('refuses a new instance id: that is a replacement, not an update', async () => {
    const f = fixture();
    await create(f.deps);
    const next = inputOf({ instanceId: '11111111-2222-3333-4444-555555555555' });
    await expect(update(f.deps, next)).rejects.toThrow(/must be a replacement/);
  });

  it('refuses to move the credential to another secret', async () => {
    const f = fixture();
    await create(f.deps);
    const other = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${PREFIX}other-XyZ789`;
    await expect(update(f.deps, inputOf({ secretArn: other }), inputOf({ secretArn: other }))).rejects.toThrow(
      /cannot move to .* in place/,
    );
  });

  it('tells the user to recreate a credential whose record is missing', async () => {
    const f = fixture();
    await expect(update(f.deps, inputOf())).rejects.toThrow(NotFoundError);
    await expect(update(f.deps, inputOf())).rejects.toThrow(/does not exist .* terraform apply -replace=/);
  });

  it('refuses to update a revoked credential', async () => {
    const f = fixture();
    await create(f.deps);
    await remove(f.deps);
    await expect(update(f.deps, inputOf({ name: 'x' }))).rejects.toThrow(/was revoked .* cannot be updated/);
  });

  it('re-reads and retries when a concurrent write wins', async () => {
    const f = fixture();
    await create(f.deps);
    let raced = false;
    f.table.beforeWrite = () => {
      if (raced) return;
      raced = true;
      const current = record(f);
      f.table.records.set(CREDENTIAL_ID, { ...current, version: current.version + 1 });
    };
    const { result } = await update(f.deps, inputOf({ name: 'Renamed' }));
    expect(result).toMatchObject({ credentialId: CREDENTIAL_ID, status: 'active' });
    expect(record(f)).toMatchObject({ name: 'Renamed', version: 4 });
  });
});

describe('delete', () => {
  it('revokes the record and leaves the secret alone', async () => {
    const f = fixture();
    await create(f.deps);
    const secretBefore = f.secrets.current(SECRET_ARN);
    const { result, outcome } = await remove(f.deps);
    expect(outcome).toBe('revoked');
    expect(result).toMatchObject({ status: 'revoked', revokedAt: expect.any(String), credentialId: CREDENTIAL_ID });
    expect(record(f)).toMatchObject({ status: 'revoked', version: 3 });
    expect(f.secrets.current(SECRET_ARN)).toBe(secretBefore);
  });

  it('is idempotent: revoked or missing is success, and writes nothing more', async () => {
    const f = fixture();
    await create(f.deps);
    const first = await remove(f.deps);
    const writes = f.table.writes.length;
    const second = await remove(f.deps);
    expect(second.outcome).toBe('already-revoked');
    expect(second.result).toEqual(first.result);
    expect(f.table.writes).toHaveLength(writes);

    const empty = fixture();
    expect(await remove(empty.deps)).toMatchObject({ outcome: 'absent', result: {} });
  });

  it("of a replaced instance never revokes its successor's record", async () => {
    const f = fixture();
    const successor = inputOf({ instanceId: '11111111-2222-3333-4444-555555555555', authType: 'api_key' });
    await create(f.deps, successor);
    expect(await remove(f.deps, inputOf())).toMatchObject({ outcome: 'absent' });
    expect(record(f, credentialIdFor(successor.instanceId)).status).toBe('active');
  });

  it('leaves alone a record that another instance owns', async () => {
    const f = fixture();
    await create(f.deps);
    f.table.records.set(CREDENTIAL_ID, { ...record(f), instanceId: 'someone-else-entirely' });
    const writes = f.table.writes.length;
    expect(await remove(f.deps)).toMatchObject({ outcome: 'not-owner', result: {} });
    expect(f.table.writes).toHaveLength(writes);
    expect(record(f).status).toBe('active');
  });
});

describe('delete of a replaced credential (rotation and auth type change)', () => {
  const SUCCESSOR = inputOf({ instanceId: '11111111-2222-3333-4444-555555555555', rotationGracePeriodHours: 48 });
  const SUCCESSOR_ID = credentialIdFor(SUCCESSOR.instanceId);

  it('with a successor in the same secret, keeps the old credential retiring for the grace period the successor declares', async () => {
    const f = fixture();
    await create(f.deps);
    const oldHash = record(f).secretHash;
    await create(f.deps, SUCCESSOR);

    const deleted = await remove(f.deps);

    expect(deleted.outcome).toBe('retiring');
    const old = record(f);
    expect(old).toMatchObject({ status: 'retiring', secretHash: oldHash });
    expect(old.revokedAt).toBeUndefined();
    const retiresAt = Date.parse(old.retiresAt!);
    expect(retiresAt - Date.parse(old.updatedAt)).toBe(48 * 3600 * 1000);
    // TTL cleanup a week after retirement, in epoch seconds.
    expect(old.expiresAt).toBe(Math.floor(retiresAt / 1000) + 7 * 24 * 3600);
    expect(deleted.result).toMatchObject({ status: 'retiring', retiresAt: old.retiresAt });
    expect(record(f, SUCCESSOR_ID).status).toBe('active');
    // The secret holds the successor's value; the retiring record keeps only its own hash.
    expect(hashSecret(currentSecret(f))).toBe(record(f, SUCCESSOR_ID).secretHash);
  });

  it('a destroy after rotations revokes the credential and every retiring value it replaced in its secret', async () => {
    const f = fixture();
    await create(f.deps);
    await create(f.deps, SUCCESSOR);
    await remove(f.deps); // the rotation's delete: the first credential retires for 48 hours
    const THIRD = inputOf({ instanceId: '99999999-2222-3333-4444-555555555555', rotationGracePeriodHours: 24 });
    await create(f.deps, THIRD);
    await remove(f.deps, SUCCESSOR); // a second rotation
    expect(record(f).status).toBe('retiring');
    expect(record(f, SUCCESSOR_ID).status).toBe('retiring');
    expect(record(f, credentialIdFor(THIRD.instanceId)).predecessorId).toBe(SUCCESSOR_ID);

    const destroyed = await remove(f.deps, THIRD); // the credential removed from code: no successor

    expect(destroyed.outcome).toBe('revoked');
    for (const id of [credentialIdFor(THIRD.instanceId), SUCCESSOR_ID, CREDENTIAL_ID]) {
      expect(record(f, id)).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    }
  });

  it('a predecessor in another secret, or already revoked, is left alone', async () => {
    const f = fixture();
    await create(f.deps);
    await create(f.deps, SUCCESSOR);
    await remove(f.deps);
    f.table.records.set(CREDENTIAL_ID, { ...record(f), secretArn: `${SECRET_ARN}-elsewhere` });
    await remove(f.deps, SUCCESSOR);
    expect(record(f, SUCCESSOR_ID).status).toBe('revoked');
    expect(record(f).status).toBe('retiring');
  });

  it('is idempotent: a repeated delete of a retiring credential writes nothing', async () => {
    const f = fixture();
    await create(f.deps);
    await create(f.deps, SUCCESSOR);
    const first = await remove(f.deps);
    const writes = f.table.writes.length;
    const second = await remove(f.deps);
    expect(second).toMatchObject({ outcome: 'retiring', result: first.result });
    expect(f.table.writes).toHaveLength(writes);
  });

  it('with a grace period of 0 (or none declared), revokes at once', async () => {
    for (const successor of [{ ...SUCCESSOR, rotationGracePeriodHours: 0 }, { ...SUCCESSOR, rotationGracePeriodHours: undefined }]) {
      const f = fixture();
      await create(f.deps);
      await create(f.deps, successor);
      expect(await remove(f.deps)).toMatchObject({ outcome: 'revoked', result: { status: 'revoked' } });
      expect(record(f).retiresAt).toBeUndefined();
    }
  });

  it('after an auth type change, uses the successor\'s authTypeChangeGracePeriodHours, not the rotation one', async () => {
    const f = fixture();
    await create(f.deps);
    await create(f.deps, { ...SUCCESSOR, authType: 'api_key', rotationGracePeriodHours: 48, authTypeChangeGracePeriodHours: 2 });
    await remove(f.deps);
    const old = record(f);
    expect(Date.parse(old.retiresAt!) - Date.parse(old.updatedAt)).toBe(2 * 3600 * 1000);

    const immediate = fixture();
    await create(immediate.deps);
    await create(immediate.deps, { ...SUCCESSOR, authType: 'api_key', rotationGracePeriodHours: 48 });
    expect(await remove(immediate.deps)).toMatchObject({ outcome: 'revoked' });
  });

  it('a real destroy (the secret still holds this credential\'s value) revokes at once, whatever the grace period', async () => {
    const f = fixture();
    await create(f.deps, inputOf({ rotationGracePeriodHours: 48 }));
    expect(await remove(f.deps)).toMatchObject({ outcome: 'revoked' });
  });

  it('a successor that is not active, or a secret already deleted, means no grace', async () => {
    const pending = fixture();
    await create(pending.deps);
    await create(pending.deps, SUCCESSOR);
    pending.table.records.set(SUCCESSOR_ID, { ...record(pending, SUCCESSOR_ID), status: 'pending' });
    expect(await remove(pending.deps)).toMatchObject({ outcome: 'revoked' });

    const gone = fixture();
    await create(gone.deps);
    await create(gone.deps, SUCCESSOR);
    gone.secrets.secrets.delete(SECRET_ARN);
    expect(await remove(gone.deps)).toMatchObject({ outcome: 'revoked' });
  });

  it('a value written into the secret by hand that names another credential is not a successor', async () => {
    const f = fixture();
    await create(f.deps);
    await create(f.deps, SUCCESSOR);
    const forged = JSON.parse(f.secrets.current(SECRET_ARN)!);
    f.secrets.overwrite(SECRET_ARN, JSON.stringify({ ...forged, clientSecret: forged.clientSecret.replace(/^dcs_./, 'dcs_x') }));
    expect(await remove(f.deps)).toMatchObject({ outcome: 'revoked' });
  });

  it('a retiring credential is never revived or updated', async () => {
    const f = fixture();
    await create(f.deps);
    await create(f.deps, SUCCESSOR);
    await remove(f.deps);
    await expect(create(f.deps)).rejects.toThrow(ConflictError);
    await expect(update(f.deps, inputOf({ name: 'renamed' }))).rejects.toThrow(ConflictError);
  });

  it('stores the declared grace periods and changes them in place without a new secret', async () => {
    const f = fixture();
    await create(f.deps, inputOf({ rotationGracePeriodHours: 24 }));
    const puts = f.secrets.puts.length;
    await update(f.deps, inputOf({ rotationGracePeriodHours: 72, authTypeChangeGracePeriodHours: 1 }), inputOf({ rotationGracePeriodHours: 24 }));
    expect(record(f)).toMatchObject({ rotationGracePeriodHours: 72, authTypeChangeGracePeriodHours: 1 });
    await update(f.deps, inputOf(), inputOf({ rotationGracePeriodHours: 72, authTypeChangeGracePeriodHours: 1 }));
    expect(record(f).rotationGracePeriodHours).toBeUndefined();
    expect(record(f).authTypeChangeGracePeriodHours).toBeUndefined();
    expect(f.secrets.puts).toHaveLength(puts);
  });

  it('refuses a grace period outside 0 to 168 whole hours, with nothing written', async () => {
    for (const bad of [-1, 169, 1.5, '24']) {
      const f = fixture();
      await expect(create(f.deps, inputOf({ rotationGracePeriodHours: bad as number }))).rejects.toThrow(
        /rotationGracePeriodHours.*a whole number of hours from 0 to 168/,
      );
      expect(f.table.writes).toHaveLength(0);
      expect(f.secrets.puts).toHaveLength(0);
    }
  });
});

describe('adoption of an existing API key', () => {
  const PREVIEW_KEY = 'preview-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  const adopting = (overrides: Partial<CredentialInput> = {}) => inputOf({ authType: 'api_key', adopt: true, ...overrides });

  it('reads the key once, stores only its hash and a lookup by hash, and writes nothing to the secret', async () => {
    const f = fixture();
    f.secrets.overwrite(SECRET_ARN, JSON.stringify({ apiKey: PREVIEW_KEY }));

    const { outcome, result } = await create(f.deps, adopting());

    expect(outcome).toBe('adopted');
    expect(result).toMatchObject({ status: 'active', adopted: true, credentialId: CREDENTIAL_ID });
    expect(record(f)).toMatchObject({ status: 'active', adopted: true, secretHash: hashSecret(PREVIEW_KEY), version: 1 });
    expect(f.table.keyHashes.get(hashSecret(PREVIEW_KEY))).toBe(CREDENTIAL_ID);
    expect(f.secrets.puts).toHaveLength(0);
    expect(JSON.stringify([result, record(f)])).not.toContain(PREVIEW_KEY);
  });

  it('is idempotent, and a key already adopted by another credential is refused with nothing written', async () => {
    const f = fixture();
    f.secrets.overwrite(SECRET_ARN, JSON.stringify({ apiKey: PREVIEW_KEY }));
    await create(f.deps, adopting());
    const writes = f.table.writes.length;
    expect(await create(f.deps, adopting())).toMatchObject({ outcome: 'resumed' });
    expect(f.table.writes).toHaveLength(writes);

    const other = adopting({ instanceId: '11111111-2222-3333-4444-555555555555' });
    await expect(create(f.deps, other)).rejects.toThrow(/already adopted by another credential/);
    expect(f.table.records.has(credentialIdFor(other.instanceId))).toBe(false);
  });

  it('refuses a value of another shape, or an OAuth 2.0 adoption, without echoing the value', async () => {
    const f = fixture();
    f.secrets.overwrite(SECRET_ARN, JSON.stringify({ key: PREVIEW_KEY }));
    const error = await create(f.deps, adopting()).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/a value of another shape \(not shown\); allowed: JSON \{"apiKey"/);
    expect((error as Error).message).not.toContain(PREVIEW_KEY);
    await expect(create(f.deps, adopting({ authType: 'oauth2' }))).rejects.toThrow(/only API keys can be adopted/);
    expect(f.table.writes).toHaveLength(0);
  });

  it('delete revokes the adopted key at once and leaves the secret alone; the drift read hashes the adopted value', async () => {
    const f = fixture();
    f.secrets.overwrite(SECRET_ARN, JSON.stringify({ apiKey: PREVIEW_KEY }));
    await create(f.deps, adopting());
    const read = await runProviderEvent({ ...adopting(), action: 'read' }, f.deps);
    expect(read).toMatchObject({ outcome: 'in-sync' });
    expect(await remove(f.deps, adopting())).toMatchObject({ outcome: 'revoked' });
    expect(f.secrets.current(SECRET_ARN)).toBe(JSON.stringify({ apiKey: PREVIEW_KEY }));
  });
});

describe('secret ARNs', () => {
  it('are reduced to the secret name, without the random suffix', () => {
    expect(secretNameOfArn(SECRET_ARN)).toBe(`${PREFIX}team/export`);
    expect(secretNameOfArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:plain')).toBe('plain');
  });

  it('must name a secret strictly below the prefix', () => {
    expect(() => assertSecretWithinPrefix(SECRET_ARN, PREFIX)).not.toThrow();
    const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}`;
    expect(() => assertSecretWithinPrefix(arn(`${PREFIX}-AbC123`), PREFIX)).toThrow(ValidationError);
    expect(() => assertSecretWithinPrefix(arn('data-api-credentialsX/a-AbC123'), PREFIX)).toThrow(ValidationError);
    expect(() => assertSecretWithinPrefix(arn('other/data-api-credentials/a-AbC123'), PREFIX)).toThrow(ValidationError);
  });
});

describe('secret version tokens', () => {
  it('are UUID-shaped and depend on both instance id and hash', () => {
    const token = secretVersionToken(INSTANCE_ID, hashSecret('a'));
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(secretVersionToken(INSTANCE_ID, hashSecret('a'))).toBe(token);
    expect(secretVersionToken(INSTANCE_ID, hashSecret('b'))).not.toBe(token);
    expect(secretVersionToken('another-instance', hashSecret('a'))).not.toBe(token);
  });
});

describe('writes are bound to what Terraform declared on the secret (crafted invocations)', () => {
  const OTHER_ARN = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${PREFIX}team/other-XyZ789`;
  const ALL = ['conversations', 'interactions', 'plugin-calls', 'plugin-resources', 'users'] as const;
  const invoke = (f: Fixture, action: 'create' | 'update', input: CredentialInput, previous?: CredentialInput) =>
    runProviderEvent({ ...input, tf: { action, prev_input: previous ?? null } }, f.deps);

  test("a create with a made-up instance into another credential's secret, with every scope, is refused and writes nothing", async () => {
    const f = fixture();
    await create(f.deps);
    const before = f.secrets.current(SECRET_ARN);
    const crafted = inputOf({ instanceId: 'deadbeef-0000-4000-8000-000000000001', scopes: [...ALL], authType: 'api_key' });
    await expect(invoke(f, 'create', crafted)).rejects.toThrow(/its declaration tag does not match the invocation.*nothing was written/);
    expect(f.secrets.current(SECRET_ARN)).toBe(before);
    expect(f.table.records.size).toBe(1);
  });

  test('a create of an existing credential naming another secret is refused: a create never moves a credential', async () => {
    const f = fixture();
    await create(f.deps);
    f.secrets.createSecret(OTHER_ARN);
    f.secrets.declare({ ...inputOf(), secretArn: OTHER_ARN });
    await expect(invoke(f, 'create', inputOf({ secretArn: OTHER_ARN }))).rejects.toThrow(/keeps its value in .*a create cannot move it/);
    expect(record(f).secretArn).toBe(SECRET_ARN);
    expect(f.secrets.current(OTHER_ARN)).toBeUndefined();
  });

  test('an update raising the scopes beyond the declared ones is refused; the declared ones are written', async () => {
    const f = fixture();
    await create(f.deps);
    await expect(invoke(f, 'update', inputOf({ scopes: [...ALL] }), inputOf())).rejects.toThrow(/its declaration tag does not match the invocation/);
    expect(record(f).scopes).toEqual(['conversations', 'users']);
  });

  test("a secret tagged for another store is refused, even with this instance and scopes", async () => {
    const f = fixture();
    f.secrets.declare(inputOf(), 'another-store');
    await expect(invoke(f, 'create', inputOf())).rejects.toThrow(/its store tag and declaration tag do not match the invocation/);
    expect(f.table.records.size).toBe(0);
  });

  test.each([
    ['name', { name: 'Renamed by hand' }],
    ['description', { description: 'not what was reviewed' }],
    ['rotation grace period', { rotationGracePeriodHours: 168 }],
    ['auth type change grace period', { authTypeChangeGracePeriodHours: 168 }],
  ] as const)('an update of the %s that the declaration does not hold is refused, even with the instance and scopes bound', async (_, change) => {
    const f = fixture();
    await create(f.deps);
    const before = record(f);

    await expect(invoke(f, 'update', inputOf(change), inputOf())).rejects.toThrow(/its declaration tag does not match the invocation.*nothing was written/);

    expect(record(f)).toEqual(before);
  });

  test("adopting the key in another credential's (tagged) secret is refused, so a reader cannot widen a key's scopes", async () => {
    const f = fixture();
    await create(f.deps, inputOf({ authType: 'api_key', scopes: ['users'] }));
    const adopting = inputOf({ instanceId: 'deadbeef-0000-4000-8000-000000000002', authType: 'api_key', scopes: [...ALL], adopt: true });
    await expect(invoke(f, 'create', adopting)).rejects.toThrow(/holds a credential this library generated.*only keys created elsewhere can be adopted/);
    expect(f.table.records.size).toBe(1);
    expect(f.table.keyHashes.size).toBe(0);
  });
});

describe("adoption never takes a value of this library's own formats", () => {
  const ADOPTED_ARN = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${PREFIX}team/planted-QwE456`;
  test.each([
    ['an API key (a rotated-out one, say)', (f: Fixture) => JSON.parse(f.secrets.current(SECRET_ARN)!).apiKey as string, 'api_key'],
    ["an OAuth 2.0 client's secret", (f: Fixture) => JSON.parse(f.secrets.current(SECRET_ARN)!).clientSecret as string, 'oauth2'],
  ] as const)('%s planted in an untagged secret is refused, and nothing is written', async (_, valueOf, authType) => {
    const f = fixture();
    await create(f.deps, inputOf({ authType }));
    const value = valueOf(f);
    f.secrets.createSecret(ADOPTED_ARN);
    f.secrets.overwrite(ADOPTED_ARN, JSON.stringify({ apiKey: value }));
    const records = f.table.records.size;
    const planted = inputOf({ instanceId: 'deadbeef-0000-4000-8000-000000000003', authType: 'api_key', secretArn: ADOPTED_ARN, adopt: true, scopes: ['conversations', 'interactions', 'plugin-calls', 'plugin-resources', 'users'] });

    const attempt = runProviderEvent({ ...planted, tf: { action: 'create', prev_input: null } }, f.deps);

    await expect(attempt).rejects.toThrow(/a key or client secret this library generated \(not shown\).*never adopted/);
    await expect(attempt).rejects.not.toThrow(value.slice(0, 8));
    expect(f.table.records.size).toBe(records);
    expect(f.table.keyHashes.size).toBe(0);
  });
});

describe('adoption with the store hash key (HMAC-SHA-256)', () => {
  const PREVIEW_KEY = 'preview-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  const KEY = Buffer.alloc(32, 9);
  const adopting = (overrides: Partial<CredentialInput> = {}) => inputOf({ authType: 'api_key', adopt: true, ...overrides });
  const withKey = (f: Fixture, created: { count: number } = { count: 0 }): LifecycleDeps => ({
    ...f.deps,
    hashKey: { get: async ({ create }) => (create && (created.count++, true), KEY) },
  });

  it('stores the HMAC of the key, never its plain SHA-256, and creates the key on first use', async () => {
    const f = fixture();
    f.secrets.overwrite(SECRET_ARN, JSON.stringify({ apiKey: PREVIEW_KEY }));
    const created = { count: 0 };
    await create(withKey(f, created), adopting());
    const hmac = keyedHashSecret(PREVIEW_KEY, KEY);
    expect(record(f)).toMatchObject({ adopted: true, hashScheme: 'hmac-sha256', secretHash: hmac });
    expect([...f.table.keyHashes.keys()]).toEqual([hmac]);
    expect(JSON.stringify([...f.table.records.values(), ...f.table.keyHashes.keys()])).not.toContain(hashSecret(PREVIEW_KEY));
    expect(created.count).toBe(1);
    // The drift read checks the value against the keyed hash.
    const read = await runProviderEvent({ ...adopting(), action: 'read' }, withKey(f));
    expect(read.result).toMatchObject({ inSync: true });
  });

  it('a key adopted before the store had a hash key (SHA-256 lookup) cannot be adopted a second time under HMAC', async () => {
    const f = fixture();
    f.secrets.overwrite(SECRET_ARN, JSON.stringify({ apiKey: PREVIEW_KEY }));
    await create(f.deps, adopting());
    const second = adopting({ instanceId: '77777777-2222-3333-4444-555555555555' });
    await expect(create(withKey(f), second)).rejects.toThrow(/already adopted by another credential/);
    expect(f.table.records.size).toBe(1);
  });
});

describe('a rotation of an OAuth 2.0 credential keeps its client id (issue 22)', () => {
  const SECOND = inputOf({ instanceId: '11111111-2222-3333-4444-555555555555', rotationGracePeriodHours: 48 });
  const THIRD = inputOf({ instanceId: '99999999-2222-3333-4444-555555555555', rotationGracePeriodHours: 0 });
  const clientIdIn = (f: Fixture): string => (parseSecretValue(f.secrets.current(SECRET_ARN) ?? '') as { clientId: string }).clientId;

  it('the successor inherits its predecessor\'s client id, in its record, its result and the secret, rotated twice; the lookup item points at the newest', async () => {
    const f = fixture();
    await create(f.deps);
    const clientId = clientIdFor(CREDENTIAL_ID);
    const second = await create(f.deps, SECOND);
    await remove(f.deps);
    const third = await create(f.deps, THIRD);
    await remove(f.deps, SECOND);
    const thirdId = credentialIdFor(THIRD.instanceId);
    expect(second.result).toMatchObject({ clientId, credentialId: credentialIdFor(SECOND.instanceId) });
    expect(third.result).toMatchObject({ clientId, credentialId: thirdId });
    expect(record(f, thirdId)).toMatchObject({ clientId, status: 'active', predecessorId: credentialIdFor(SECOND.instanceId) });
    expect(clientIdIn(f)).toBe(clientId);
    expect(f.table.keyHashes.get(clientLookupHash(clientId))).toBe(thirdId);
    // The secret is bound to the newest record (its value and its client id).
    expect(hashSecret(currentSecret(f))).toBe(record(f, thirdId).secretHash);
  });

  it('an auth type change, and a new credential in a secret of another client\'s, get a new client id', async () => {
    const change = fixture();
    await create(change.deps, inputOf({ authType: 'api_key' }));
    await create(change.deps, SECOND);
    expect(record(change, credentialIdFor(SECOND.instanceId)).clientId).toBe(clientIdFor(credentialIdFor(SECOND.instanceId)));

    // The predecessor's record does not hold the secret's value (or is not active): nothing is inherited.
    const stale = fixture();
    await create(stale.deps);
    stale.table.records.set(CREDENTIAL_ID, { ...record(stale), status: 'revoked' });
    await create(stale.deps, SECOND);
    expect(record(stale, credentialIdFor(SECOND.instanceId)).clientId).toBe(clientIdFor(credentialIdFor(SECOND.instanceId)));
    expect(stale.table.keyHashes.size).toBe(0);
  });

  it('a first create writes no lookup item (the client id names its credential)', async () => {
    const f = fixture();
    await create(f.deps);
    expect(record(f).clientId).toBe(clientIdFor(CREDENTIAL_ID));
    expect(f.table.keyHashes.size).toBe(0);
  });
});
