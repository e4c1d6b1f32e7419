/**
 * The token function, the gateway's authorization server (HTTP API payload 2.0): AWS wiring around
 * the token endpoint, revocation, introspection and the metadata documents, chosen by the route
 * API Gateway matched. One function for the five OAuth routes: one role, one warm instance pool.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { DATA_API_ROUTES } from '../contract/gateway';
import { readAdoptedKeyCredentialId, readCredentialRecord } from '../store/dynamodb-credential-table';
import { DynamoDbTokenTable } from '../store/dynamodb-token-table';
import { readOnlyHashKey } from '../store/secrets-manager-secret-store';
import { verifierConfig } from './config';
import { json } from './http';
import { handleIntrospectionRequest, IntrospectionDeps } from './introspection';
import { handleMetadataRequest, MetadataDeps } from './metadata';
import { handleRevocationRequest, RevocationDeps } from './revocation';
import { handleTokenRequest, TokenEndpointDeps } from './token-endpoint';
import { GatewayHandler, wrapGatewayHandler } from './wrap';
import { awsClientConfig } from '../runtime/aws';

type OAuthDeps = TokenEndpointDeps & RevocationDeps & IntrospectionDeps & MetadataDeps;

let deps: OAuthDeps | undefined;

function awsDeps(): OAuthDeps {
  if (deps === undefined) {
    const config = verifierConfig();
    const client = new DynamoDBClient(awsClientConfig(config.region, 'gateway'));
    const tokens = new DynamoDbTokenTable(client, config.tableName);
    deps = {
      readCredential: (id) => readCredentialRecord(client, config.tableName, id),
      putToken: (token) => tokens.put(token),
      readToken: (hash) => tokens.read(hash),
      deleteToken: (hash, credentialId) => tokens.delete(hash, credentialId),
      findAdoptedKey: (hash) => readAdoptedKeyCredentialId(client, config.tableName, hash),
      ...(config.hashKeySecretArn === undefined ? {} : { hashKey: readOnlyHashKey(config.region, config.hashKeySecretArn) }),
      introspectors: new Set(config.introspectionCredentialIds),
      ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
      now: () => new Date(),
      randomBytes,
    };
  }
  return deps;
}

const ENDPOINTS: Readonly<Record<string, GatewayHandler>> = {
  [DATA_API_ROUTES.TOKEN]: wrapGatewayHandler('token', (event) => handleTokenRequest(event, awsDeps())),
  [DATA_API_ROUTES.REVOKE]: wrapGatewayHandler('revoke', (event) => handleRevocationRequest(event, awsDeps())),
  [DATA_API_ROUTES.INTROSPECT]: wrapGatewayHandler('introspect', (event) => handleIntrospectionRequest(event, awsDeps())),
  [DATA_API_ROUTES.SERVER_METADATA]: wrapGatewayHandler('metadata', async (event) => handleMetadataRequest(event, awsDeps())),
  [DATA_API_ROUTES.RESOURCE_METADATA]: wrapGatewayHandler('metadata', async (event) => handleMetadataRequest(event, awsDeps())),
};

export const handler: GatewayHandler = async (event, context) => {
  const endpoint = ENDPOINTS[event?.routeKey ?? ''];
  return endpoint === undefined ? json(404, { message: 'Not Found' }) : endpoint(event, context);
};
