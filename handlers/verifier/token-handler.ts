/**
 * The token function, the gateway's authorization server (HTTP API payload 2.0): AWS wiring around
 * the token endpoint, revocation, introspection and the metadata documents, chosen by the route
 * API Gateway matched. One function for the five OAuth routes: one role, one warm instance pool.
 */
import { randomBytes } from 'node:crypto';
import { DATA_API_ROUTES } from '../contract/gateway';
import { once } from '../runtime/environment';
import { gatewayStores } from './aws-stores';
import { json } from './http';
import { handleIntrospectionRequest, IntrospectionDeps } from './introspection';
import { handleMetadataRequest, MetadataDeps } from './metadata';
import { handleRevocationRequest, RevocationDeps } from './revocation';
import { handleTokenRequest, TokenEndpointDeps } from './token-endpoint';
import { GatewayHandler, wrapGatewayHandler } from './wrap';

type OAuthDeps = TokenEndpointDeps & RevocationDeps & IntrospectionDeps & MetadataDeps;

const awsDeps = once((): OAuthDeps => {
  const { config, tokens, ...stores } = gatewayStores();
  return {
    ...stores,
    putToken: (token) => tokens.put(token),
    deleteToken: (hash, credentialId) => tokens.delete(hash, credentialId),
    introspectors: new Set(config.introspectionCredentialIds),
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    randomBytes,
  };
});

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
