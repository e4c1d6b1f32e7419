/**
 * Credential records in DynamoDB: the records' reads, conditional writes and the adopted keys'
 * lookup items. The layout (keys, attributes, types) is `contract/table.ts`.
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
  EDITABLE_FIELD_NAMES,
  EDITABLE_FIELDS,
  EditableFieldName,
  EditableFields,
} from '../contract/credential';
import { RECORD_ATTRIBUTES, TABLE } from '../contract/table';
import { CorruptRecordError, StaleRecordError } from '../errors';
import { clientLookupHash } from '../secret-format';
import { awsErrorName } from '../runtime/aws';
import { CredentialRecord } from '../lifecycle/credential-record';
import { CredentialTable, WriteCondition } from '../lifecycle/ports';
import { lifecycleErrors } from '../lifecycle/messages';

type Item = Record<string, AttributeValue>;

export { CorruptRecordError } from '../errors';

/** A missing table is a deployment problem worth a clear message; anything else is rethrown as is. */
function tableError(error: unknown, tableName: string): unknown {
  return awsErrorName(error) === 'ResourceNotFoundException' ? lifecycleErrors.missingTable(tableName, error) : error;
}

export function recordKey(credentialId: string): Item {
  return { [TABLE.PARTITION_KEY]: { S: `${TABLE.CREDENTIAL_PREFIX}${credentialId}` } };
}

export function marshalRecord(record: CredentialRecord): Item {
  const item: Item = { ...recordKey(record.credentialId) };
  for (const [name, type] of Object.entries(RECORD_ATTRIBUTES)) {
    const value = (record as Readonly<Record<string, unknown>>)[name];
    if (value === undefined || (type === 'BOOL' && value !== true)) continue;
    item[name] =
      type === 'S' ? { S: value as string } : type === 'N' ? { N: String(value) } : type === 'SS' ? { SS: [...(value as string[])] } : { BOOL: true };
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
  const optionalText = (attribute: string): string | undefined => (item[attribute] === undefined ? undefined : text(attribute));
  const optionalNumber = (attribute: string): number | undefined => {
    if (item[attribute] === undefined) return undefined;
    const value = Number(item[attribute].N);
    return Number.isSafeInteger(value) && value >= 0 ? value : corrupt(attribute, 'a non-negative integer');
  };
  const oneOf = <T extends string>(attribute: string, allowed: readonly T[]): T => {
    const value = text(attribute);
    return (allowed as readonly string[]).includes(value) ? (value as T) : corrupt(attribute, allowed.join(' or '));
  };
  /** A declared field: checked by its type, a set also by its field's validator (canonical order). */
  const editable = (name: EditableFieldName): unknown => {
    const spec: { readonly attribute: string; readonly required?: true } = EDITABLE_FIELDS[name];
    if (item[name] === undefined && spec.required === undefined) return undefined;
    if (spec.attribute === 'S') return text(name);
    if (spec.attribute === 'N') return optionalNumber(name) ?? corrupt(name, 'a non-negative integer');
    try {
      return EDITABLE_FIELDS[name].validate(item[name]?.SS, name);
    } catch {
      return corrupt(name, 'a valid set');
    }
  };

  const version = Number(item.version?.N);
  if (!Number.isSafeInteger(version) || version < 1) corrupt('version', 'a positive integer');
  const credentialId = text('credentialId');
  if (key !== `${TABLE.CREDENTIAL_PREFIX}${credentialId}`) corrupt('credentialId', `the id in the key ${key}`);
  const declared = Object.fromEntries(
    EDITABLE_FIELD_NAMES.map((name) => [name, editable(name)] as const).filter(([, value]) => value !== undefined),
  ) as EditableFields;
  const optional = {
    clientId: optionalText('clientId'),
    revokedAt: optionalText('revokedAt'),
    lastUsedAt: optionalText(TABLE.LAST_USED_ATTRIBUTE),
    retiresAt: optionalText('retiresAt'),
    validUntil: optionalText('validUntil'),
    expiresAt: optionalNumber(TABLE.TTL_ATTRIBUTE),
    predecessorId: optionalText('predecessorId'),
    adopted: item.adopted?.BOOL === true ? true : undefined,
    hashScheme: item.hashScheme?.S === 'hmac-sha256' ? ('hmac-sha256' as const) : undefined,
  };
  return {
    credentialId,
    instanceId: text('instanceId'),
    ...declared,
    authType: oneOf<AuthTypeName>('authType', AUTH_TYPE_NAMES),
    secretArn: text('secretArn'),
    secretHash: text('secretHash'),
    status: oneOf<CredentialStatus>('status', CREDENTIAL_STATUSES),
    createdAt: text('createdAt'),
    updatedAt: text('updatedAt'),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
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

  async pointClientId(clientId: string, credentialId: string): Promise<void> {
    await this.client
      .send(new PutItemCommand({ TableName: this.tableName, Item: { ...keyHashKey(clientLookupHash(clientId)), credentialId: { S: credentialId } } }))
      .catch((error: unknown) => {
        throw tableError(error, this.tableName);
      });
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
      if (awsErrorName(error) === 'ConditionalCheckFailedException') throw lifecycleErrors.keyAlreadyAdopted(credentialId);
      throw tableError(error, this.tableName);
    }
  }
}
