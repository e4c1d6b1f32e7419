import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE } from '../../handlers/contract/table';

/** A credential table as CredentialStore declares it (key `pk`), for handler tests on the local AWS. */
export async function createCredentialTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: TABLE.PARTITION_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: TABLE.PARTITION_KEY, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
