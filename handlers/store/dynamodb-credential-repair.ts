/**
 * The drift repair's one write: put a record's declared name and scopes back, conditional on the
 * version that was read. An UpdateItem, so attributes other writers own (`lastUsedAt`) stay.
 * Never touches the secret, the hash, the status or the auth type.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ScopeName } from '../contract/credential';
import { awsErrorName } from './aws-error';
import { StaleRecordError } from './credential-record';
import { recordKey } from './dynamodb-credential-table';

export interface DeclaredFields {
  readonly credentialId: string;
  /** The record must still belong to this instance, be active and have this version. */
  readonly instanceId: string;
  readonly version: number;
  readonly name: string;
  readonly scopes: readonly ScopeName[];
  /** ISO 8601. */
  readonly updatedAt: string;
}

/** Restores name and scopes; throws `StaleRecordError` when the record changed since it was read. */
export async function restoreDeclaredFields(client: DynamoDBClient, tableName: string, fields: DeclaredFields): Promise<void> {
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: recordKey(fields.credentialId),
        UpdateExpression: 'SET #name = :name, #scopes = :scopes, #updatedAt = :updatedAt, #version = :next',
        ConditionExpression: '#version = :version AND #instanceId = :instanceId AND #status = :active',
        ExpressionAttributeNames: {
          '#name': 'name',
          '#scopes': 'scopes',
          '#updatedAt': 'updatedAt',
          '#version': 'version',
          '#instanceId': 'instanceId',
          '#status': 'status',
        },
        ExpressionAttributeValues: {
          ':name': { S: fields.name },
          ':scopes': { SS: [...fields.scopes] },
          ':updatedAt': { S: fields.updatedAt },
          ':next': { N: String(fields.version + 1) },
          ':version': { N: String(fields.version) },
          ':instanceId': { S: fields.instanceId },
          ':active': { S: 'active' },
        },
      }),
    );
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') throw new StaleRecordError(fields.credentialId);
    throw error;
  }
}
