/**
 * Credential records in DynamoDB: the only module that calls the DynamoDB API.
 *
 * One item per credential, key `pk = "CRED#<credentialId>"` (see `TABLE` in the contract):
 *
 * | attribute    | type | notes                                                    |
 * |--------------|------|----------------------------------------------------------|
 * | pk           | S    | `CRED#<credentialId>`                                    |
 * | credentialId | S    | 32 hex                                                   |
 * | instanceId   | S    | the Terraform credential instance that owns the record   |
 * | name         | S    |                                                          |
 * | description  | S    | absent when none                                         |
 * | authType     | S    | `api_key` or `oauth2`                                    |
 * | scopes       | SS   | at least one                                             |
 * | secretArn    | S    | where the secret value lives                             |
 * | secretHash   | S    | SHA-256 hex of the API key or client secret; never the secret |
 * | clientId     | S    | OAuth 2.0 only                                           |
 * | status       | S    | `pending`, `active`, `retiring` or `revoked`             |
 * | createdAt    | S    | ISO 8601                                                 |
 * | updatedAt    | S    | ISO 8601                                                 |
 * | revokedAt    | S    | only when revoked                                        |
 * | retiresAt    | S    | only when retiring: the end of its grace period          |
 * | expiresAt    | N    | TTL (epoch seconds): only on a retiring record           |
 * | rotationGracePeriodHours, authTypeChangeGracePeriodHours | N | declared grace for the predecessor |
 * | lastUsedAt   | S    | set by the verifier (UpdateItem, version untouched)      |
 * | version      | N    | +1 on every write; every write is conditional on it      |
 * | adopted      | BOOL | only on an adopted API key                               |
 * | predecessorId | S   | the credential this one replaced in the same secret      |
 * | hashScheme   | S    | `hmac-sha256` on an adopted key hashed with the store's key |
 *
 * An adopted API key also has a lookup item `pk = "KEYHASH#<secretHash>"` with its `credentialId`.
 */
import {
  AttributeValue,
  DynamoDBClient,
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  PutItemCommandInput,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  AUTH_TYPE_NAMES,
  AuthTypeName,
  CREDENTIAL_STATUSES,
  CredentialStatus,
  SCOPE_NAMES,
  ScopeName,
  TABLE,
} from '../contract';
import { CredentialError, NotFoundError } from '../errors';
import { awsErrorName } from './aws-error';
import { CredentialRecord, CredentialTable, keyAlreadyAdopted, StaleRecordError, WriteCondition } from './credential-record';

type Item = Record<string, AttributeValue>;

/** An item under a `CRED#` key that is not a valid credential record. */
export class CorruptRecordError extends CredentialError {}

/** A missing table is a deployment problem worth a clear message; anything else is rethrown as is. */
function tableError(error: unknown, tableName: string): unknown {
  return awsErrorName(error) === 'ResourceNotFoundException'
    ? new NotFoundError(`The credential table ${tableName} does not exist (or is not visible to the provider)`, {
        cause: error,
      })
    : error;
}

export function recordKey(credentialId: string): Item {
  return { [TABLE.PARTITION_KEY]: { S: `${TABLE.CREDENTIAL_PREFIX}${credentialId}` } };
}

export function marshalRecord(record: CredentialRecord): Item {
  const item: Item = {
    ...recordKey(record.credentialId),
    credentialId: { S: record.credentialId },
    instanceId: { S: record.instanceId },
    name: { S: record.name },
    authType: { S: record.authType },
    scopes: { SS: [...record.scopes] },
    secretArn: { S: record.secretArn },
    secretHash: { S: record.secretHash },
    status: { S: record.status },
    createdAt: { S: record.createdAt },
    updatedAt: { S: record.updatedAt },
    version: { N: String(record.version) },
  };
  if (record.description !== undefined) item.description = { S: record.description };
  if (record.clientId !== undefined) item.clientId = { S: record.clientId };
  if (record.revokedAt !== undefined) item.revokedAt = { S: record.revokedAt };
  if (record.lastUsedAt !== undefined) item.lastUsedAt = { S: record.lastUsedAt };
  if (record.retiresAt !== undefined) item.retiresAt = { S: record.retiresAt };
  if (record.adopted === true) item.adopted = { BOOL: true };
  if (record.predecessorId !== undefined) item.predecessorId = { S: record.predecessorId };
  if (record.hashScheme !== undefined) item.hashScheme = { S: record.hashScheme };
  if (record.expiresAt !== undefined) item[TABLE.TTL_ATTRIBUTE] = { N: String(record.expiresAt) };
  if (record.rotationGracePeriodHours !== undefined) item.rotationGracePeriodHours = { N: String(record.rotationGracePeriodHours) };
  if (record.authTypeChangeGracePeriodHours !== undefined) {
    item.authTypeChangeGracePeriodHours = { N: String(record.authTypeChangeGracePeriodHours) };
  }
  return item;
}

export function unmarshalRecord(item: Item): CredentialRecord {
  const key = item[TABLE.PARTITION_KEY]?.S ?? '(no key)';
  const corrupt = (attribute: string, expected: string): never => {
    throw new CorruptRecordError(`Credential record ${key} is malformed: attribute ${attribute} is not ${expected}`);
  };
  const text = (attribute: string): string => {
    const value = item[attribute]?.S;
    return typeof value === 'string' && value !== '' ? value : corrupt(attribute, 'a non-empty string');
  };
  const optionalText = (attribute: string): string | undefined =>
    item[attribute] === undefined ? undefined : text(attribute);
  const oneOf = <T extends string>(attribute: string, allowed: readonly T[]): T => {
    const value = text(attribute);
    return (allowed as readonly string[]).includes(value) ? (value as T) : corrupt(attribute, allowed.join(' or '));
  };

  const scopeSet = item.scopes?.SS;
  if (!Array.isArray(scopeSet) || scopeSet.length === 0 || !scopeSet.every((s) => (SCOPE_NAMES as readonly string[]).includes(s))) {
    corrupt('scopes', 'a set of known scopes');
  }
  const version = Number(item.version?.N);
  if (!Number.isSafeInteger(version) || version < 1) corrupt('version', 'a positive integer');

  const credentialId = text('credentialId');
  if (key !== `${TABLE.CREDENTIAL_PREFIX}${credentialId}`) corrupt('credentialId', `the id in the key ${key}`);
  const description = optionalText('description');
  const clientId = optionalText('clientId');
  const revokedAt = optionalText('revokedAt');
  const lastUsedAt = optionalText('lastUsedAt');
  const retiresAt = optionalText('retiresAt');
  const predecessorId = optionalText('predecessorId');
  const optionalNumber = (attribute: string): number | undefined => {
    if (item[attribute] === undefined) return undefined;
    const value = Number(item[attribute].N);
    return Number.isSafeInteger(value) && value >= 0 ? value : corrupt(attribute, 'a non-negative integer');
  };
  const expiresAt = optionalNumber(TABLE.TTL_ATTRIBUTE);
  const rotationGracePeriodHours = optionalNumber('rotationGracePeriodHours');
  const authTypeChangeGracePeriodHours = optionalNumber('authTypeChangeGracePeriodHours');
  return {
    credentialId,
    instanceId: text('instanceId'),
    name: text('name'),
    ...(description === undefined ? {} : { description }),
    authType: oneOf<AuthTypeName>('authType', AUTH_TYPE_NAMES),
    scopes: SCOPE_NAMES.filter((s): s is ScopeName => (scopeSet as string[]).includes(s)),
    secretArn: text('secretArn'),
    secretHash: text('secretHash'),
    ...(clientId === undefined ? {} : { clientId }),
    status: oneOf<CredentialStatus>('status', CREDENTIAL_STATUSES),
    createdAt: text('createdAt'),
    updatedAt: text('updatedAt'),
    ...(revokedAt === undefined ? {} : { revokedAt }),
    ...(lastUsedAt === undefined ? {} : { lastUsedAt }),
    ...(retiresAt === undefined ? {} : { retiresAt }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(rotationGracePeriodHours === undefined ? {} : { rotationGracePeriodHours }),
    ...(authTypeChangeGracePeriodHours === undefined ? {} : { authTypeChangeGracePeriodHours }),
    ...(item.adopted?.BOOL === true ? { adopted: true } : {}),
    ...(predecessorId === undefined ? {} : { predecessorId }),
    ...(item.hashScheme?.S === 'hmac-sha256' ? { hashScheme: 'hmac-sha256' as const } : {}),
    version,
  };
}

/** Reads one record, strongly consistent. For the provider and for later readers (verifier, drift). */
export async function readCredentialRecord(
  client: DynamoDBClient,
  tableName: string,
  credentialId: string,
): Promise<CredentialRecord | undefined> {
  const out = await client
    .send(new GetItemCommand({ TableName: tableName, Key: recordKey(credentialId), ConsistentRead: true }))
    .catch((error: unknown) => {
      throw tableError(error, tableName);
    });
  return out.Item === undefined ? undefined : unmarshalRecord(out.Item);
}

export function keyHashKey(secretHash: string): Item {
  return { [TABLE.PARTITION_KEY]: { S: `${TABLE.KEY_HASH_PREFIX}${secretHash}` } };
}

/** The credential id of an adopted API key, by the key's hash; undefined when no key has it. */
export async function readAdoptedKeyCredentialId(
  client: DynamoDBClient,
  tableName: string,
  secretHash: string,
): Promise<string | undefined> {
  const out = await client.send(new GetItemCommand({ TableName: tableName, Key: keyHashKey(secretHash), ConsistentRead: true }));
  const credentialId = out.Item?.credentialId?.S;
  return typeof credentialId === 'string' && credentialId !== '' ? credentialId : undefined;
}

/** Every credential record, page by page (a Scan: for the CLI's list and drift checks, not for the provider). */
export async function* listCredentialRecords(
  client: DynamoDBClient,
  tableName: string,
): AsyncGenerator<CredentialRecord, void, undefined> {
  let startKey: Item | undefined;
  do {
    const out = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        FilterExpression: 'begins_with(#pk, :prefix)',
        ExpressionAttributeNames: { '#pk': TABLE.PARTITION_KEY },
        ExpressionAttributeValues: { ':prefix': { S: TABLE.CREDENTIAL_PREFIX } },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    for (const item of out.Items ?? []) yield unmarshalRecord(item);
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
}

/** Keys per BatchGetItem request: DynamoDB's limit. */
export const BATCH_GET_MAX_KEYS = 100;
/** Rounds of BatchGetItem for the keys DynamoDB left unprocessed (throttling, the 16 MB answer limit). */
const BATCH_GET_MAX_ROUNDS = 8;

/**
 * Reads many records, strongly consistent, in BatchGetItem requests of up to 100 keys (the drift
 * check reads every checked credential of a store in one invocation: one request per 100 instead of
 * one per credential). Records by credential id; an id without a record is absent from the map.
 */
export async function readCredentialRecords(
  client: DynamoDBClient,
  tableName: string,
  credentialIds: readonly string[],
): Promise<Map<string, CredentialRecord>> {
  const records = new Map<string, CredentialRecord>();
  const unique = [...new Set(credentialIds)];
  for (let start = 0; start < unique.length; start += BATCH_GET_MAX_KEYS) {
    let keys: Item[] = unique.slice(start, start + BATCH_GET_MAX_KEYS).map(recordKey);
    for (let round = 0; keys.length > 0; round++) {
      if (round === BATCH_GET_MAX_ROUNDS) throw new Error(`DynamoDB left ${keys.length} keys of ${tableName} unread after ${round} BatchGetItem rounds`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      const out = await client
        .send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }))
        .catch((error: unknown) => {
          throw tableError(error, tableName);
        });
      for (const item of out.Responses?.[tableName] ?? []) {
        // By the key it was read under, as a GetItem of that key would have returned it.
        records.set(String(item[TABLE.PARTITION_KEY]?.S).slice(TABLE.CREDENTIAL_PREFIX.length), unmarshalRecord(item));
      }
      keys = (out.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined) ?? [];
    }
  }
  return records;
}

export class DynamoDbCredentialTable implements CredentialTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  read(credentialId: string): Promise<CredentialRecord | undefined> {
    return readCredentialRecord(this.client, this.tableName, credentialId);
  }

  /** Many records at once (see `readCredentialRecords`): the drift check's reads. */
  readMany(credentialIds: readonly string[]): Promise<Map<string, CredentialRecord>> {
    return readCredentialRecords(this.client, this.tableName, credentialIds);
  }

  async write(record: CredentialRecord, condition: WriteCondition): Promise<void> {
    const expected = condition.kind === 'absent' ? 1 : condition.version + 1;
    if (record.version !== expected) {
      throw new RangeError(`record version ${record.version} does not follow the expected version ${expected - 1}`);
    }
    const guard: Pick<PutItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> =
      condition.kind === 'absent'
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.PARTITION_KEY } }
        : {
            ConditionExpression: '#version = :version AND #instanceId = :instanceId',
            ExpressionAttributeNames: { '#version': 'version', '#instanceId': 'instanceId' },
            ExpressionAttributeValues: {
              ':version': { N: String(condition.version) },
              ':instanceId': { S: condition.instanceId },
            },
          };
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: marshalRecord(record), ...guard }));
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') throw new StaleRecordError(record.credentialId);
      throw tableError(error, this.tableName);
    }
  }

  keyHashHolder(secretHash: string): Promise<string | undefined> {
    return readAdoptedKeyCredentialId(this.client, this.tableName, secretHash);
  }

  async claimKeyHash(secretHash: string, credentialId: string): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...keyHashKey(secretHash), credentialId: { S: credentialId } },
          ConditionExpression: 'attribute_not_exists(#pk) OR #credentialId = :credentialId',
          ExpressionAttributeNames: { '#pk': TABLE.PARTITION_KEY, '#credentialId': 'credentialId' },
          ExpressionAttributeValues: { ':credentialId': { S: credentialId } },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') throw keyAlreadyAdopted(credentialId);
      throw tableError(error, this.tableName);
    }
  }
}
