/**
 * The credential record: what the lifecycle writes and every reader (the verifier, the drift
 * check, the CLI) reads. It belongs to the lifecycle, not to the store that keeps it, so the
 * lifecycle never depends on the store (the store depends on it; `.dependency-cruiser.js`).
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
  /**
   * Only when the credential declares an expiry (`expiryDate` or `expiresAfterDays`): ISO 8601, the
   * instant it stops working, resolved from its declaration and `createdAt` on every write.
   */
  readonly validUntil?: string;
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
