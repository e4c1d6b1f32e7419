/**
 * The drift command's two store calls against the local AWS: the repair (the lifecycle's restore)
 * keeps what other writers own and refuses a record that changed; the secret state comes from metadata alone.
 */
import { DeleteTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { CredentialRecord } from '../../handlers/lifecycle/credential-record';
import {
  describeSecretState,
  DynamoDbCredentialTable,
  marshalRecord,
  readCredentialRecord,
  StaleRecordError,
} from '../../handlers/store';
import { restoreDeclaredFields, revokeUndeclaredRecord } from '../../handlers/lifecycle/operations';
import { localAwsEnv } from '../support/local-aws';
import { createCredentialTable } from '../support/tables';

localAwsEnv();
const dynamodb = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});
const TABLE = `drift-store-${randomUUID().slice(0, 8)}`;

const record: CredentialRecord = {
  credentialId: 'c'.repeat(32),
  instanceId: 'instance-drift-0001',
  name: 'Export',
  authType: 'api_key',
  scopes: ['users'],
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:data-api/credentials/x-AbC123',
  secretHash: 'a'.repeat(64),
  status: 'active',
  createdAt: '2026-11-27T20:00:00.000Z',
  updatedAt: '2026-11-27T20:00:00.000Z',
  version: 1,
};

beforeAll(async () => {
  await createCredentialTable(dynamodb, TABLE);
  await new DynamoDbCredentialTable(dynamodb, TABLE).write(record, { kind: 'absent' });
});

afterAll(async () => {
  await dynamodb.send(new DeleteTableCommand({ TableName: TABLE }));
});

describe('restoreDeclaredFields (the lifecycle\'s restore, on the DynamoDB table)', () => {
  const store = { table: new DynamoDbCredentialTable(dynamodb, TABLE), now: () => new Date('2026-11-27T21:05:00.000Z') };

  test('writes name and scopes back, bumps the version and keeps lastUsedAt and the hash', async () => {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: { S: `CRED#${record.credentialId}` } },
        UpdateExpression: 'SET lastUsedAt = :t, #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':t': { S: '2026-11-27T21:00:00.000Z' }, ':n': { S: 'Renamed-by-hand' } },
      }),
    );

    await restoreDeclaredFields(store, { credentialId: record.credentialId, version: 1 }, {
      instanceId: record.instanceId,
      name: 'Export',
      scopes: ['conversations', 'users'],
    });

    const after = await readCredentialRecord(dynamodb, TABLE, record.credentialId);
    expect(after).toMatchObject({
      name: 'Export',
      scopes: ['conversations', 'users'],
      version: 2,
      lastUsedAt: '2026-11-27T21:00:00.000Z',
      secretHash: record.secretHash,
      status: 'active',
    });
  });

  test('refuses a record whose version moved on since it was read, and writes nothing', async () => {
    const stale = restoreDeclaredFields(store, { credentialId: record.credentialId, version: 1 }, {
      instanceId: record.instanceId,
      name: 'Other',
      scopes: ['users'],
    });

    await expect(stale).rejects.toBeInstanceOf(StaleRecordError);
    const item = await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `CRED#${record.credentialId}` } } }));
    expect(item.Item?.name?.S).toBe('Export');
  });
});

describe('revokeUndeclaredRecord (revoke-undeclared\'s write, on the DynamoDB table)', () => {
  test('a record put by hand (the record codec) is revoked conditional on the version read; a stale version writes nothing', async () => {
    const handMade: CredentialRecord = { ...record, credentialId: 'd'.repeat(32), instanceId: 'made-by-hand', name: 'Hand-Made', version: 4 };
    await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: marshalRecord(handMade) }));
    const store = { table: new DynamoDbCredentialTable(dynamodb, TABLE), now: () => new Date('2026-11-27T22:00:00.000Z') };

    await expect(revokeUndeclaredRecord(store, { credentialId: handMade.credentialId, version: 3 })).rejects.toBeInstanceOf(StaleRecordError);
    expect((await readCredentialRecord(dynamodb, TABLE, handMade.credentialId))?.status).toBe('active');

    await revokeUndeclaredRecord(store, handMade);
    expect(await readCredentialRecord(dynamodb, TABLE, handMade.credentialId)).toMatchObject({
      status: 'revoked',
      revokedAt: '2026-11-27T22:00:00.000Z',
      version: 5,
      secretHash: handMade.secretHash,
    });
  });
});

describe('describeSecretState', () => {
  test('tells a current value, no current value, scheduled deletion and a missing secret apart', async () => {
    const name = `data-api/credentials/drift-${randomUUID().slice(0, 8)}`;
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: name }));
    const arn = ARN!;
    expect(await describeSecretState(secrets, arn)).toBe('no-value');

    await secrets.send(new PutSecretValueCommand({ SecretId: arn, SecretString: '{"x":1}' }));
    expect(await describeSecretState(secrets, arn)).toBe('present');

    const described = await secrets.send(new DescribeSecretCommand({ SecretId: arn }));
    const current = Object.entries(described.VersionIdsToStages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))![0];
    await secrets.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', RemoveFromVersionId: current }));
    expect(await describeSecretState(secrets, arn)).toBe('no-value');

    await secrets.send(new DeleteSecretCommand({ SecretId: arn, RecoveryWindowInDays: 7 }));
    expect(await describeSecretState(secrets, arn)).toBe('scheduled-for-deletion');

    await secrets.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));
    expect(await describeSecretState(secrets, arn)).toBe('missing');
  });
});
