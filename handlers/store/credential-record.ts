/**
 * The credential record and the two small ports the provider flow needs: a table of records and
 * a store of secret values. The AWS implementations live beside this file; tests may use fakes.
 */
import { AuthTypeName, CredentialStatus, ScopeName } from '../contract';
import { ConflictError } from '../errors';

/** One credential in the table. Never holds the secret, only its hash. */
export interface CredentialRecord {
  readonly credentialId: string;
  readonly instanceId: string;
  readonly name: string;
  readonly description?: string;
  readonly authType: AuthTypeName;
  /** Canonical order. Stored as a DynamoDB string set. */
  readonly scopes: ScopeName[];
  readonly secretArn: string;
  /** `hashSecret(apiKey | clientSecret)`: SHA-256, lowercase hex. */
  readonly secretHash: string;
  /** OAuth 2.0 only. */
  readonly clientId?: string;
  readonly status: CredentialStatus;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly revokedAt?: string;
  /**
   * ISO 8601: when the gateway last accepted this credential (at most one write a minute). Written
   * by the verifier with its own UpdateItem that leaves `version` alone; the provider's full writes
   * carry it over because they write the record they read.
   */
  readonly lastUsedAt?: string;
  /** 1 on the first write, +1 on every write: the optimistic lock of every conditional write. */
  readonly version: number;
}

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
  /** Writes the whole record if `condition` holds, else throws `StaleRecordError`. */
  write(record: CredentialRecord, condition: WriteCondition): Promise<void>;
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
}

/** A conditional write lost a race: the record changed (or appeared) since it was read. */
export class StaleRecordError extends ConflictError {
  constructor(readonly credentialId: string) {
    super(
      `Credential ${credentialId} was changed by another request at the same time; nothing was overwritten. ` +
        'Run the apply again.',
    );
  }
}
