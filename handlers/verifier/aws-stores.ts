/**
 * What both gateway functions read from AWS, wired once per process: the configuration, the
 * table's credential records, access tokens and adopted keys, and the store's hash key.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfig } from '../runtime/aws';
import { once } from '../runtime/environment';
import { readAdoptedKeyCredentialId, readCredentialRecord } from '../store/dynamodb-credential-table';
import { DynamoDbTokenTable } from '../store/dynamodb-token-table';
import { readOnlyHashKey } from '../store/secrets-manager-secret-store';
import { VerifierConfig, verifierConfig } from './config';
import { AuthorizerDeps } from './authorizer';

export interface GatewayStores extends Pick<AuthorizerDeps, 'readCredential' | 'readToken' | 'findAdoptedKey' | 'hashKey' | 'now'> {
  readonly config: VerifierConfig;
  readonly tokens: DynamoDbTokenTable;
}

export const gatewayStores = once((): GatewayStores => {
  const config = verifierConfig();
  const client = new DynamoDBClient(awsClientConfig(config.region, 'gateway'));
  const tokens = new DynamoDbTokenTable(client, config.tableName);
  return {
    config,
    tokens,
    readCredential: (id) => readCredentialRecord(client, config.tableName, id),
    readToken: (hash) => tokens.read(hash),
    findAdoptedKey: (hash) => readAdoptedKeyCredentialId(client, config.tableName, hash),
    ...(config.hashKeySecretArn === undefined ? {} : { hashKey: readOnlyHashKey(config.region, config.hashKeySecretArn) }),
    now: () => new Date(),
  };
});
