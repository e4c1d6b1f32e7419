/**
 * The credential lifecycle as data: the states a record can be in, whether the gateway accepts a
 * credential in each, and the transitions between them. Every write of a record (the provider's
 * create, update, delete, adoption and rotation's retirement, and the CLI's drift repair) is one of
 * `TRANSITIONS`, made by `transition()`, which refuses any other.
 *
 *     (none) --create--> pending --activate--> active --update/restore--> active
 *        \__adopt______________________________/  |  \--retire--> retiring --revoke--> revoked
 *                                                 \-------------------revoke-----------^
 *
 * One attribute is written outside it: the verifier's `lastUsedAt` stamp, an UpdateItem of that
 * attribute alone that leaves `version` (and so every transition's condition) untouched.
 */
import { CredentialStatus, EDITABLE_FIELDS, resolveExpiry } from '../contract/credential';
import { RETIRED_RECORD_TTL_SECONDS } from '../contract/table';
import { ConflictError, ValidationError } from '../errors';
import { CredentialRecord } from './credential-record';

/** Whether the gateway accepts a credential in each state. */
export const STATES: Readonly<Record<CredentialStatus, { readonly accepted: 'never' | 'always' | 'until retiresAt'; readonly meaning: string }>> = {
  pending: { accepted: 'never', meaning: 'a create stored the hash of a new secret and is writing its value' },
  active: { accepted: 'always', meaning: 'the secret holds the value whose hash the record keeps' },
  retiring: { accepted: 'until retiresAt', meaning: 'replaced in its secret by a successor; works for the grace period the successor declares' },
  revoked: { accepted: 'never', meaning: 'deleted; never revived (a new instance makes a new credential)' },
};

/** `absent`: no record yet. */
type From = CredentialStatus | 'absent';

/** The allowed transitions: from which states, to which (`same`: the state does not change). */
export const TRANSITIONS = {
  /** A new secret's hash is stored before its value is written (a create, or one resumed after a crash). */
  create: { from: ['absent', 'pending', 'active'], to: 'pending' },
  /** The value is in the secret: the credential works. */
  activate: { from: ['pending'], to: 'active' },
  /** A retried create or adoption that finds the secret already holding its value finishes it. */
  resume: { from: ['pending', 'active'], to: 'active' },
  /** An API key created elsewhere becomes this credential's (only its hash is stored). */
  adopt: { from: ['absent', 'pending', 'active'], to: 'active' },
  /** Terraform's in-place update of the declared fields. */
  update: { from: ['pending', 'active'], to: 'same' },
  /** The CLI's drift repair: the declared fields written back. */
  restore: { from: ['active'], to: 'same' },
  /** Deleted in a replacement with a grace period: keeps working until `retiresAt`. */
  retire: { from: ['pending', 'active'], to: 'retiring' },
  /** Deleted for good (or a retiring predecessor ended with its successor). */
  revoke: { from: ['pending', 'active', 'retiring'], to: 'revoked' },
} as const satisfies Record<string, { readonly from: readonly From[]; readonly to: CredentialStatus | 'same' }>;

export type TransitionName = keyof typeof TRANSITIONS;

/** A write the lifecycle does not allow from the record's state: a bug or a forged call, never applied. */
export class TransitionError extends ConflictError {
  constructor(
    readonly transition: TransitionName,
    readonly from: From,
    credentialId: string,
  ) {
    super(
      `Credential ${credentialId} is ${from}: ${transition} is allowed only from ${TRANSITIONS[transition].from.join(', ')}. Nothing was changed`,
    );
  }
}

export function canTransition(from: From, transition: TransitionName): boolean {
  return (TRANSITIONS[transition].from as readonly From[]).includes(from);
}

/** Options of the transitions that need more than a time. */
export interface TransitionOptions {
  /** `retire`: hours until the credential is refused. */
  readonly graceHours?: number;
}

/** What a transition writes, besides the state, `updatedAt` and `version` it sets itself. */
export type RecordContent = Omit<CredentialRecord, 'status' | 'updatedAt' | 'version'> & Partial<CredentialRecord>;

/**
 * The record after `name`: `content` (the whole record to write) in the transition's state, with
 * `updatedAt` now and the version after `current`'s; `revoke` sets `revokedAt`, `retire` sets
 * `retiresAt` and the TTL. Throws `TransitionError` when `current`'s state does not allow it.
 * Pure: the caller writes the result conditional on `current` (`commit` in operations).
 */
export function transition(
  current: CredentialRecord | undefined,
  name: TransitionName,
  content: RecordContent,
  now: Date,
  options: TransitionOptions = {},
): CredentialRecord {
  const from: From = current?.status ?? 'absent';
  if (!canTransition(from, name)) throw new TransitionError(name, from, content.credentialId);
  const base = content as CredentialRecord;
  const rule: { readonly to: CredentialStatus | 'same' } = TRANSITIONS[name];
  const status = rule.to === 'same' ? (current as CredentialRecord).status : rule.to;
  const at = now.toISOString();
  // The absolute expiry, from the declaration and the creation: a new instance (a rotation) starts a new window.
  const { validUntil: _validUntil, ...withoutExpiry } = base;
  const expiry = resolveExpiry(base, base.createdAt);
  if (expiry !== undefined && (name === 'create' || name === 'adopt') && current === undefined && expiry.getTime() <= now.getTime()) {
    const [field, value] =
      base.expiryDate !== undefined ? [EDITABLE_FIELDS.expiryDate.prop, base.expiryDate] : [EDITABLE_FIELDS.expiresAfterDays.prop, String(base.expiresAfterDays)];
    throw new ValidationError(field, `${value} (${expiry.toISOString()}, not after now, ${now.toISOString()})`, 'an expiry in the future when the credential is created');
  }
  const next: CredentialRecord = {
    ...withoutExpiry,
    ...(expiry === undefined ? {} : { validUntil: expiry.toISOString() }),
    status,
    updatedAt: at,
    version: (current?.version ?? 0) + 1,
  };
  if (status === 'revoked') {
    const { retiresAt: _retiresAt, ...rest } = next;
    return { ...rest, revokedAt: at };
  }
  if (status === 'retiring') {
    const retiresAt = new Date(now.getTime() + (options.graceHours ?? 0) * 3600 * 1000);
    return { ...next, retiresAt: retiresAt.toISOString(), expiresAt: Math.floor(retiresAt.getTime() / 1000) + RETIRED_RECORD_TTL_SECONDS };
  }
  return next;
}

/**
 * Why the gateway refuses a credential at `now`, or undefined when it accepts it: `revoked` when
 * its state does not accept it (pending, revoked, retiring past its grace period), `expired` when
 * the state would but its declared expiry (`validUntil`) has come.
 */
export function refusalOf(record: CredentialRecord, now: Date): 'revoked' | 'expired' | undefined {
  const { accepted } = STATES[record.status];
  const stateAccepts =
    accepted === 'always' || (accepted === 'until retiresAt' && record.retiresAt !== undefined && now.getTime() < Date.parse(record.retiresAt));
  if (!stateAccepts) return 'revoked';
  if (isExpired(record, now)) return 'expired';
  return undefined;
}

/** Whether the credential's declared expiry has come at `now`. */
export function isExpired(record: Pick<CredentialRecord, 'validUntil'>, now: Date): boolean {
  return record.validUntil !== undefined && now.getTime() >= Date.parse(record.validUntil);
}

/**
 * Whether the gateway accepts a credential at `now`: active, or retiring and still within its
 * grace period, and before its declared expiry. Pending and revoked credentials never are.
 */
export function isAccepted(record: CredentialRecord, now: Date): boolean {
  return refusalOf(record, now) === undefined;
}

/**
 * When the gateway stops accepting `record`, in epoch seconds: the end of a retiring credential's
 * grace period or its declared expiry, whichever is first; undefined when there is neither.
 */
export function acceptedUntilSeconds(record: CredentialRecord): number | undefined {
  const retires =
    STATES[record.status].accepted === 'until retiresAt' && record.retiresAt !== undefined ? Math.floor(Date.parse(record.retiresAt) / 1000) : undefined;
  const expires = record.validUntil === undefined ? undefined : Math.floor(Date.parse(record.validUntil) / 1000);
  if (retires === undefined) return expires;
  return expires === undefined ? retires : Math.min(retires, expires);
}
