export { BundledFunction } from './bundled-function';
export { CREDENTIAL_PROVIDER, FUNCTION_HANDLER, FUNCTION_MEMORY_MB, LOG_WRITE_ACTIONS, PROVIDER_RUNTIME } from './function-settings';
export type { BundledFunctionProps, RoleStatement } from './bundled-function';
export { CredentialProviderFunction } from './credential-provider-function';
export type { CredentialProviderFunctionProps } from './credential-provider-function';
export { GATEWAY_HANDLERS, GatewayFunction } from './gateway-function';
export { HANDLER_ASSET_DIR, HANDLER_SOURCES, handlerAssetPath, packageRoot } from './handler-assets';
export type { HandlerName } from './handler-assets';
export type { GatewayFunctionKind, GatewayFunctionProps } from './gateway-function';
