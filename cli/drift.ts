import type { Command } from 'commander';
import { restoreDeclaredFields } from '../handlers/lifecycle/operations';
import { describeSecretState, DynamoDbCredentialTable, readCredentialRecord } from '../handlers/store';
import { assessCredential, CredentialDrift, driftReport, Observed, renderDriftTable } from './drift-report';
import { EXIT } from './exit-codes';
import { credentialsInState, readState, StateCredential, withStoreOptions } from './stack-state';
import { locateStore, storeClients } from './store-clients';

export interface DriftOptions {
  readonly dir: string;
  readonly table?: string;
  readonly region?: string;
  readonly json?: boolean;
  readonly repair?: boolean;
}

export function registerDriftCommand(program: Command): void {
  const command = program
    .command('drift')
    .description(
      `compare what the Terraform state declares with the store and Secrets Manager; exit ${EXIT.OK} in sync, ` +
        `${EXIT.FINDINGS} drift, ${EXIT.ERROR} error`,
    );
  withStoreOptions(command, 'the deployed stack directory (cdktf.out/stacks/<stack>), read with terraform show -json')
    .option('--repair', 'write the declared name and scopes back (never the secret); report what needs replacement')
    .option('--json', 'print JSON')
    .action(async (options: DriftOptions) => {
      process.exitCode = await runDrift(options, (text) => process.stdout.write(text));
    });
}

/** Checks (and with `repair`, restores) every declared credential; returns the exit code. */
export async function runDrift(options: DriftOptions, out: (text: string) => void, now: () => Date = () => new Date()): Promise<number> {
  const state = await readState(options.dir);
  const declared = credentialsInState(state);
  const location = await locateStore(options, state);
  const clients = storeClients(location.region);
  const observe = async (credential: StateCredential): Promise<Observed> => {
    const [record, secret] = await Promise.all([
      readCredentialRecord(clients.dynamodb, location.tableName, credential.credentialId),
      describeSecretState(clients.secrets, credential.input.secretArn),
    ]);
    return { record, secret };
  };

  const results: CredentialDrift[] = [];
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
  const report = driftReport(location, results);
  out(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderDriftTable(report));
  return report.inSync ? EXIT.OK : EXIT.FINDINGS;
}
