/**
 * The operations of the credential lifecycle: create, adoption, update, delete (revoke, or retire
 * in a replacement), the revocation of retired predecessors and the drift repair's restore. Each
 * write is a transition of `states.ts`, committed conditional on the version it read. Pure logic
 * over a `CredentialTable`, a `SecretStore`, a clock and a random source: no AWS here, so every
 * step and every crash point can be tested with small fakes.
 *
 * Invariant: a record is `active` only if its secret holds the value whose hash it stores.
 * Create gets there in three steps, each safe to repeat:
 *   1. write the record as `pending` with the hash of a new secret;
 *   2. put the secret value (idempotent: its version token is derived from instance id and hash);
 *   3. mark the record `active`, conditional on its version (every write bumps it, so this also
 *      means "the hash is still mine").
 * A crash after 1 or 2 leaves a `pending` record; the retried create either finds the secret
 * already matching (after 2) and finishes step 3, or starts again with a new secret (after 1).
 *
 * Delete revokes, except when the credential has a successor: a replacement (rotation or auth type
 * change) whose record is active and whose value is now the current value of the same secret. Then
 * the old credential is `retiring` for the grace period the successor declares, and the verifier
 * refuses it after `retiresAt`; a real destroy has no successor and revokes at once.
 * One concept in one file on purpose (over 400 lines): every write of a record goes through here, so
 * the invariant above is checked in one place.
 */
import { CredentialInput, CredentialResult, EDITABLE_FIELD_NAMES, EDITABLE_FIELDS, EditableFields, LEGACY_SECRET_TAGS, SECRET_TAGS } from '../contract/credential';
import { NotFoundError, SecretScheduledForDeletionError, StaleRecordError } from '../errors';
import {
  CLIENT_ID_PATTERN,
  clientIdFor,
  credentialIdFor,
  formatSecretValue,
  generateSecretValue,
  hashSecret,
  isGeneratedSecretFormat,
  keyedHashSecret,
  matchesHashOf,
  parseAdoptedApiKey,
  parseSecretValue,
  RandomSource,
  secretOf,
} from '../secret-format';
import { CredentialRecord } from './credential-record';
import { CredentialTable, HashKeySource, SecretStore } from './ports';
import { lifecycleErrors } from './messages';
import { assertDeclared, assertSecretWithinPrefix, secretVersionToken, valueHoldsRecord } from './secret-binding';
import { RecordContent, transition, TransitionError, TransitionName } from './states';

export interface LifecycleDeps {
  readonly table: CredentialTable;
  readonly secrets: SecretStore;
  /** Every secret the provider writes must be named with this prefix. */
  readonly secretPrefix: string;
  /**
   * The store's name (its table's): a secret the provider writes must carry it in its store tag,
   * with the digest of the input's declaration (see `SECRET_TAGS`).
   */
  readonly storeName: string;
  /** The store's key for adopted keys' hashes (HMAC-SHA-256); without one, adopted keys get plain SHA-256 (0.2 stores). */
  readonly hashKey?: HashKeySource;
  readonly now: () => Date;
  readonly randomBytes: RandomSource;
}

/** What an operation did, for the log line. */
export type Outcome =
  | 'created'
  | 'adopted'
  | 'resumed'
  | 'updated'
  | 'unchanged'
  | 'revoked'
  | 'retiring'
  | 'already-revoked'
  | 'absent'
  | 'not-owner'
  | 'in-sync'
  | 'drifted';

/** The credential acted on (none for a batched read), what happened, and what Terraform keeps. */
export interface ActionOutcome {
  readonly credentialId?: string;
  readonly outcome: Outcome;
  /** A delete of a credential that has no record (or not this instance's) returns `{}`. */
  readonly result: CredentialResult | Record<string, never> | object;
}

/** What an update is told of the previous input, as Terraform recorded it. */
export interface PreviousInput {
  readonly instanceId?: string;
  readonly authType?: string;
}

/** Update and delete re-read and retry this many times when a concurrent write wins. */
const MAX_ATTEMPTS = 3;

/** Any of these on a secret means a provider of this library generated its value. */
const GENERATED_SECRET_TAGS: readonly string[] = [SECRET_TAGS.STORE, SECRET_TAGS.DECLARATION, LEGACY_SECRET_TAGS.INSTANCE];

export async function createCredential(input: CredentialInput, deps: LifecycleDeps): Promise<ActionOutcome> {
  assertSecretWithinPrefix(input.secretArn, deps.secretPrefix);
  const credentialId = credentialIdFor(input.instanceId);
  const existing = await deps.table.read(credentialId);

  if (existing !== undefined) {
    assertOwnedBy(existing, input.instanceId);
    if (existing.status === 'revoked' || existing.status === 'retiring') {
      throw lifecycleErrors.revokedNeverRevived(credentialId, input.instanceId, existing.revokedAt ?? existing.updatedAt);
    }
    assertSameAuthType(existing, input.authType);
  }
  if (existing !== undefined && existing.secretArn !== input.secretArn) {
    throw lifecycleErrors.secretMovedInCreate(credentialId, existing.secretArn, input.secretArn);
  }
  if (input.adopt === true) return adoptApiKey(input, existing, deps);
  await assertDeclared(input, deps);
  // Read before any write: a missing or unusable secret fails here, with nothing written.
  const current = await deps.secrets.readCurrentValue(input.secretArn);
  if (existing !== undefined && existing.secretArn === input.secretArn && valueHoldsRecord(current, existing)) {
    // An earlier create got at least as far as writing the secret: finish it, no new secret.
    const finished = await commitIfChanged(deps, existing, 'resume', withInput(existing, input));
    return { credentialId, outcome: 'resumed', result: toResult(finished) };
  }

  // A rotation of an OAuth 2.0 credential keeps its client id: the successor inherits its predecessor's.
  const inheritedClientId = existing === undefined && input.authType === 'oauth2' ? await inheritableClientId(current, credentialId, input, deps) : undefined;
  const secretValue = generateSecretValue(input.authType, credentialId, {
    clientId: existing?.clientId ?? inheritedClientId,
    randomBytes: deps.randomBytes,
  });
  const secretHash = hashSecret(secretOf(secretValue));
  const now = deps.now();
  // In a replacement the secret still holds the predecessor's value: remember whose it was.
  const predecessorId = existing?.predecessorId ?? predecessorOf(current, credentialId);
  const pending = transition(existing, 'create', {
    credentialId,
    instanceId: input.instanceId,
    ...editableFields(input),
    authType: input.authType,
    secretArn: input.secretArn,
    secretHash,
    ...(secretValue.authType === 'oauth2' ? { clientId: secretValue.clientId } : {}),
    status: 'pending',
    ...(predecessorId === undefined ? {} : { predecessorId }),
    createdAt: existing?.createdAt ?? now.toISOString(),
  }, now);
  await commit(deps.table, pending, existing);
  // The gateway finds a client id's newest credential through its lookup item, and the older values
  // still in their grace period through `predecessorId`. Pointed before the value is written: a
  // pending successor is refused, so its predecessor answers until it is active.
  if (pending.clientId !== undefined && pending.clientId !== clientIdFor(credentialId)) {
    await deps.table.pointClientId(pending.clientId, credentialId);
  }
  await deps.secrets.writeValue(input.secretArn, formatSecretValue(secretValue), secretVersionToken(input.instanceId, secretHash));
  const active = transition(pending, 'activate', pending, deps.now());
  await commit(deps.table, active, pending);
  return { credentialId, outcome: 'created', result: toResult(active) };
}

/**
 * Adoption: the API key already in the secret becomes this credential's. The value is read once
 * and hashed; nothing is written to the secret. The hash's lookup item is claimed first, so a
 * crash before the record write leaves a lookup without a record (refused) that a retry finishes.
 */
async function adoptApiKey(input: CredentialInput, existing: CredentialRecord | undefined, deps: LifecycleDeps): Promise<ActionOutcome> {
  const credentialId = credentialIdFor(input.instanceId);
  if (input.authType !== 'api_key') {
    throw lifecycleErrors.adoptOnlyApiKeys(input.authType);
  }
  const { tags } = await deps.secrets.readMetadata(input.secretArn);
  if (GENERATED_SECRET_TAGS.some((tag) => tags[tag] !== undefined)) {
    throw lifecycleErrors.adoptGenerated(input.secretArn);
  }
  const text = await deps.secrets.readCurrentValue(input.secretArn);
  const apiKey = text === undefined ? undefined : parseAdoptedApiKey(text);
  if (apiKey === undefined) {
    throw lifecycleErrors.adoptedValueShape(input.secretArn, text !== undefined);
  }
  // A value of our own formats was generated by a provider: a live or retired API key, or an OAuth 2.0
  // client secret. Adopting it would give it a second life with other scopes; keys from elsewhere only.
  if (isGeneratedSecretFormat(apiKey)) {
    throw lifecycleErrors.adoptOwnFormat(input.secretArn);
  }
  const key = await deps.hashKey?.get({ create: true });
  if (existing !== undefined && existing.adopted === true && matchesHashOf(apiKey, existing, key)) {
    const finished = await commitIfChanged(deps, existing, 'resume', withInput(existing, input));
    return { credentialId, outcome: 'resumed', result: toResult(finished) };
  }
  // A key adopted before the store had a hash key is claimed under its SHA-256: still one credential per key.
  const legacyHolder = key === undefined ? undefined : await deps.table.keyHashHolder(hashSecret(apiKey));
  if (legacyHolder !== undefined && legacyHolder !== credentialId) throw lifecycleErrors.keyAlreadyAdopted(credentialId);
  const secretHash = key === undefined ? hashSecret(apiKey) : keyedHashSecret(apiKey, key);
  await deps.table.claimKeyHash(secretHash, credentialId);
  const now = deps.now();
  const active = transition(existing, 'adopt', {
    credentialId,
    instanceId: input.instanceId,
    ...editableFields(input),
    authType: 'api_key',
    secretArn: input.secretArn,
    secretHash,
    ...(key === undefined ? {} : { hashScheme: 'hmac-sha256' as const }),
    adopted: true,
    createdAt: existing?.createdAt ?? now.toISOString(),
  }, now);
  await commit(deps.table, active, existing);
  return { credentialId, outcome: 'adopted', result: toResult(active) };
}

export async function updateCredential(
  input: CredentialInput,
  previous: PreviousInput | undefined,
  deps: LifecycleDeps,
): Promise<ActionOutcome> {
  const credentialId = credentialIdFor(input.instanceId);
  if (previous?.authType !== undefined && previous.authType !== input.authType) {
    throw lifecycleErrors.authTypeChange(credentialId, previous.authType, input.authType);
  }
  if (previous?.instanceId !== undefined && previous.instanceId !== input.instanceId) {
    throw lifecycleErrors.instanceChangedInUpdate(previous.instanceId, input.instanceId);
  }
  assertSecretWithinPrefix(input.secretArn, deps.secretPrefix);

  for (let attempt = 1; ; attempt++) {
    const record = await deps.table.read(credentialId);
    if (record === undefined) {
      throw lifecycleErrors.missingForUpdate(credentialId, input.instanceId);
    }
    assertOwnedBy(record, input.instanceId);
    if (record.status === 'revoked' || record.status === 'retiring') {
      throw lifecycleErrors.revokedNotUpdatable(credentialId, record.revokedAt ?? record.updatedAt);
    }
    assertSameAuthType(record, input.authType);
    if (record.secretArn !== input.secretArn) {
      throw lifecycleErrors.secretMovedInUpdate(credentialId, record.secretArn, input.secretArn);
    }
    if (record.adopted !== true && attempt === 1) await assertDeclared(input, deps);
    try {
      const updated = await commitIfChanged(deps, record, 'update', withInput(record, input));
      return { credentialId, outcome: updated === record ? 'unchanged' : 'updated', result: toResult(updated) };
    } catch (error) {
      if (!(error instanceof StaleRecordError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

export async function deleteCredential(instanceId: string, deps: LifecycleDeps): Promise<ActionOutcome> {
  const credentialId = credentialIdFor(instanceId);
  let graceHours: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const record = await deps.table.read(credentialId);
    if (record === undefined) return { credentialId, outcome: 'absent', result: {} };
    // Only ever revoke this instance's own record (the id is derived from it, so this is a guard).
    if (record.instanceId !== instanceId) return { credentialId, outcome: 'not-owner', result: {} };
    if (record.status === 'revoked' || record.status === 'retiring') {
      return { credentialId, outcome: record.status === 'retiring' ? 'retiring' : 'already-revoked', result: toResult(record) };
    }
    graceHours ??= await successorGraceHours(record, deps);
    const now = deps.now();
    // The secret is not touched: in a replacement it already holds the successor's value, and on
    // a real destroy Terraform deletes the secret itself.
    const next = graceHours > 0 ? transition(record, 'retire', record, now, { graceHours }) : transition(record, 'revoke', record, now);
    try {
      await commit(deps.table, next, record);
    } catch (error) {
      if (!(error instanceof StaleRecordError) || attempt >= MAX_ATTEMPTS) throw error;
      continue;
    }
    // Revoked for good: the values it replaced, still working in their grace period, end with it.
    if (next.status === 'revoked') await revokePredecessors(next, deps);
    return { credentialId, outcome: next.status === 'retiring' ? 'retiring' : 'revoked', result: toResult(next) };
  }
}

/** At most this many predecessors are revoked with a credential (one per rotation within a week). */
const MAX_PREDECESSORS = 16;

/**
 * Revokes the retiring credentials a revoked one replaced in the same secret, newest first: after
 * a rotation then a destroy, the pre-rotation value gets 401 at once rather than at its `retiresAt`.
 * Bounded, and stops at the first predecessor that is gone, revoked, or in another secret.
 */
async function revokePredecessors(record: CredentialRecord, deps: LifecycleDeps): Promise<void> {
  let predecessorId = record.predecessorId;
  for (let depth = 0; predecessorId !== undefined && depth < MAX_PREDECESSORS; depth++) {
    const predecessor = await deps.table.read(predecessorId);
    if (predecessor === undefined || predecessor.secretArn !== record.secretArn || predecessor.status === 'revoked') return;
    if (predecessor.status === 'retiring') {
      // A concurrent write (the verifier's lastUsedAt leaves the version alone) loses nothing here:
      // the next destroy or the grace period's end still refuses it.
      await commit(deps.table, transition(predecessor, 'revoke', predecessor, deps.now()), predecessor).catch(
        (error: unknown) => {
          if (!(error instanceof StaleRecordError)) throw error;
        },
      );
    }
    predecessorId = predecessor.predecessorId;
  }
}

/**
 * The client id a new OAuth 2.0 credential inherits in a rotation: its predecessor's, when the
 * secret's current value is an OAuth 2.0 client of another credential whose record is active, in
 * the same secret, an OAuth 2.0 credential and holds that very value. An auth type change, a real
 * create and anything else inherit nothing (a new client id, derived from the new credential id).
 */
async function inheritableClientId(current: string | undefined, credentialId: string, input: CredentialInput, deps: LifecycleDeps): Promise<string | undefined> {
  const value = current === undefined ? undefined : parseSecretValue(current);
  if (value === undefined || value.authType !== 'oauth2' || value.credentialId === credentialId || !CLIENT_ID_PATTERN.test(value.clientId)) return undefined;
  const predecessor = await deps.table.read(value.credentialId);
  if (
    predecessor === undefined ||
    predecessor.status !== 'active' ||
    predecessor.authType !== 'oauth2' ||
    predecessor.instanceId === input.instanceId ||
    predecessor.secretArn !== input.secretArn ||
    predecessor.clientId !== value.clientId ||
    !valueHoldsRecord(current, predecessor)
  ) {
    return undefined;
  }
  return predecessor.clientId;
}

/** The credential whose value a secret holds, if it is another one than `credentialId`. */
function predecessorOf(text: string | undefined, credentialId: string): string | undefined {
  const value = text === undefined ? undefined : parseSecretValue(text);
  return value !== undefined && value.credentialId !== credentialId && /^[0-9a-f]{32}$/.test(value.credentialId) ? value.credentialId : undefined;
}

/**
 * How long `record` may keep working after its delete: the grace period its successor declares
 * (for a rotation, or for an auth type change), or 0 when it has none. The successor is found
 * through the secret: in a replacement the secret's current value is the successor's, and the
 * successor's record must be active, in the same secret and match that value. A real destroy
 * leaves the secret holding this credential's own value, so it gets 0: revoked at once.
 */
async function successorGraceHours(record: CredentialRecord, deps: LifecycleDeps): Promise<number> {
  let text: string | undefined;
  try {
    text = await deps.secrets.readCurrentValue(record.secretArn);
  } catch (error) {
    // A secret already gone or scheduled for deletion holds no successor.
    if (error instanceof NotFoundError || error instanceof SecretScheduledForDeletionError) return 0;
    throw error;
  }
  const value = text === undefined ? undefined : parseSecretValue(text);
  if (value === undefined || value.credentialId === record.credentialId) return 0;
  const successor = await deps.table.read(value.credentialId);
  if (
    successor === undefined ||
    successor.status !== 'active' ||
    successor.instanceId === record.instanceId ||
    successor.secretArn !== record.secretArn ||
    !valueHoldsRecord(text, successor)
  ) {
    return 0;
  }
  return (successor.authType === record.authType ? successor.rotationGracePeriodHours : successor.authTypeChangeGracePeriodHours) ?? 0;
}

/**
 * The drift repair: writes the declared fields marked `repaired` in `EDITABLE_FIELDS` back. `seen` is the record as the check
 * read it; the record is read again and must still be that version (else `StaleRecordError`, and
 * nothing is written), so what other writers own since (`lastUsedAt`) is carried over. Never
 * touches the secret, the hash, the state or the auth type; only an active record of the same
 * instance is restored.
 */
export async function restoreDeclaredFields(
  deps: Pick<LifecycleDeps, 'table' | 'now'>,
  seen: Pick<CredentialRecord, 'credentialId' | 'version'>,
  declared: Pick<CredentialRecord, 'instanceId'> & EditableFields,
): Promise<CredentialRecord> {
  const record = await deps.table.read(seen.credentialId);
  if (record === undefined || record.version !== seen.version) throw new StaleRecordError(seen.credentialId);
  assertOwnedBy(record, declared.instanceId);
  // Every field the contract's table marks `repaired`, from the declaration; the rest as they are.
  const restored: Record<string, unknown> = { ...record };
  for (const field of EDITABLE_FIELD_NAMES) {
    if (EDITABLE_FIELDS[field].drift !== 'repaired') continue;
    const value = declared[field];
    if (value === undefined) delete restored[field];
    else restored[field] = Array.isArray(value) ? [...value] : value;
  }
  return commitIfChanged(deps, record, 'restore', restored as CredentialRecord);
}

/**
 * The CLI's `revoke-undeclared`: revokes a record no declaration names (made by hand, left by a
 * removed stack). `seen` is the record as the caller read it; the record is read again and must
 * still be that version (else `StaleRecordError`, and nothing is written), and the write is
 * conditional on it. Only `active` and `retiring` records are revoked (the `revoke` transition);
 * the secret is not touched. Its retiring predecessors are not followed: the caller lists them too.
 */
export async function revokeUndeclaredRecord(
  deps: Pick<LifecycleDeps, 'table' | 'now'>,
  seen: Pick<CredentialRecord, 'credentialId' | 'version'>,
): Promise<CredentialRecord> {
  const record = await deps.table.read(seen.credentialId);
  if (record === undefined || record.version !== seen.version) throw new StaleRecordError(seen.credentialId);
  if (record.status !== 'active' && record.status !== 'retiring') {
    // A pending record is a create in progress; a revoked one stays as it is.
    throw new TransitionError('revoke', record.status, record.credentialId);
  }
  const revoked = transition(record, 'revoke', record, deps.now());
  await commit(deps.table, revoked, record);
  return revoked;
}

/**
 * The non-secret metadata Terraform keeps in state, for every credential: what the invocation's
 * input does not already hold (the record's instance id, name, auth type, scopes and secret are
 * the input's), so state does not carry them twice.
 */
export function toResult(record: CredentialRecord): CredentialResult {
  return {
    credentialId: record.credentialId,
    status: record.status,
    ...(record.clientId === undefined ? {} : { clientId: record.clientId }),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.revokedAt === undefined ? {} : { revokedAt: record.revokedAt }),
    ...(record.retiresAt === undefined ? {} : { retiresAt: record.retiresAt }),
    ...(record.adopted === true ? { adopted: true } : {}),
    ...(record.validUntil === undefined ? {} : { validUntil: record.validUntil }),
  };
}

/** The declared fields of `input` (`EDITABLE_FIELDS`), copied: the part of a record an update may change. */
function editableFields(input: CredentialInput): EditableFields {
  const fields: Record<string, unknown> = {};
  for (const name of EDITABLE_FIELD_NAMES) {
    const value: unknown = input[name];
    if (value !== undefined) fields[name] = Array.isArray(value) ? [...value] : value;
  }
  return fields as EditableFields;
}

/** `record` with its declared fields replaced by `input`'s (absent ones removed). */
function withInput(record: CredentialRecord, input: CredentialInput): CredentialRecord {
  const rest: Record<string, unknown> = { ...record };
  for (const name of EDITABLE_FIELD_NAMES) delete rest[name];
  return { ...(rest as Omit<CredentialRecord, keyof EditableFields>), ...editableFields(input) } as CredentialRecord;
}

/** Commits transition `name` to `content` over `current`, unless that changes nothing but the time. */
async function commitIfChanged(
  deps: Pick<LifecycleDeps, 'table' | 'now'>,
  current: CredentialRecord,
  name: TransitionName,
  content: RecordContent,
): Promise<CredentialRecord> {
  const next = transition(current, name, content, deps.now());
  if (sameContent(current, { ...next, updatedAt: current.updatedAt, version: current.version })) return current;
  await commit(deps.table, next, current);
  return next;
}

function sameContent(a: CredentialRecord, b: CredentialRecord): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof CredentialRecord>;
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (Array.isArray(x) && Array.isArray(y) ? x.join(',') !== y.join(',') : x !== y) return false;
  }
  return true;
}

/** Writes `record` conditional on `previous` being what is stored (or on there being nothing). */
function commit(table: CredentialTable, record: CredentialRecord, previous: CredentialRecord | undefined): Promise<void> {
  return table.write(
    record,
    previous === undefined
      ? { kind: 'absent' }
      : { kind: 'version', version: previous.version, instanceId: previous.instanceId },
  );
}

function assertOwnedBy(record: CredentialRecord, instanceId: string): void {
  if (record.instanceId !== instanceId) {
    throw lifecycleErrors.notOwner(record.credentialId, record.instanceId, instanceId);
  }
}

function assertSameAuthType(record: CredentialRecord, authType: string): void {
  if (record.authType !== authType) throw lifecycleErrors.authTypeChange(record.credentialId, record.authType, authType);
}
