/**
 * The DynamoDB table layout, in one place: one table, a string partition key, the key prefix
 * of each kind of item, the TTL attribute. Pure.
 */

/** DynamoDB layout: one table, a string partition key `pk`, TTL on `expiresAt` (epoch seconds). */
export const TABLE = {
  PARTITION_KEY: 'pk',
  TTL_ATTRIBUTE: 'expiresAt',
  CREDENTIAL_PREFIX: 'CRED#',
  /**
   * `KEYHASH#<sha256 hex>` -> `credentialId`: finds an adopted API key, whose format need not
   * carry its credential id.
   */
  KEY_HASH_PREFIX: 'KEYHASH#',
  /** `TOKEN#<sha256 hex of an access token>`: the token's credential, scopes and expiry (TTL). */
  TOKEN_PREFIX: 'TOKEN#',
  /** Written on a credential record by the records verifier alone (an UpdateItem of this attribute only). */
  LAST_USED_ATTRIBUTE: 'lastUsedAt',
} as const;

/** A retired record stays this long after its `retiresAt` (as evidence for the list) before TTL removes it. */
export const RETIRED_RECORD_TTL_SECONDS = 7 * 24 * 3600;

/** Verification records `lastUsedAt` on a credential at most this often. */
export const LAST_USED_INTERVAL_SECONDS = 60;
