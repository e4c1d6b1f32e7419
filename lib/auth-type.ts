import { AuthTypeName } from '../handlers/contract/credential';

/** How a credential authenticates. Fixed at creation: changing it replaces the credential. */
export type AuthType = AuthTypeName;

export const AuthType = {
  /** A single API key, sent as `Authorization: Bearer <key>`. */
  API_KEY: 'api_key',
  /** An OAuth 2.0 client (client id + client secret) for the client-credentials grant. The default. */
  OAUTH2: 'oauth2',
} as const satisfies Record<string, AuthTypeName>;
