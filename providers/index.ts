export { CredentialProviderFunction, PROVIDER_RUNTIME } from './credential-provider-function';
export type { CredentialProviderFunctionProps } from './credential-provider-function';
