/**
 * The small ports the lifecycle needs: a table of records, a store of secret values and the
 * store's hash key. Declared here, beside the logic that uses them, and implemented by
 * handlers/store/ (DynamoDB, Secrets Manager); tests use fakes. The lifecycle never imports the
 * store: the dependency points from the implementations to the ports.
 */
import { CredentialRecord } from './credential-record';

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
  /**
   * Points a client id's lookup item (`KEYHASH#<clientLookupHash(clientId)>`) at the newest credential
   * holding that client id, whatever it pointed at before: a rotation's successor.
   */
  pointClientId(clientId: string, credentialId: string): Promise<void>;
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
   * The secret's metadata, never its value: its tags (`SECRET_TAGS`: the store, and the digest of
   * what Terraform declared for it), the id of its current (`AWSCURRENT`) version and whether it is
   * scheduled for deletion. Throws `NotFoundError` when the secret does not exist.
   */
  readMetadata(secretArn: string): Promise<SecretMetadata>;
}

/** What `SecretStore.readMetadata` tells of a secret. */
export interface SecretMetadata {
  readonly tags: Readonly<Record<string, string>>;
  /**
   * The version holding the current value. A version's value never changes, and the provider names
   * each version it writes after the value's hash (`secretVersionToken`): a current version of that
   * name holds the value the record was written for.
   */
  readonly currentVersionId?: string;
  readonly scheduledForDeletion: boolean;
}
