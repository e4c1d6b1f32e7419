/**
 * The provider's dispatch: validates an invocation event and runs its action, a lifecycle
 * operation (create, update, delete) or the read-only drift read.
 */
import { CredentialResult, ProviderAction } from '../contract/credential';
import { READ_ACTION, ReadBatchResult, ReadResult } from '../contract/drift';
import { ActionOutcome, createCredential, deleteCredential, LifecycleDeps, updateCredential } from '../lifecycle/operations';
import { ParsedEvent, parseProviderEvent } from './event';
import { readCredentialDrift, readDriftBatch } from './read';

export type { LifecycleDeps } from '../lifecycle/operations';

/** A delete of a credential that has no record (or not this instance's) returns `{}`; a read returns its findings. */
export type ProviderResult = CredentialResult | ReadResult | ReadBatchResult | Record<string, never>;

export interface FlowOutcome extends ActionOutcome {
  readonly action: ProviderAction | typeof READ_ACTION;
  readonly result: ProviderResult;
}

/** Validates the event, then runs its action. */
export async function runProviderEvent(event: unknown, deps: LifecycleDeps): Promise<FlowOutcome> {
  const parsed: ParsedEvent = parseProviderEvent(event);
  const run = (): Promise<ActionOutcome> => {
    switch (parsed.action) {
      case 'create':
        return createCredential(parsed.input, deps);
      case 'update':
        return updateCredential(parsed.input, parsed.previous, deps);
      case 'delete':
        return deleteCredential(parsed.instanceId, deps);
      case READ_ACTION:
        return 'batch' in parsed ? readDriftBatch(parsed.batch, deps) : readCredentialDrift(parsed.input, parsed.instanceAddress, deps);
    }
  };
  const outcome = await run();
  return { action: parsed.action, ...outcome, result: outcome.result as ProviderResult };
}
