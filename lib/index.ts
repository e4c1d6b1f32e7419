export { AuthType } from './auth-type';
export { CredentialStore } from './credential-store';
export type { CredentialStoreProps } from './credential-store';
export { DataApiCredential } from './data-api-credential';
export type { DataApiCredentialProps } from './data-api-credential';
export { DataApiScope } from './scopes';
export { ConflictError, CredentialError, NotFoundError, ValidationError } from '../handlers/errors';
export { API_KEY_PATTERN, CLIENT_ID_PATTERN, CLIENT_SECRET_PATTERN, isDataApiSecret } from '../handlers/secret-format';
