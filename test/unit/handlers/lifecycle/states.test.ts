import { CREDENTIAL_STATUSES } from '../../../../handlers/contract/credential';
import { RETIRED_RECORD_TTL_SECONDS } from '../../../../handlers/contract/table';
import { canTransition, isAccepted, transition, TransitionError, TRANSITIONS, TransitionName } from '../../../../handlers/lifecycle/states';
import { CredentialRecord } from '../../../../handlers/lifecycle/credential-record';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const record = (status: CredentialRecord['status'], extra: Partial<CredentialRecord> = {}): CredentialRecord => ({
  credentialId: 'c'.repeat(32),
  instanceId: 'instance-0001',
  name: 'Export',
  scopes: ['users'],
  authType: 'api_key',
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:data-api/credentials/x-AbC123',
  secretHash: 'a'.repeat(64),
  status,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  version: 4,
  ...extra,
});

const NAMES = Object.keys(TRANSITIONS) as TransitionName[];
const FROM = ['absent', ...CREDENTIAL_STATUSES] as const;

describe('the lifecycle table', () => {
  it('allows exactly the listed transitions, and transition() refuses the others without building a record', () => {
    const allowed: string[] = [];
    for (const name of NAMES) {
      for (const from of FROM) {
        const current = from === 'absent' ? undefined : record(from);
        const content = current ?? record('pending', { version: 0 });
        if (canTransition(from, name)) {
          allowed.push(`${from} -${name}->`);
          expect(transition(current, name, content, NOW).version).toBe((current?.version ?? 0) + 1);
        } else {
          expect(() => transition(current, name, content, NOW)).toThrow(TransitionError);
        }
      }
    }
    // The graph in states.ts, written out: a change to it is a deliberate change to this list.
    expect(allowed.sort()).toEqual(
      [
        'absent -create->', 'pending -create->', 'active -create->',
        'pending -activate->',
        'pending -resume->', 'active -resume->',
        'absent -adopt->', 'pending -adopt->', 'active -adopt->',
        'pending -update->', 'active -update->',
        'active -restore->',
        'pending -retire->', 'active -retire->',
        'pending -revoke->', 'active -revoke->', 'retiring -revoke->',
      ].sort(),
    );
  });

  it('never leaves revoked, and never revives a retiring credential', () => {
    for (const name of NAMES) expect(canTransition('revoked', name)).toBe(false);
    for (const name of NAMES) expect(canTransition('retiring', name)).toBe(name === 'revoke');
  });

  it('sets the state, the time and the fields each end state needs', () => {
    const active = record('active');
    expect(transition(active, 'update', { ...active, name: 'Renamed' }, NOW)).toMatchObject({
      status: 'active',
      name: 'Renamed',
      updatedAt: NOW.toISOString(),
      version: 5,
    });
    const retiring = transition(active, 'retire', active, NOW, { graceHours: 24 });
    expect(retiring).toMatchObject({ status: 'retiring', retiresAt: '2026-12-03T10:00:00.000Z' });
    expect(retiring.expiresAt).toBe(Date.parse('2026-12-03T10:00:00.000Z') / 1000 + RETIRED_RECORD_TTL_SECONDS);
    const revoked = transition(retiring, 'revoke', retiring, NOW);
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: NOW.toISOString(), version: 6 });
    expect(revoked.retiresAt).toBeUndefined();
  });

  it('accepts active credentials, retiring ones until retiresAt, and never pending or revoked ones', () => {
    expect(isAccepted(record('active'), NOW)).toBe(true);
    expect(isAccepted(record('pending'), NOW)).toBe(false);
    expect(isAccepted(record('revoked'), NOW)).toBe(false);
    expect(isAccepted(record('retiring', { retiresAt: '2026-12-02T10:00:01.000Z' }), NOW)).toBe(true);
    expect(isAccepted(record('retiring', { retiresAt: NOW.toISOString() }), NOW)).toBe(false);
    expect(isAccepted(record('retiring'), NOW)).toBe(false);
  });
});
