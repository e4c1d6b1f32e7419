/**
 * Token introspection (RFC 7662), `POST /oauth/v1/introspect`: another resource server in front of
 * the same data asks whether a bearer value it received is active, and what it may read. Pure
 * logic over small ports; `token-handler.ts` wires DynamoDB in.
 *
 * Who may ask: an OAuth 2.0 credential of the store listed in the gateway's `introspectionClients`,
 * authenticating as at the token endpoint (the way client libraries call introspection). Any other
 * client that authenticates gets 403 `unauthorized_client`; one that does not, 401 `invalid_client`.
 *
 * The verdict is the records verifier's own (`verifyBearerValue`), so introspection and the Data API
 * never disagree: access tokens, and API keys too, since the Data API accepts both as bearer values
 * and a resource server in front of the same data must accept the same ones. Anything unknown,
 * malformed, expired, revoked, or of a revoked credential is `{"active": false}` and nothing more
 * (section 2.2).
 *
 * | field          | access token                                   | API key                              |
 * |----------------|------------------------------------------------|--------------------------------------|
 * | scope          | its scopes that its credential still has       | the credential's scopes              |
 * | client_id      | the client it was issued to                    | absent (an API key has no client)    |
 * | token_type     | `Bearer`                                       | `Bearer` (it is sent as a bearer value) |
 * | exp            | its expiry, or the end of its credential's grace period if sooner | that end, only while retiring |
 * | iat            | when it was issued                             | absent                               |
 * | credential_id, auth_type | what the records backend is told (`x-data-api-credential-id`, `-auth-type`) |   |
 */
import { clientIdFor, parseClientId } from '../secret-format';
import { AuthorizerDeps, verifyBearerValue } from './authorizer';
import { ClientAuthDeps, NO_STORE, OAuthErrorCode, oauthError, readTokenRequest } from './client-auth';
import { HttpApiEvent, HttpResponse, json } from './http';

export interface IntrospectionDeps extends ClientAuthDeps, AuthorizerDeps {
  /**
   * Credential ids whose clients may introspect (the gateway's `introspectionClients`): the id a
   * client id names (stable across rotations), or a credential's own id.
   */
  readonly introspectors: ReadonlySet<string>;
}

export interface IntrospectionOutcome {
  readonly response: HttpResponse;
  readonly outcome: 'active' | 'inactive' | OAuthErrorCode;
  /** The client that asked. */
  readonly credentialId?: string;
  /** The credential of an active value: an identifier, never the value. */
  readonly subjectCredentialId?: string;
}

export async function handleIntrospectionRequest(event: HttpApiEvent, deps: IntrospectionDeps): Promise<IntrospectionOutcome> {
  const request = await readTokenRequest(event, deps);
  if ('failure' in request) return request.failure;
  const { token } = request;
  const { credentialId } = request.record;
  // Listed by the credential id, or by its client's (the first credential id of its rotations, which
  // `clientId` names): a rotated introspector keeps its right, with either secret in the grace period.
  const clientLineage = parseClientId(request.record.clientId)?.credentialId;
  if (!deps.introspectors.has(credentialId) && (clientLineage === undefined || !deps.introspectors.has(clientLineage))) {
    return {
      ...oauthError(
        403,
        'unauthorized_client',
        "This client may not introspect tokens: list its credential in the DataApiGateway's introspectionClients",
      ),
      credentialId,
    };
  }
  const verification = await verifyBearerValue(token, deps);
  if (!verification.ok) return { response: json(200, { active: false }, NO_STORE), outcome: 'inactive', credentialId };
  const { principal, expiresAt, issuedAt } = verification;
  return {
    outcome: 'active',
    credentialId,
    subjectCredentialId: principal.credentialId,
    response: json(
      200,
      {
        active: true,
        scope: principal.scopes.join(' '),
        ...(principal.authType === 'oauth2' ? { client_id: principal.clientId ?? clientIdFor(principal.credentialId) } : {}),
        token_type: 'Bearer',
        ...(expiresAt === undefined ? {} : { exp: expiresAt }),
        ...(issuedAt === undefined ? {} : { iat: issuedAt }),
        credential_id: principal.credentialId,
        auth_type: principal.authType,
      },
      NO_STORE,
    ),
  };
}
