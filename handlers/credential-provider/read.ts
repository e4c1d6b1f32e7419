/**
 * The read action: the drift check. Compares what Terraform declares with the record and the
 * secret, and never writes. One credential's read, or the store's batched read (every checked
 * credential in one invocation, a few at a time).
 */
import { CredentialInput } from '../contract/credential';
import { DriftFinding, EXPIRY_WARNING_DAYS, ReadBatchResult, ReadResult } from '../contract/drift';
import { isExpired } from '../lifecycle/states';
import type { CredentialRecord } from '../lifecycle/credential-record';
import { assessDrift, driftMessage, secretFinding, SecretState } from '../lifecycle/credential-drift';
import { NotFoundError, SecretScheduledForDeletionError } from '../errors';
import { credentialIdFor } from '../secret-format';
import { ParsedRead } from './event';
import { ActionOutcome, LifecycleDeps } from '../lifecycle/operations';
import { assertSecretWithinPrefix, assertTagsDeclared, secretVersionToken, valueHoldsRecord } from '../lifecycle/secret-binding';
import type { SecretMetadata } from '../lifecycle/ports';

type ReadDeps = Pick<LifecycleDeps, 'table' | 'secrets' | 'secretPrefix' | 'storeName' | 'hashKey'> & Partial<Pick<LifecycleDeps, 'now'>>;

/**
 * The drift check: compares the declared input with the record and the secret, once the secret's
 * tags show the input is the declared one. Reads only; where the secret's current version does not
 * show it holds the record's value, the value is hashed and compared here and never leaves this function.
 */
export async function readCredentialDrift(
  input: CredentialInput,
  instanceAddress: string | undefined,
  deps: ReadDeps,
): Promise<ActionOutcome> {
  const result = await driftOf(input, instanceAddress, deps);
  return { credentialId: result.credentialId, outcome: result.inSync ? 'in-sync' : 'drifted', result };
}

/**
 * One credential's drift. `prefetched` is its record as a batch read found it (null: none); without
 * it, the record is read here.
 */
async function driftOf(
  input: CredentialInput,
  instanceAddress: string | undefined,
  deps: ReadDeps,
  prefetched?: CredentialRecord | null,
): Promise<ReadResult> {
  // A read hashes the secret's value: only the store's secrets, like every other action.
  assertSecretWithinPrefix(input.secretArn, deps.secretPrefix);
  const credentialId = credentialIdFor(input.instanceId);
  const record = prefetched === undefined ? await deps.table.read(credentialId) : (prefetched ?? undefined);
  // It answers only for what Terraform declared: an invoker who knows an instance id but not the
  // whole declaration learns nothing of the record (its name, scopes, status or secret). An adopted
  // key's secret is not the stack's to tag: its read is bound to the record's own secret only.
  const adopted = input.adopt === true && record?.adopted === true && record.secretArn === input.secretArn;
  // One DescribeSecret serves the binding (the tags) and, most of the time, the value check (the
  // current version's id): no secret value is read for a secret the provider wrote.
  let metadata: SecretMetadata | undefined;
  if (!adopted) {
    try {
      metadata = await deps.secrets.readMetadata(input.secretArn);
    } catch (error) {
      // Without its secret there is no binding to check: the answer says only that the secret is gone.
      if (error instanceof NotFoundError) return resultOf(input, instanceAddress, credentialId, [secretFinding(input.name, 'missing')]);
      throw error;
    }
    assertTagsDeclared(input, metadata.tags, deps.storeName, 'read');
  }
  const secret = record === undefined ? 'present' : await secretStateOf(input.secretArn, record, metadata, deps);
  const expiring = record === undefined ? undefined : expiryWarning(record, (deps.now ?? (() => new Date()))());
  return resultOf(input, instanceAddress, credentialId, assessDrift(input, record, secret), expiring);
}

/**
 * Whether the secret holds the value `record` was written for. A current version named after the
 * record's hash (`secretVersionToken`) holds it: Secrets Manager never changes a version's value,
 * and refuses a write that reuses a version id with another value. Otherwise (an adopted key, a
 * value written from elsewhere, a stage moved back) the value is read and its hash compared.
 */
async function secretStateOf(secretArn: string, record: CredentialRecord, metadata: SecretMetadata | undefined, deps: ReadDeps): Promise<SecretState> {
  if (metadata?.scheduledForDeletion === true) return 'scheduled-for-deletion';
  if (metadata?.currentVersionId !== undefined && record.adopted !== true && metadata.currentVersionId === secretVersionToken(record.instanceId, record.secretHash)) {
    return 'present';
  }
  try {
    const current = await deps.secrets.readCurrentValue(secretArn);
    const key = record.hashScheme === 'hmac-sha256' ? await deps.hashKey?.get({ create: false }) : undefined;
    return current === undefined ? 'no-value' : valueHoldsRecord(current, record, key) ? 'present' : 'mismatch';
  } catch (error) {
    if (error instanceof NotFoundError) return 'missing';
    if (error instanceof SecretScheduledForDeletionError) return 'scheduled-for-deletion';
    throw error;
  }
}

const DAY_MS = 24 * 3600 * 1000;

/** A warning when `record` expired or expires within `EXPIRY_WARNING_DAYS` of `now`; undefined otherwise. */
export function expiryWarning(record: CredentialRecord, now: Date): string | undefined {
  if (record.validUntil === undefined || (record.status !== 'active' && record.status !== 'pending')) return undefined;
  const left = Date.parse(record.validUntil) - now.getTime();
  if (left > EXPIRY_WARNING_DAYS * DAY_MS) return undefined;
  const days = Math.trunc(left / DAY_MS);
  const when = isExpired(record, now)
    ? `expired at ${record.validUntil}: requests with it get 401`
    : `expires at ${record.validUntil} (in ${days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`}): requests with it get 401 from then on`;
  return `Credential "${record.name}" ${when}; extend its expiry (expiresAt, expiresAfterDays) or rotate it.`;
}

function resultOf(
  input: CredentialInput,
  instanceAddress: string | undefined,
  credentialId: string,
  drift: DriftFinding[],
  expiring?: string,
): ReadResult {
  return {
    credentialId,
    instanceId: input.instanceId,
    name: input.name,
    inSync: drift.length === 0,
    drift,
    message: driftMessage(drift, instanceAddress),
    ...(expiring === undefined ? {} : { expiring }),
  };
}

/**
 * Secret reads of one batch that run at once: the store's drift check stays one invocation, and
 * its time grows with the store's size over this. Secrets Manager allows far more GetSecretValue
 * calls per second than one invocation makes this way.
 */
export const READ_BATCH_CONCURRENCY = 32;

/**
 * The store's drift check: the records in one `readMany` (BatchGetItem requests of 100), then
 * every credential's secret, `READ_BATCH_CONCURRENCY` at a time; the drifted ones by key.
 */
export async function readDriftBatch(
  batch: ReadonlyArray<ParsedRead & { readonly key: string }>,
  deps: ReadDeps,
): Promise<ActionOutcome> {
  // Secrets outside the prefix fail the batch before any read, as they did one by one.
  for (const read of batch) assertSecretWithinPrefix(read.input.secretArn, deps.secretPrefix);
  const records = await deps.table.readMany(batch.map((read) => credentialIdFor(read.input.instanceId)));
  const reads: ReadResult[] = new Array(batch.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batch.length) {
      const index = next++;
      const { input, instanceAddress } = batch[index];
      reads[index] = await driftOf(input, instanceAddress, deps, records.get(credentialIdFor(input.instanceId)) ?? null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_BATCH_CONCURRENCY, batch.length) }, worker));
  // In the order of the batch, so the same drift gives the same result.
  const found = batch.map(({ key }, index): [string, ReadResult] => [key, reads[index]]).filter(([, read]) => !read.inSync);
  const expiring = batch.flatMap(({ key }, index): Array<[string, string]> => (reads[index].expiring === undefined ? [] : [[key, reads[index].expiring!]]));
  const result: ReadBatchResult = {
    inSync: found.length === 0,
    checked: batch.length,
    drifted: Object.fromEntries(found),
    message: found.length === 0 ? 'in sync' : `${found.length} of ${batch.length} credentials drifted`,
    ...(expiring.length === 0 ? {} : { expiring: Object.fromEntries(expiring) }),
  };
  return { outcome: found.length === 0 ? 'in-sync' : 'drifted', result };
}
