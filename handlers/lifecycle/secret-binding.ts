/**
 * How a credential is bound to its secret: the tags that carry Terraform's declaration, the
 * store's name prefix, the idempotent version token of a write, and whether a secret's value is
 * the one a record was written for (its hash compared in constant time). Used by the lifecycle's
 * writes and the drift read alike.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { CredentialInput, declarationText, SECRET_TAGS } from '../contract/credential';
import { hashSecret, matchesHashOf, parseAdoptedApiKey, parseSecretValue, secretMatchesHash, secretOf } from '../secret-format';
import { CredentialRecord } from './credential-record';
import { SecretStore } from './ports';
import { lifecycleErrors } from './messages';

/**
 * The declaration tag's value for an input: the digest of everything Terraform declares for the
 * credential (see `SECRET_TAGS.DECLARATION`), as the constructs and the module tag the secret.
 */
export function declarationDigest(storeName: string, input: Omit<CredentialInput, 'secretArn' | 'adopt'>): string {
  return hashSecret(`${input.instanceId}\n${hashSecret(declarationText(storeName, input))}`);
}

/** The tags Terraform gives a credential's secret for this input (tests and tools that stand in for Terraform use it too). */
export function declarationTags(storeName: string, input: Omit<CredentialInput, 'secretArn' | 'adopt'>): Record<string, string> {
  return { [SECRET_TAGS.STORE]: storeName, [SECRET_TAGS.DECLARATION]: declarationDigest(storeName, input) };
}

/**
 * Binds a write or a read to Terraform's intent: the secret must carry this store's tag and the
 * digest of exactly this input (instance, auth type, name, description, scopes, grace periods).
 * A direct invocation with a made-up or another credential's instance, another secret, or any
 * field that differs from the declaration finds a different digest and is refused before anything
 * is written or read; only the provider and the deployer may change the tags (the secret's policy).
 * The error names what is bound, never a value of the secret's tags.
 */
export async function assertDeclared(
  input: CredentialInput,
  deps: { readonly secrets: SecretStore; readonly storeName: string },
  purpose: 'write' | 'read' = 'write',
): Promise<void> {
  assertTagsDeclared(input, (await deps.secrets.readMetadata(input.secretArn)).tags, deps.storeName, purpose);
}

/** `assertDeclared` on tags already read. */
export function assertTagsDeclared(input: CredentialInput, tags: Readonly<Record<string, string>>, storeName: string, purpose: 'write' | 'read'): void {
  const differ: string[] = [];
  if (tags[SECRET_TAGS.STORE] !== storeName) differ.push('store');
  const digest = tags[SECRET_TAGS.DECLARATION];
  if (digest === undefined || !digestsEqual(digest, declarationDigest(storeName, input))) differ.push('declaration');
  if (differ.length > 0) throw lifecycleErrors.undeclared(purpose, input.secretArn, differ);
}

function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
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
