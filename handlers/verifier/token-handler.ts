/** The token endpoint Lambda (`POST /oauth/v1/token`, HTTP API payload 2.0): AWS wiring around `token-endpoint.ts`. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { readCredentialRecord } from '../store/dynamodb-credential-table';
import { DynamoDbTokenTable } from '../store/dynamodb-token-table';
import { verifierConfig } from './config';
import { handleTokenRequest, TokenEndpointDeps } from './token-endpoint';
import { wrapGatewayHandler } from './wrap';

let deps: TokenEndpointDeps | undefined;

function awsDeps(): TokenEndpointDeps {
  if (deps === undefined) {
    const config = verifierConfig();
    const client = new DynamoDBClient({ region: config.region, maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 } });
    const tokens = new DynamoDbTokenTable(client, config.tableName);
    deps = {
      readCredential: (id) => readCredentialRecord(client, config.tableName, id),
      putToken: (token) => tokens.put(token),
      now: () => new Date(),
      randomBytes,
    };
  }
  return deps;
}

export const handler = wrapGatewayHandler('token', (event) => handleTokenRequest(event, awsDeps()));
