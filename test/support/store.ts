/**
 * Read-only views of what the local AWS holds, for e2e assertions: the store's records as plain
 * objects and a secret's current value. Written against the SDK directly, not the code under test.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHash } from 'node:crypto';

export interface StoredRecord {
  pk: string;
  credentialId: string;
  instanceId: string;
  name: string;
  authType: string;
  scopes: string[];
  status: string;
  secretHash: string;
  secretArn: string;
  version: string;
  clientId?: string;
}

const dynamodb = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});

/** Every credential record of a table (items whose key starts with `CRED#`). */
export async function credentialRecords(table: string): Promise<StoredRecord[]> {
  const items = [];
  let start: ScanCommand['input']['ExclusiveStartKey'];
  for (let page = 0; page < 100; page++) {
    const out = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
    if (!start) break;
  }
  return items
    .filter((item) => item.pk?.S?.startsWith('CRED#'))
    .map((item) => {
      const plain: { [k: string]: unknown } = {};
      for (const [key, value] of Object.entries(item)) plain[key] = value.S ?? value.N ?? value.SS;
      return plain as unknown as StoredRecord;
    });
}

/** The secret's current value, or undefined while it has none. */
export async function currentSecretValue(secretArn: string): Promise<string | undefined> {
  try {
    return (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The API key or client secret inside a secret's JSON value. */
export function secretOfValue(json: string): string {
  const value = JSON.parse(json) as { apiKey?: string; clientSecret?: string };
  const secret = value.apiKey ?? value.clientSecret;
  if (!secret) throw new Error('the secret value holds neither apiKey nor clientSecret');
  return secret;
}
