// First: a clear error when the framework this entry point is built for is missing (see framework.ts).
import './framework';
export { AuthType } from './auth-type';
export { CredentialStore } from './credential-store';
export type { CredentialStoreProps } from './credential-store';
export { DataApiCredential } from './data-api-credential';
export type { AdoptProps, DataApiCredentialProps, RotationProps } from './data-api-credential';
export { DataApiGateway } from './data-api-gateway';
export type { DataApiBackend, DataApiGatewayProps } from './data-api-gateway';
export { DataApiScope } from './scopes';
export { ConflictError, CredentialError, NotFoundError, ValidationError } from '../handlers/errors';
export { API_KEY_PATTERN, CLIENT_ID_PATTERN, CLIENT_SECRET_PATTERN, isDataApiSecret } from '../handlers/secret-format';
