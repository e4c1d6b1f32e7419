/**
 * The Data API gateway's runtime: the OAuth 2.0 authorization server (token endpoint, revocation,
 * introspection, metadata) and the records verifier, as pure logic over small ports. The Lambda
 * entry points are `token-handler.ts` and `records-handler.ts` (each bundled on its own, so
 * neither loads the other's AWS clients).
 */
export { ACCESS_TOKEN_PATTERN, bearerKind, generateAccessToken, isAccessToken, redactGatewaySecrets } from './access-token';
export { bearerValue, forbidden, unauthorized, verifyBearer, verifyBearerValue } from './authorizer';
export type { AuthorizerDeps, Principal, Rejection, Verification } from './authorizer';
export { readVerifierConfig, resetVerifierConfig, verifierConfig } from './config';
export { ConfigurationError } from '../errors';
export type { BackendConfig, VerifierConfig } from './config';
export type { HttpApiEvent, HttpResponse } from './http';
export { handleRecordsRequest, LastUsedThrottle, responseOfLambdaResult, VerificationCache } from './records';
export type { RecordsBackend, RecordsDeps, RecordsOutcome } from './records';
export { handleTokenRequest } from './token-endpoint';
export type { TokenEndpointDeps, TokenOutcome } from './token-endpoint';
export { authenticateClient, MAX_FORM_BYTES, readForm, readTokenRequest } from './client-auth';
export type { ClientAuthDeps, OAuthErrorCode, OAuthFailure } from './client-auth';
export { handleIntrospectionRequest } from './introspection';
export type { IntrospectionDeps, IntrospectionOutcome } from './introspection';
export { authorizationServerMetadata, baseUrlOf, handleMetadataRequest, protectedResourceMetadata } from './metadata';
export type { MetadataDeps, MetadataOutcome } from './metadata';
export { handleRevocationRequest } from './revocation';
export type { RevocationDeps, RevocationOutcome } from './revocation';
