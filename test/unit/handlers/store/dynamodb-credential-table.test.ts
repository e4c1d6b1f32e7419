import {
  CorruptRecordError,
  marshalRecord,
  recordKey,
  unmarshalRecord,
} from '../../../../handlers/store/dynamodb-credential-table';
import { CredentialRecord } from '../../../../handlers/lifecycle/credential-record';

const base: CredentialRecord = {
  credentialId: '5d9dfcaab1b63635e18b0b564bbcdb89',
  instanceId: '8f14e45f-ceea-467f-a0e7-1d0d9f3b8a11',
  name: 'Analytics-DataAPI-Credential',
  authType: 'oauth2',
  scopes: ['conversations', 'users'],
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:data-api-credentials/x-AbC123',
  secretHash: 'a'.repeat(64),
  clientId: 'dci_5d9dfcaab1b63635e18b0b564bbcdb89',
  status: 'active',
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:01.000Z',
  version: 2,
};

describe('DynamoDB credential items', () => {
  it('keep a retiring record\'s retiresAt, its TTL (expiresAt, a number) and the declared grace periods', () => {
    const retiring: CredentialRecord = {
      ...base,
      status: 'retiring',
      retiresAt: '2026-11-02T10:00:00.000Z',
      expiresAt: 1_764_000_000,
      rotationGracePeriodHours: 24,
      authTypeChangeGracePeriodHours: 0,
    };
    const item = marshalRecord(retiring);
    expect(item).toMatchObject({
      status: { S: 'retiring' },
      retiresAt: { S: '2026-11-02T10:00:00.000Z' },
      expiresAt: { N: '1764000000' },
      rotationGracePeriodHours: { N: '24' },
      authTypeChangeGracePeriodHours: { N: '0' },
    });
    expect(unmarshalRecord(item)).toEqual(retiring);
    expect(() => unmarshalRecord({ ...item, rotationGracePeriodHours: { N: '-3' } })).toThrow(CorruptRecordError);
  });

  it('use the documented key and attribute types', () => {
    expect(recordKey(base.credentialId)).toEqual({ pk: { S: `CRED#${base.credentialId}` } });
    expect(marshalRecord({ ...base, description: 'd', revokedAt: '2026-11-02T00:00:00.000Z' })).toEqual({
      pk: { S: `CRED#${base.credentialId}` },
      credentialId: { S: base.credentialId },
      instanceId: { S: base.instanceId },
      name: { S: base.name },
      description: { S: 'd' },
      authType: { S: 'oauth2' },
      scopes: { SS: ['conversations', 'users'] },
      secretArn: { S: base.secretArn },
      secretHash: { S: base.secretHash },
      clientId: { S: base.clientId },
      status: { S: 'active' },
      createdAt: { S: base.createdAt },
      updatedAt: { S: base.updatedAt },
      revokedAt: { S: '2026-11-02T00:00:00.000Z' },
      version: { N: '2' },
    });
  });

  it('round-trip, leaving absent optional attributes out and scopes in canonical order', () => {
    const { clientId: _none, ...apiKey } = { ...base, authType: 'api_key' as const };
    const item = marshalRecord(apiKey);
    expect(Object.keys(item)).not.toEqual(expect.arrayContaining(['clientId', 'description', 'revokedAt']));
    expect(unmarshalRecord(item)).toEqual(apiKey);
    expect(unmarshalRecord({ ...marshalRecord(base), scopes: { SS: ['users', 'conversations'] } }).scopes).toEqual([
      'conversations',
      'users',
    ]);
  });

  it.each([
    ['scopes', { SS: ['users', 'everything'] }],
    ['status', { S: 'deleted' }],
    ['version', { N: '0' }],
    ['secretHash', { N: '1' }],
    ['credentialId', { S: '00000000000000000000000000000000' }],
  ])('refuse an item whose %s is wrong, naming it', (attribute, value) => {
    const item = { ...marshalRecord(base), [attribute]: value };
    expect(() => unmarshalRecord(item)).toThrow(CorruptRecordError);
    expect(() => unmarshalRecord(item)).toThrow(new RegExp(`CRED#${base.credentialId} is malformed: attribute ${attribute}`));
  });
});
