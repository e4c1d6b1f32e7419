/**
 * The DynamoDB table layout, in one place: one table, a string partition key, the key prefix
 * of each kind of item, the attributes of a credential record. Pure.
 *
 * | item                       | attributes                                                     |
 * |----------------------------|----------------------------------------------------------------|
 * | `CRED#<credentialId>`      | `RECORD_ATTRIBUTES`: the credential record, never its secret   |
 * | `KEYHASH#<secretHash>`     | `credentialId`: finds an adopted API key by its hash           |
 * | `TOKEN#<sha256 of a token>`| the access token's credential, scopes, `expiresAt` (TTL)       |
 */
import { AttributeType, EDITABLE_FIELD_NAMES, EDITABLE_FIELDS } from './credential';

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

/**
 * The attributes of a credential record item besides its key, by name (the record's property
 * names), with their DynamoDB types. The declared fields come from `EDITABLE_FIELDS`.
 * `status` is `pending`, `active`, `retiring` or `revoked`; `expiresAt` (the TTL) is set only on a
 * retiring record; `lastUsedAt` is written by the verifier alone (`LAST_USED_ATTRIBUTE`);
 * `version` is +1 on every write and every write is conditional on it.
 */
export const RECORD_ATTRIBUTES: Readonly<Record<string, AttributeType>> = {
  credentialId: 'S',
  instanceId: 'S',
  authType: 'S',
  secretArn: 'S',
  secretHash: 'S',
  hashScheme: 'S',
  clientId: 'S',
  status: 'S',
  createdAt: 'S',
  updatedAt: 'S',
  revokedAt: 'S',
  retiresAt: 'S',
  validUntil: 'S',
  [TABLE.TTL_ATTRIBUTE]: 'N',
  adopted: 'BOOL',
  predecessorId: 'S',
  [TABLE.LAST_USED_ATTRIBUTE]: 'S',
  version: 'N',
  ...Object.fromEntries(EDITABLE_FIELD_NAMES.map((name) => [name, EDITABLE_FIELDS[name].attribute])),
};
