/**
 * The Data API gateway's runtime: the OAuth 2.0 token endpoint and the records verifier, as pure
 * logic over small ports. The Lambda entry points are `token-handler.ts` and `records-handler.ts`
 * (each bundled on its own, so neither loads the other's AWS clients).
 */
export { ACCESS_TOKEN_PATTERN, bearerKind, generateAccessToken, isAccessToken, redactGatewaySecrets } from './access-token';
export { bearerValue, forbidden, unauthorized, verifyBearer } from './authorizer';
export type { AuthorizerDeps, Principal, Rejection, Verification } from './authorizer';
export { readVerifierConfig, resetVerifierConfig, verifierConfig, VerifierConfigError } from './config';
export type { BackendConfig, VerifierConfig } from './config';
export type { HttpApiEvent, HttpResponse } from './http';
export { handleRecordsRequest, LastUsedThrottle, responseOfLambdaResult, VerificationCache } from './records';
export type { RecordsBackend, RecordsDeps, RecordsOutcome } from './records';
export { handleTokenRequest } from './token-endpoint';
export type { TokenEndpointDeps, TokenOutcome } from './token-endpoint';
