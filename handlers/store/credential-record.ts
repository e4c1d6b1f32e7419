/**
 * The credential record and the two small ports the provider flow needs: a table of records and
 * a store of secret values. The AWS implementations live beside this file; tests may use fakes.
 */
import { AuthTypeName, CredentialStatus, EditableFields } from '../contract/credential';

/**
 * One credential in the table. Never holds the secret, only its hash. Its declared, editable
 * fields (name, description, scopes, grace periods) are `EDITABLE_FIELDS` of the contract.
 */
export type CredentialRecord = EditableFields & {
  readonly credentialId: string;
  readonly instanceId: string;
  readonly authType: AuthTypeName;
  readonly secretArn: string;
  /** `hashSecret(apiKey | clientSecret)`: SHA-256, lowercase hex; for an adopted key, HMAC-SHA-256 when `hashScheme` says so. */
  readonly secretHash: string;
  /** `hmac-sha256`: an adopted key hashed under the store's hash key; absent: plain SHA-256. */
  readonly hashScheme?: 'hmac-sha256';
  /** OAuth 2.0 only. */
  readonly clientId?: string;
  readonly status: CredentialStatus;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly revokedAt?: string;
  /** Only when `retiring`: ISO 8601, the end of the grace period; from then on it is refused. */
  readonly retiresAt?: string;
  /** Epoch seconds, the table's TTL attribute: set on a retiring record so DynamoDB removes it after it retired. */
  readonly expiresAt?: number;
  /** An adopted API key (read from its secret, not generated): found by its hash, not by its format. */
  readonly adopted?: boolean;
  /**
   * The credential whose value this one replaced in the same secret (a rotation or an auth type
   * change), read from the secret at create: revoking this one for good revokes it too, so a
   * destroy ends every value of the credential, the retiring ones included.
   */
  readonly predecessorId?: string;
  /**
   * ISO 8601: when the gateway last accepted this credential (at most one write a minute). Written
   * by the verifier with its own UpdateItem that leaves `version` alone; the provider's full writes
   * carry it over because they write the record they read.
   */
  readonly lastUsedAt?: string;
  /** 1 on the first write, +1 on every write: the optimistic lock of every conditional write. */
  readonly version: number;
};

/**
 * What must hold for a write to happen:
 * - `absent`: no record with this credential id exists;
 * - `version`: the stored record has exactly this version and instance id (so it is the record
 *   the caller read, unchanged: same hash, same status).
 */
export type WriteCondition =
  | { readonly kind: 'absent' }
  | { readonly kind: 'version'; readonly version: number; readonly instanceId: string };

export interface CredentialTable {
  /** The record, read strongly consistent; undefined when there is none. */
  read(credentialId: string): Promise<CredentialRecord | undefined>;
  /** Many records, read strongly consistent, by credential id; ids without a record are absent. The drift check's reads. */
  readMany(credentialIds: readonly string[]): Promise<Map<string, CredentialRecord>>;
  /** Writes the whole record if `condition` holds, else throws `StaleRecordError`. */
  write(record: CredentialRecord, condition: WriteCondition): Promise<void>;
  /**
   * Points the hash of an adopted API key at its credential. Idempotent for the same credential;
   * throws `ConflictError` when another credential already holds that hash.
   */
  claimKeyHash(secretHash: string, credentialId: string): Promise<void>;
  /** The credential holding a `KEYHASH#` lookup item, if any (an adoption under another hash scheme). */
  keyHashHolder(secretHash: string): Promise<string | undefined>;
}

/** The store's key for adopted keys' hashes (HMAC-SHA-256), kept in a Secrets Manager secret of the store. */
export interface HashKeySource {
  /** The key, created on first use when `create` is true; undefined when there is none yet. */
  get(options: { readonly create: boolean }): Promise<Uint8Array | undefined>;
}

export interface SecretStore {
  /**
   * The secret's current (`AWSCURRENT`) string value; undefined when the secret exists but has
   * no value yet (or a binary one). Throws `NotFoundError` when the secret does not exist.
   */
  readCurrentValue(secretArn: string): Promise<string | undefined>;
  /**
   * Makes `value` the secret's current value. `idempotencyToken` (32 to 64 characters) names the
   * version: repeating a write with the same token and value changes nothing.
   */
  writeValue(secretArn: string, value: string, idempotencyToken: string): Promise<void>;
  /**
   * The secret's tags (`SECRET_TAGS`: the store, and the digest of what Terraform declared for it).
   * Throws `NotFoundError` when the secret does not exist.
   */
  readTags(secretArn: string): Promise<Readonly<Record<string, string>>>;
}
