/**
 * Undeclared credentials (records no declaration names), their one-line report in drift, the
 * lifecycle's conditional revoke of one, and the list's `--unused-since`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { driftReport, renderDriftTable } from '../../../cli/drift-report';
import { declaredCredentialIds, credentialsInState } from '../../../cli/stack-state';
import { findUndeclared, OTHER_STACKS_NOTE, parseDuration, undeclaredLine, undeclaredListing, unusedSince } from '../../../cli/undeclared';
import { listCredentials } from '../../../cli/credential-list';
import { confirmRevoke, NotConfirmedError } from '../../../cli/revoke-undeclared';
import { StaleRecordError, ValidationError } from '../../../handlers/errors';
import { CredentialRecord } from '../../../handlers/lifecycle/credential-record';
import { revokeUndeclaredRecord } from '../../../handlers/lifecycle/operations';
import { TransitionError } from '../../../handlers/lifecycle/states';
import { InMemoryCredentialTable } from '../../support/fakes';

const state = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'terraform', 'state.json'), 'utf8'));
const declared = credentialsInState(state);
const LOCATION = { tableName: 'review-fixtures-Credentials', region: 'us-east-1' };

function record(id: string, overrides: Partial<CredentialRecord> = {}): CredentialRecord {
  return {
    credentialId: id.repeat(32).slice(0, 32),
    instanceId: `instance-${id}`,
    name: `Cred-${id}`,
    authType: 'api_key',
    scopes: ['users'],
    secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:data-api/credentials/x-AbC123',
    secretHash: 'f'.repeat(64),
    status: 'active',
    createdAt: '2026-10-01T08:00:00.000Z',
    updatedAt: '2026-10-01T08:00:00.000Z',
    version: 2,
    ...overrides,
  };
}

describe('undeclared credentials', () => {
  const declaredId = declared[1].credentialId;
  const mine = record('d', { credentialId: declaredId, name: 'Usage-Reporting' });

  test('active records no declaration names are undeclared; revoked and pending ones are not', () => {
    const records = [
      mine,
      record('a', { name: 'Hand-Made' }),
      record('b', { status: 'revoked', revokedAt: '2026-10-02T00:00:00Z' }),
      record('c', { status: 'pending' }),
    ];

    expect(findUndeclared(records, [declaredId]).map((r) => r.name)).toEqual(['Hand-Made']);
    expect(findUndeclared(records, [declaredId, record('a').credentialId])).toEqual([]);
  });

  test('a retiring predecessor of a declared credential (a rotation in its grace period) is accounted for; an orphan retiring one is not', () => {
    const old = record('e', { name: 'Usage-Reporting', status: 'retiring', retiresAt: '2026-10-03T00:00:00Z' });
    const older = record('f', { name: 'Usage-Reporting', status: 'retiring', retiresAt: '2026-10-02T00:00:00Z' });
    const orphan = record('0', { name: 'Orphan', status: 'retiring', retiresAt: '2026-10-03T00:00:00Z' });
    const records = [{ ...mine, predecessorId: old.credentialId }, { ...old, predecessorId: older.credentialId }, older, orphan];

    expect(findUndeclared(records, [declaredId]).map((r) => r.name)).toEqual(['Orphan']);
  });

  test('further states count: show -json and a raw state file', () => {
    expect(declaredCredentialIds(state)).toEqual(declared.map((c) => c.credentialId));
    const raw = {
      version: 4,
      resources: [
        { mode: 'managed', type: 'aws_lambda_invocation', name: 'x', instances: [{ attributes: { input: declared[0].address && JSON.stringify(declared[0].input) } }] },
        { mode: 'managed', type: 'aws_lambda_invocation', name: 'y', instances: [{ attributes: { input: '{"other":1}' } }] },
      ],
    };
    expect(declaredCredentialIds(raw)).toEqual([declared[0].credentialId]);
    expect(() => declaredCredentialIds('nope')).toThrow(ValidationError);
  });

  test('drift reports each undeclared record in one line (id, name, auth type, scopes, created, last used), is not in sync, and says another stack may declare it', () => {
    const undeclared = [undeclaredListing(record('a', { name: 'Hand-Made', lastUsedAt: '2026-11-01T09:30:00.000Z' }))];
    const report = driftReport(LOCATION, [], undeclared, ['../other-stack']);

    expect(report.inSync).toBe(false);
    expect(report.note).toBe(OTHER_STACKS_NOTE);
    expect(JSON.stringify(report)).not.toContain('f'.repeat(64));
    const text = renderDriftTable(report);
    expect(text).not.toContain('In sync.');
    expect(text).toContain('1 undeclared credential in the store (active, and no declaration in this state or ../other-stack names it):');
    expect(text).toContain(
      `  ${'a'.repeat(32)}  "Hand-Made"  API key  scopes users (1/5)  active  created 2026-10-01 08:00  last used 2026-11-01 09:30`,
    );
    expect(text).toContain('--also-declared-in');
    expect(text).toContain('revoke-undeclared');
    expect(undeclaredLine(undeclaredListing(record('b')))).toMatch(/last used never$/);

    const clean = driftReport(LOCATION, [], []);
    expect(clean.inSync).toBe(true);
    expect(renderDriftTable(clean)).toContain('In sync.');
  });
});

describe('revokeUndeclaredRecord (the lifecycle\'s revoke of a record by id)', () => {
  const now = () => new Date('2026-11-27T21:00:00.000Z');

  test('revokes an active or retiring record, conditional on the version read; the hash and lastUsedAt are kept', async () => {
    const table = new InMemoryCredentialTable();
    const active = record('a', { lastUsedAt: '2026-11-01T00:00:00.000Z' });
    const retiring = record('b', { status: 'retiring', retiresAt: '2026-12-01T00:00:00.000Z', expiresAt: 1 });
    table.records.set(active.credentialId, active);
    table.records.set(retiring.credentialId, retiring);

    const revoked = await revokeUndeclaredRecord({ table, now }, active);
    await revokeUndeclaredRecord({ table, now }, retiring);

    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: now().toISOString(), version: 3, secretHash: active.secretHash, lastUsedAt: active.lastUsedAt });
    expect(table.writes.map((w) => w.condition)).toEqual([
      { kind: 'version', version: 2, instanceId: active.instanceId },
      { kind: 'version', version: 2, instanceId: retiring.instanceId },
    ]);
    expect(table.records.get(retiring.credentialId)).toMatchObject({ status: 'revoked' });
    expect(table.records.get(retiring.credentialId)?.retiresAt).toBeUndefined();
  });

  test('a record changed since it was read, gone, pending or revoked is not written', async () => {
    const table = new InMemoryCredentialTable();
    const active = record('a');
    table.records.set(active.credentialId, { ...active, version: 3 });
    await expect(revokeUndeclaredRecord({ table, now }, active)).rejects.toBeInstanceOf(StaleRecordError);
    await expect(revokeUndeclaredRecord({ table, now }, record('9'))).rejects.toBeInstanceOf(StaleRecordError);
    const pending = record('c', { status: 'pending' });
    table.records.set(pending.credentialId, pending);
    await expect(revokeUndeclaredRecord({ table, now }, pending)).rejects.toBeInstanceOf(TransitionError);
    expect(table.writes).toEqual([]);
  });
});

describe('list --unused-since', () => {
  test('durations in hours and days; anything else is refused', () => {
    expect(parseDuration('12h')).toBe(12 * 3600 * 1000);
    expect(parseDuration('30d')).toBe(30 * 86400 * 1000);
    expect(parseDuration('90d')).toBe(90 * 86400 * 1000);
    for (const bad of ['30', '0d', '-1d', '1w', 'd', '']) expect(() => parseDuration(bad)).toThrow(/--unused-since/);
  });

  test('not used since the cutoff: by lastUsedAt, and a never-used credential by its creation', () => {
    const rows = listCredentials([
      record('a', { name: 'Used-Recently', lastUsedAt: '2026-11-27T10:00:00.000Z' }),
      record('b', { name: 'Used-Long-Ago', lastUsedAt: '2026-09-01T00:00:00.000Z' }),
      record('c', { name: 'Never-Used-Old' }),
      record('d', { name: 'Never-Used-New', createdAt: '2026-11-27T09:00:00.000Z' }),
    ]);
    const now = Date.parse('2026-11-27T21:00:00.000Z');

    expect(unusedSince(rows, new Date(now - parseDuration('30d'))).map((r) => r.name)).toEqual(['Never-Used-Old', 'Used-Long-Ago']);
    expect(unusedSince(rows, new Date(now - parseDuration('12h'))).map((r) => r.name)).toEqual(['Never-Used-New', 'Never-Used-Old', 'Used-Long-Ago']);
    expect(unusedSince(rows, new Date(now - parseDuration('90d')))).toEqual([]);
  });
});

describe('revoke-undeclared asks first', () => {
  const out: string[] = [];
  const io = (answer?: string) => ({ out: (t: string) => out.push(t), ...(answer === undefined ? {} : { ask: async () => answer }) });

  test('without a terminal and without --yes it refuses; on a terminal only "yes" confirms; --yes does not ask', async () => {
    await expect(confirmRevoke(1, 'summary', {}, io())).rejects.toThrow(/no terminal.*--yes. Nothing was revoked/);
    await expect(confirmRevoke(1, 'summary', {}, io('y'))).rejects.toBeInstanceOf(NotConfirmedError);
    await expect(confirmRevoke(1, 'summary', {}, io('yes\n'))).resolves.toBeUndefined();
    const ask = jest.fn();
    await confirmRevoke(2, 'summary', { yes: true }, { out: () => undefined, ask });
    expect(ask).not.toHaveBeenCalled();
  });
});
