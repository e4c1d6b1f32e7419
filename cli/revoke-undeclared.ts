/**
 * `revoke-undeclared`: revokes the store's undeclared credentials (drift's list), after a
 * confirmation: `yes` typed on a terminal, or `--yes` in a pipeline; without a terminal and
 * without `--yes` it refuses and changes nothing. Each revoke is the lifecycle's, conditional on
 * the version drift read; the secret is not touched.
 */
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { CredentialError, StaleRecordError } from '../handlers/errors';
import { revokeUndeclaredRecord } from '../handlers/lifecycle/operations';
import { DynamoDbCredentialTable } from '../handlers/store';
import { collect, DriftOptions, readDeclarations } from './drift';
import { EXIT } from './exit-codes';
import { withStoreOptions } from './stack-state';
import { readAllRecords, storeClients } from './store-clients';
import { findUndeclared, OTHER_STACKS_NOTE, UndeclaredCredential, undeclaredLine, undeclaredListing } from './undeclared';

export interface RevokeUndeclaredOptions extends DriftOptions {
  readonly yes?: boolean;
}

/** How the command talks to its user: where it prints, and the terminal to ask on (none in a pipeline). */
export interface RevokeIo {
  readonly out: (text: string) => void;
  /** Asks `question` on the terminal and returns the answer; undefined when there is no terminal. */
  readonly ask?: (question: string) => Promise<string>;
  readonly now?: () => Date;
}

/** Refused without a confirmation: nothing was changed. */
export class NotConfirmedError extends CredentialError {}

export function registerRevokeUndeclaredCommand(program: Command): void {
  const command = program
    .command('revoke-undeclared')
    .description(`revoke the store's credentials that no declaration names (drift's undeclared list), after confirmation; exit ${EXIT.OK} done, ${EXIT.ERROR} refused or failed`);
  withStoreOptions(command, 'the deployed stack directory (cdktf.out/stacks/<stack>), read with terraform show -json')
    .option('--also-declared-in <dir>', "another stack's directory (or state JSON file) sharing the store: its declarations count too (repeatable)", collect)
    .option('--yes', 'revoke without asking (for pipelines; without a terminal the command refuses otherwise)')
    .option('--json', 'print JSON')
    .action(async (options: RevokeUndeclaredOptions) => {
      const interactive = process.stdin.isTTY === true;
      const ask = interactive
        ? async (question: string) => {
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            try {
              return await rl.question(question);
            } finally {
              rl.close();
            }
          }
        : undefined;
      process.exitCode = await runRevokeUndeclared(options, { out: (text) => process.stdout.write(text), ask });
    });
}

/**
 * The confirmation: `--yes`, or `yes` typed on the terminal; without a terminal and without
 * `--yes`, or with another answer, `NotConfirmedError` (nothing revoked). Prints the summary first.
 */
export async function confirmRevoke(n: number, summary: string, options: { readonly yes?: boolean; readonly json?: boolean }, io: RevokeIo): Promise<void> {
  if (options.yes) {
    if (!options.json) io.out(`${summary}\n`);
    return;
  }
  if (io.ask === undefined) {
    throw new NotConfirmedError(`refusing to revoke ${n} undeclared credential${n === 1 ? '' : 's'} without a confirmation: no terminal to ask on; pass --yes. Nothing was revoked`);
  }
  io.out(`${summary}\n`);
  const answer = await io.ask(`Revoke ${n === 1 ? 'it' : `these ${n}`}? Requests with ${n === 1 ? 'it' : 'them'} get 401 from then on. Type yes to revoke: `);
  if (answer.trim() !== 'yes') throw new NotConfirmedError('not confirmed (the answer was not yes). Nothing was revoked');
}

export async function runRevokeUndeclared(options: RevokeUndeclaredOptions, io: RevokeIo): Promise<number> {
  const { declaredIds, location, alsoDeclaredIn } = await readDeclarations(options);
  const { dynamodb } = storeClients(location.region);
  const undeclared = findUndeclared(await readAllRecords(dynamodb, location), declaredIds).map(undeclaredListing);
  const where = `${location.tableName} (${location.region})`;
  const declaredIn = alsoDeclaredIn.length === 0 ? 'this state' : `this state or ${alsoDeclaredIn.join(', ')}`;
  if (undeclared.length === 0) {
    io.out(options.json ? `${JSON.stringify({ table: location.tableName, region: location.region, revoked: [], failed: [] }, null, 2)}\n` : `No undeclared credentials in ${where}: nothing to revoke.\n`);
    return EXIT.OK;
  }
  const n = undeclared.length;
  const summary = [
    `${n} undeclared credential${n === 1 ? '' : 's'} in ${where} (no declaration in ${declaredIn} names ${n === 1 ? 'it' : 'them'}):`,
    ...undeclared.map((c) => `  ${undeclaredLine(c)}`),
    `  ${OTHER_STACKS_NOTE}`,
  ].join('\n');
  await confirmRevoke(n, summary, options, io);

  const table = new DynamoDbCredentialTable(dynamodb, location.tableName);
  const now = io.now ?? (() => new Date());
  const revoked: (UndeclaredCredential & { revokedAt: string })[] = [];
  const failed: { credentialId: string; name: string; reason: string }[] = [];
  for (const c of undeclared) {
    try {
      const record = await revokeUndeclaredRecord({ table, now }, c);
      revoked.push({ ...c, status: record.status, version: record.version, revokedAt: record.revokedAt ?? record.updatedAt });
    } catch (error) {
      if (!(error instanceof CredentialError)) throw error;
      const reason = error instanceof StaleRecordError ? 'changed since it was read: run the command again' : error.message;
      failed.push({ credentialId: c.credentialId, name: c.name, reason });
    }
  }
  if (options.json) {
    io.out(`${JSON.stringify({ table: location.tableName, region: location.region, revoked, failed }, null, 2)}\n`);
  } else {
    const lines = revoked.map((c) => `revoked ${c.credentialId} ${JSON.stringify(c.name)} at ${c.revokedAt}`);
    for (const f of failed) lines.push(`not revoked ${f.credentialId} ${JSON.stringify(f.name)}: ${f.reason}`);
    lines.push(`Revoked ${revoked.length} of ${n}; their secrets are untouched.`);
    io.out(`${lines.join('\n')}\n`);
  }
  return failed.length === 0 ? EXIT.OK : EXIT.ERROR;
}
