import { listCredentials, renderCredentialTable, shortTime } from '../../../cli/credential-list';
import { CredentialRecord } from '../../../handlers/lifecycle/credential-record';

const base: CredentialRecord = {
  credentialId: '0'.repeat(32),
  instanceId: 'instance-0001',
  name: 'Usage-Reporting',
  authType: 'api_key',
  scopes: ['conversations', 'users'],
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:data-api/credentials/x-AbC123',
  secretHash: 'f'.repeat(64),
  status: 'active',
  createdAt: '2026-11-27T20:53:32.023Z',
  updatedAt: '2026-11-27T20:54:00.000Z',
  version: 2,
};

describe('the credentials list', () => {
  test('shows name, auth type, scopes with n/5, status and dates; last used when the verifier recorded it', () => {
    const rows = listCredentials([
      { ...base, lastUsedAt: '2026-11-27T21:15:09.000Z' },
      { ...base, credentialId: '1'.repeat(32), name: 'Analytics', authType: 'oauth2', clientId: `dci_${'1'.repeat(32)}`, scopes: ['conversations', 'interactions', 'plugin-calls', 'plugin-resources', 'users'] },
    ]);
    const text = renderCredentialTable(rows);

    expect(rows.map((r) => [r.name, r.scopeCount])).toEqual([
      ['Analytics', '5/5'],
      ['Usage-Reporting', '2/5'],
    ]);
    expect(text).toMatch(/Usage-Reporting\s*│\s*API key\s*│\s*conversations, users \(2\/5\)\s*│\s*active\s*│\s*2026-11-27 20:53\s*│\s*2026-11-27 20:54\s*│\s*2026-11-27 21:15/);
    expect(text).toMatch(/Analytics\s*│\s*OAuth 2.0[\s\S]*never/);
  });

  test('revoked credentials are left out unless asked for; nothing secret, not even the hash, is listed', () => {
    const records = [base, { ...base, credentialId: '2'.repeat(32), status: 'revoked' as const, revokedAt: '2026-11-27T21:00:00Z' }];

    expect(listCredentials(records)).toHaveLength(1);
    const all = listCredentials(records, true);
    expect(all.map((r) => r.status)).toEqual(['active', 'revoked']);
    expect(JSON.stringify(all)).not.toContain(base.secretHash);
  });

  test('times are shown to the minute', () => {
    expect(shortTime('2026-11-27T20:53:32.023Z')).toBe('2026-11-27 20:53');
    expect(shortTime(undefined)).toBe('never');
  });
});
