import type { Command } from 'commander';
import { restoreDeclaredFields } from '../handlers/lifecycle/operations';
import { describeSecretState, DynamoDbCredentialTable, readCredentialRecord } from '../handlers/store';
import { assessCredential, CredentialDrift, driftReport, Observed, renderDriftTable } from './drift-report';
import { EXIT } from './exit-codes';
import { credentialsInState, readDeclaredIds, readState, StateCredential, withStoreOptions } from './stack-state';
import { locateStore, readAllRecords, storeClients } from './store-clients';
import { findUndeclared, undeclaredListing } from './undeclared';

export interface DriftOptions {
  readonly dir: string;
  readonly table?: string;
  readonly region?: string;
  readonly json?: boolean;
  readonly repair?: boolean;
  /** Further states (stack directories or state JSON files) of the same store whose declarations count. */
  readonly alsoDeclaredIn?: string[];
}

/** Commander's collector of a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerDriftCommand(program: Command): void {
  const command = program
    .command('drift')
    .description(
      `compare what the Terraform state declares with the store and Secrets Manager, and list the store's undeclared ` +
        `credentials; exit ${EXIT.OK} in sync, ${EXIT.FINDINGS} drift, ${EXIT.ERROR} error`,
    );
  withStoreOptions(command, 'the deployed stack directory (cdktf.out/stacks/<stack>), read with terraform show -json')
    .option('--also-declared-in <dir>', "another stack's directory (or state JSON file) sharing the store: its declarations count too (repeatable)", collect)
    .option('--repair', 'write the declared name and scopes back (never the secret, never an undeclared record); report what needs replacement')
    .option('--json', 'print JSON')
    .action(async (options: DriftOptions) => {
      process.exitCode = await runDrift(options, (text) => process.stdout.write(text));
    });
}

/**
 * The declarations of the state in `options.dir` and of every `--also-declared-in`, and the store
 * they point at: what drift and revoke-undeclared both start from.
 */
export async function readDeclarations(options: DriftOptions) {
  const state = await readState(options.dir);
  const declared = credentialsInState(state);
  const location = await locateStore(options, state);
  const alsoDeclaredIn = options.alsoDeclaredIn ?? [];
  const declaredIds = new Set(declared.map((c) => c.credentialId));
  for (const other of alsoDeclaredIn) for (const id of await readDeclaredIds(other)) declaredIds.add(id);
  return { declared, declaredIds, location, alsoDeclaredIn };
}

/** Checks (and with `repair`, restores) every declared credential and lists the undeclared ones; returns the exit code. */
export async function runDrift(options: DriftOptions, out: (text: string) => void, now: () => Date = () => new Date()): Promise<number> {
  const { declared, declaredIds, location, alsoDeclaredIn } = await readDeclarations(options);
  const clients = storeClients(location.region);
  const observe = async (credential: StateCredential): Promise<Observed> => {
    const [record, secret] = await Promise.all([
      readCredentialRecord(clients.dynamodb, location.tableName, credential.credentialId),
      describeSecretState(clients.secrets, credential.input.secretArn),
    ]);
    return { record, secret };
  };

  const results: CredentialDrift[] = [];
  // Only declared credentials are ever repaired: an undeclared record has no declaration to restore.
  for (const credential of declared) {
    const observed = await observe(credential);
    let drift = assessCredential(credential, observed);
    if (options.repair && drift.fix?.kind === 'restore' && observed.record !== undefined) {
      // The provider's lifecycle, with the store's table: one writer, one set of rules.
      // The state's input was validated when read: its declared fields are canonical already.
      await restoreDeclaredFields({ table: new DynamoDbCredentialTable(clients.dynamodb, location.tableName), now }, observed.record, credential.input);
      // Verified by reading back, so the report shows what the store holds now.
      const after = assessCredential(credential, await observe(credential));
      drift = after.status === 'in-sync' ? { ...drift, status: 'repaired' } : after;
    }
    results.push(drift);
  }
  const undeclared = findUndeclared(await readAllRecords(clients.dynamodb, location), declaredIds).map(undeclaredListing);
  const report = driftReport(location, results, undeclared, alsoDeclaredIn);
  out(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderDriftTable(report));
  return report.inSync ? EXIT.OK : EXIT.FINDINGS;
}
