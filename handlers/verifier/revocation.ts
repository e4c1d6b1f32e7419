/**
 * Token revocation (RFC 7009), `POST /oauth/v1/revoke`: a client ends one of its access tokens
 * before its hour is up. Pure logic over small ports; `token-handler.ts` wires DynamoDB in.
 *
 * | request (after client authentication, as at the token endpoint)    | answer                                     |
 * |--------------------------------------------------------------------|--------------------------------------------|
 * | an access token issued to this client                              | 200; its item is deleted: refused at once  |
 * | an unknown, expired or already revoked access token, or any other value | 200, nothing done (section 2.2)       |
 * | an access token issued to another client                           | 400 `unauthorized_client`, nothing done (section 2.1) |
 * | an API key or client secret (by format)                            | 400 `unsupported_token_type` (section 2.2.1) |
 *
 * Section 2.1: the server "verifies whether the token was issued to the client making the
 * revocation request. If this validation fails, the request is refused and the client is informed
 * of the error". Saying so tells the caller nothing it could not learn from the records API with
 * the same value. API keys and client secrets are credentials, not tokens: they end when their
 * credential is destroyed (or rotated) in Terraform, which the error description says. Only values
 * in our own formats are recognised as such, by their shape: no lookup, so the endpoint is no
 * oracle for adopted keys of other formats (those get 200 like any unknown value).
 * `token_type_hint` is ignored (section 2.1 allows that): the format tells what a value is.
 */
import { hashSecret, isDataApiSecret } from '../secret-format';
import type { TokenRecord } from '../store/dynamodb-token-table';
import { isAccessToken } from './access-token';
import { ClientAuthDeps, NO_STORE, OAuthErrorCode, oauthError, readTokenRequest } from './client-auth';
import { HttpApiEvent, HttpResponse } from './http';

export interface RevocationDeps extends ClientAuthDeps {
  readToken(tokenHash: string): Promise<TokenRecord | undefined>;
  /** Deletes the token's item if it belongs to `credentialId`; false when it is gone or another's. */
  deleteToken(tokenHash: string, credentialId: string): Promise<boolean>;
}

export interface RevocationOutcome {
  readonly response: HttpResponse;
  /** `revoked`: an item was deleted; `not_active`: unknown, expired, already revoked or not a token. */
  readonly outcome: 'revoked' | 'not_active' | OAuthErrorCode;
  /** The client that asked. */
  readonly credentialId?: string;
}

const REVOKED: HttpResponse = { statusCode: 200, headers: { ...NO_STORE }, body: '' };

export async function handleRevocationRequest(event: HttpApiEvent, deps: RevocationDeps): Promise<RevocationOutcome> {
  const request = await readTokenRequest(event, deps);
  if ('failure' in request) return request.failure;
  const { token } = request;
  const { credentialId } = request.record;

  if (isDataApiSecret(token)) {
    return {
      ...oauthError(
        400,
        'unsupported_token_type',
        'API keys and client secrets are not revoked here: destroy their credential in Terraform (or rotate it) to revoke them',
      ),
      credentialId,
    };
  }
  if (!isAccessToken(token)) return { response: REVOKED, outcome: 'not_active', credentialId };

  const tokenHash = hashSecret(token);
  const item = await deps.readToken(tokenHash);
  if (item === undefined || item.expiresAt <= Math.floor(deps.now().getTime() / 1000)) {
    return { response: REVOKED, outcome: 'not_active', credentialId };
  }
  if (item.credentialId !== credentialId) {
    return {
      ...oauthError(400, 'unauthorized_client', 'The token was issued to another client: only that client may revoke it'),
      credentialId,
    };
  }
  // Conditional on the owner in DynamoDB too; false only when a concurrent revocation won.
  const deleted = await deps.deleteToken(tokenHash, credentialId);
  return { response: REVOKED, outcome: deleted ? 'revoked' : 'not_active', credentialId };
}
