/**
 * The drift check's wire format: the read event (one credential, or the store's batch) and its
 * result, shared by the store's check block (synth time) and the provider's read action. Pure.
 */
import { CredentialInput, EDITABLE_FIELD_NAMES, EditableFieldName } from './credential';

/**
 * The drift check's event: a plain invocation (Terraform's `aws_lambda_invocation` data source,
 * which adds no `tf`) of `{ action: "read", ...CredentialInput }`. A read compares the declared
 * input with the record and the secret; it never writes and never returns a secret.
 */
export const READ_ACTION = 'read';
export interface ReadEvent extends CredentialInput {
  readonly action: typeof READ_ACTION;
  /** The credential's `terraform_data` address, so the warning can name the exact `-replace` command. */
  readonly instanceAddress?: string;
}

/**
 * The store's drift check reads all its checked credentials in one invocation (one Lambda call
 * per plan, however many credentials): `{ action: "read", credentials: { <key>: ReadEvent without
 * action } }`. A key is the credential's invocation name in the configuration, by which the
 * result lists the drifted ones.
 */
export interface ReadBatchEvent {
  readonly action: typeof READ_ACTION;
  readonly credentials: Readonly<Record<string, Omit<ReadEvent, 'action'>>>;
}

/** Keys of a batched read: Terraform identifiers, usable as `results.<key>` in an expression. */
export const READ_BATCH_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,255}$/;
/** At most this many credentials in one batched read (a store is far smaller in practice). */
export const MAX_READ_BATCH = 5000;

/**
 * The batched read's result. Only drifted credentials are listed: the result is kept in the state
 * and decoded by the check (once per credential while it had one assertion per credential, which
 * made a plan's checks cost grow with the square of their number); an in-sync store decodes `{}`.
 */
export interface ReadBatchResult {
  readonly inSync: boolean;
  /** How many credentials were read. */
  readonly checked: number;
  /** The drifted credentials' results by key. */
  readonly drifted: Record<string, ReadResult>;
  /** "in sync", or how many credentials drifted. */
  readonly message: string;
  /**
   * The checked credentials that expired or expire within `EXPIRY_WARNING_DAYS`, by key: one
   * warning line each (not drift: the declaration says so). Absent from results before 0.3.
   */
  readonly expiring?: Record<string, string>;
}

/** The plan-time check warns about credentials that expire within this many days (or have expired). */
export const EXPIRY_WARNING_DAYS = 30;

/** What a drift finding is about. */
export const DRIFT_FIELDS = ['record', 'status', 'authType', 'secretArn', ...EDITABLE_FIELD_NAMES, 'secret'] as const;
/** What a drift finding is about: the record, its state, or one of its declared fields (`EDITABLE_FIELDS`). */
export type DriftField = 'record' | 'status' | 'authType' | 'secretArn' | EditableFieldName | 'secret';

/**
 * One difference between what Terraform declares and what the store holds. `restore` findings
 * (name, scopes) can be written back from the declaration; `replace` ones need a new credential.
 */
export interface DriftFinding {
  readonly field: DriftField;
  readonly declared: string;
  readonly actual: string;
  readonly fix: 'restore' | 'replace';
  /** One line, names and scopes only: never a secret. */
  readonly message: string;
}

/** The read's result, kept in state in plain text: identifiers and findings only. */
export interface ReadResult {
  readonly credentialId: string;
  readonly instanceId: string;
  readonly name: string;
  readonly inSync: boolean;
  readonly drift: DriftFinding[];
  /** "in sync", or every finding's message joined: the check block's warning text. */
  readonly message: string;
  /** When the credential expired or expires within `EXPIRY_WARNING_DAYS`: one warning line. */
  readonly expiring?: string;
}
