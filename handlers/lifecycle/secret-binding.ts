/**
 * How a credential is bound to its secret: the tags that carry Terraform's declaration, the
 * store's name prefix, the idempotent version token of a write, and whether a secret's value is
 * the one a record was written for (its hash compared in constant time). Used by the lifecycle's
 * writes and the drift read alike.
 */
import { createHash } from 'node:crypto';
import { CredentialInput, SECRET_TAGS } from '../contract/credential';
import { matchesHashOf, parseAdoptedApiKey, parseSecretValue, secretMatchesHash, secretOf } from '../secret-format';
import { CredentialRecord, SecretStore } from '../store/credential-record';
import { lifecycleErrors } from './messages';

/**
 * Binds a write to Terraform's intent: the secret must carry the tags the stack gave it for this
 * store, this instance and exactly these scopes. A direct invocation with a made-up or another
 * credential's instance, another secret, or more scopes than declared finds different tags and
 * is refused before anything is written; only the provider, the deployer and the admins may
 * change the tags (the secret's policy).
 */
export async function assertDeclared(input: CredentialInput, deps: { readonly secrets: SecretStore; readonly storeName: string }): Promise<void> {
  const tags = await deps.secrets.readTags(input.secretArn);
  const declared = {
    store: tags[SECRET_TAGS.STORE],
    instance: tags[SECRET_TAGS.INSTANCE],
    scopes: tags[SECRET_TAGS.SCOPES],
  };
  const wanted = { store: deps.storeName, instance: input.instanceId, scopes: input.scopes.join(' ') };
  const differ = (Object.keys(wanted) as Array<keyof typeof wanted>).filter((k) => declared[k] !== wanted[k]);
  if (differ.length > 0) {
    throw lifecycleErrors.undeclaredWrite(input.secretArn, differ.map((k) => [k, wanted[k]] as const));
  }
}

/**
 * The secret name is the ARN's resource part without the 6-character suffix Secrets Manager
 * appends; a partial ARN (no suffix) is taken as is.
 */
export function secretNameOfArn(secretArn: string): string {
  const resource = secretArn.slice(secretArn.indexOf(':secret:') + ':secret:'.length);
  return resource.replace(/-[A-Za-z0-9]{6}$/, '');
}

/** Defence in depth besides IAM: the provider writes only into secrets named with its prefix. */
export function assertSecretWithinPrefix(secretArn: string, prefix: string): void {
  const name = secretNameOfArn(secretArn);
  if (!secretArn.includes(':secret:') || !name.startsWith(prefix) || name.length === prefix.length) {
    throw lifecycleErrors.secretOutsidePrefix(secretArn, prefix);
  }
}

/**
 * The `ClientRequestToken` of a secret write, UUID-shaped: the same instance and hash always give
 * the same token, so Secrets Manager ignores a repeated write instead of adding a version.
 */
export function secretVersionToken(instanceId: string, secretHash: string): string {
  const hex = createHash('sha256').update(`data-api-credential-version:${instanceId}:${secretHash}`, 'utf8').digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-');
}

/** Whether a secret value is the one this record was written for (`key`: the store's hash key, for an adopted key's HMAC). */
export function valueHoldsRecord(text: string | undefined, record: CredentialRecord, key?: Uint8Array): boolean {
  if (record.adopted === true) {
    const apiKey = text === undefined ? undefined : parseAdoptedApiKey(text);
    return apiKey !== undefined && matchesHashOf(apiKey, record, key);
  }
  const value = text === undefined ? undefined : parseSecretValue(text);
  if (value === undefined || value.authType !== record.authType || value.credentialId !== record.credentialId) return false;
  if (value.authType === 'oauth2' && value.clientId !== record.clientId) return false;
  return secretMatchesHash(secretOf(value), record.secretHash);
}
