/**
 * Access tokens and last-used stamps in the credential table: the DynamoDB calls of the token
 * function (issue, read, revoke) and the records verifier (read, last used).
 *
 * One item per issued access token, key `pk = "TOKEN#<sha256 hex of the token>"`; never the token:
 *
 * | attribute    | type | notes                                                   |
 * |--------------|------|---------------------------------------------------------|
 * | pk           | S    | `TOKEN#<tokenHash>`                                     |
 * | credentialId | S    | the credential it was issued to                         |
 * | scopes       | SS   | the scopes granted at issue time                        |
 * | issuedAt     | S    | ISO 8601                                                |
 * | expiresAt    | N    | epoch seconds; the table's TTL attribute                |
 *
 * DynamoDB deletes expired items only eventually (within days), so readers check `expiresAt`.
 */
import { AttributeValue, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SCOPE_NAMES, ScopeName } from '../contract/credential';
import { TABLE } from '../contract/table';
import { awsErrorName } from '../runtime/aws';
import { recordKey } from './dynamodb-credential-table';

/** What the store keeps of an access token. */
export interface TokenRecord {
  /** SHA-256 hex of the token. */
  readonly tokenHash: string;
  readonly credentialId: string;
  readonly scopes: ScopeName[];
  readonly issuedAt: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export interface TokenTable {
  put(token: TokenRecord): Promise<void>;
  /** The token's item, read strongly consistent; undefined when there is none (or it is malformed). */
  read(tokenHash: string): Promise<TokenRecord | undefined>;
  /**
   * Deletes the token's item if it was issued to `credentialId` (the condition is checked by
   * DynamoDB, in the same call). False when there is no such item, or it is another credential's.
   */
  delete(tokenHash: string, credentialId: string): Promise<boolean>;
}

/** Writes `lastUsedAt` on a credential record if it is older than `notAfter` (or absent). */
export interface LastUsedRecorder {
  /** True if written; false if a more recent stamp (or no record) made the write unnecessary. */
  recordLastUsed(credentialId: string, usedAt: string, notAfter: string): Promise<boolean>;
}

type Item = Record<string, AttributeValue>;

export function tokenKey(tokenHash: string): Item {
  return { [TABLE.PARTITION_KEY]: { S: `${TABLE.TOKEN_PREFIX}${tokenHash}` } };
}

export function marshalToken(token: TokenRecord): Item {
  return {
    ...tokenKey(token.tokenHash),
    credentialId: { S: token.credentialId },
    scopes: { SS: [...token.scopes] },
    issuedAt: { S: token.issuedAt },
    [TABLE.TTL_ATTRIBUTE]: { N: String(token.expiresAt) },
  };
}

export function unmarshalToken(item: Item): TokenRecord | undefined {
  const key = item[TABLE.PARTITION_KEY]?.S;
  const credentialId = item.credentialId?.S;
  const issuedAt = item.issuedAt?.S;
  const expiresAt = Number(item[TABLE.TTL_ATTRIBUTE]?.N);
  const scopes = item.scopes?.SS;
  if (
    key === undefined ||
    !key.startsWith(TABLE.TOKEN_PREFIX) ||
    credentialId === undefined ||
    issuedAt === undefined ||
    !Number.isSafeInteger(expiresAt) ||
    !Array.isArray(scopes)
  ) {
    return undefined;
  }
  return {
    tokenHash: key.slice(TABLE.TOKEN_PREFIX.length),
    credentialId,
    scopes: SCOPE_NAMES.filter((s) => scopes.includes(s)),
    issuedAt,
    expiresAt,
  };
}

export class DynamoDbTokenTable implements TokenTable, LastUsedRecorder {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async put(token: TokenRecord): Promise<void> {
    // A new random token never collides; the condition only guards against a reused random source.
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshalToken(token),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.PARTITION_KEY },
      }),
    );
  }

  async read(tokenHash: string): Promise<TokenRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: tokenKey(tokenHash), ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : unmarshalToken(out.Item);
  }

  async delete(tokenHash: string, credentialId: string): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: tokenKey(tokenHash),
          ConditionExpression: '#credentialId = :credentialId',
          ExpressionAttributeNames: { '#credentialId': 'credentialId' },
          ExpressionAttributeValues: { ':credentialId': { S: credentialId } },
        }),
      ),
    );
  }

  async recordLastUsed(credentialId: string, usedAt: string, notAfter: string): Promise<boolean> {
    // Only `lastUsedAt` changes and `version` is left alone, so the provider's version-conditional
    // writes still succeed; they write back the stamp they read.
    return conditionHeld(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: recordKey(credentialId),
          UpdateExpression: 'SET #lastUsedAt = :usedAt',
          ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt < :notAfter)',
          ExpressionAttributeNames: { '#pk': TABLE.PARTITION_KEY, '#lastUsedAt': TABLE.LAST_USED_ATTRIBUTE },
          ExpressionAttributeValues: { ':usedAt': { S: usedAt }, ':notAfter': { S: notAfter } },
        }),
      ),
    );
  }
}

/** True when a conditional write happened, false when its condition did not hold; other errors are thrown. */
async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
