import { READ_ACTION, ReadBatchEvent, ReadEvent } from '../handlers/contract/drift';
import { Fn, Lazy, TerraformStack } from './framework';
import { hclTexts } from './hcl-text';

/** One credential's part of the drift check, known once its invocation exists (read at synth). */
export interface DriftRead {
  /** The credential's key in the read's input: its invocation's logical id. */
  readonly key: string;
  readonly event: Omit<ReadEvent, 'action'>;
  /** The invocation's address: the read waits for it. */
  readonly invocation: string;
}

/**
 * A store's drift check: one `check` block per store, whose `aws_lambda_invocation` data source
 * runs the provider's read action on all its checked credentials at once (one Lambda call per
 * plan, however many credentials), with one assertion whose message lists every drifted
 * credential. The read depends on the credentials' invocations: while any of them has a change
 * pending, it waits for the apply. Made with the store's first checked credential.
 */
export class DriftCheck {
  /** The checked credentials' reads, in the order they joined; each read at synth. */
  private readonly reads: Array<() => DriftRead | undefined> = [];

  /**
   * @param stack where the `check` block goes (cdktf has no class for it: an override)
   * @param id the block's name and its data source's (the store's table id, `_drift`)
   * @param functionName the store's provider function
   */
  constructor(stack: TerraformStack, id: string, functionName: string) {
    const drifted = `jsondecode(data.aws_lambda_invocation.${id}.result).drifted`;
    // Expired and soon-expiring credentials (the provider's read lists them apart from drift).
    const expiring = `try(jsondecode(data.aws_lambda_invocation.${id}.result).expiring, {})`;
    const reads = (): DriftRead[] => this.reads.flatMap((read) => read() ?? []);
    const batch = (): ReadBatchEvent => ({ action: READ_ACTION, credentials: Object.fromEntries(reads().map((r) => [r.key, r.event])) });
    // Lazy parts for the credentials declared later.
    stack.addOverride(`check.${id}`, {
      data: {
        aws_lambda_invocation: {
          [id]: {
            function_name: functionName,
            input: Lazy.stringValue({ produce: () => Fn.jsonencode(hclTexts(batch())) }),
            depends_on: Lazy.listValue({ produce: () => reads().map((r) => r.invocation) }),
          },
        },
      },
      // One assertion for the store: one warning lists every drifted credential, and a deferred
      // check (a credential has a change pending) is one warning, not one per credential.
      assert: [
        {
          condition: `\${length(${drifted}) == 0 && length(${expiring}) == 0}`,
          error_message: `\${join("\\n", concat([for key, read in ${drifted} : read.message], values(${expiring})))}`,
        },
      ],
    });
  }

  /** Adds a credential, whose read is known once its invocation exists. */
  add(read: () => DriftRead | undefined): void {
    this.reads.push(read);
  }
}
