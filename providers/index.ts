export { BundledFunction, PROVIDER_RUNTIME } from './bundled-function';
export type { BundledFunctionProps } from './bundled-function';
export { CREDENTIAL_PROVIDER_ENTRY, CredentialProviderFunction } from './credential-provider-function';
export type { CredentialProviderFunctionProps } from './credential-provider-function';
export { GATEWAY_ENTRIES, GatewayFunction } from './gateway-function';
export type { GatewayFunctionKind, GatewayFunctionProps } from './gateway-function';
