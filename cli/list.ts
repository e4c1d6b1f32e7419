import type { Command } from 'commander';
import { listCredentials, renderCredentialTable } from './credential-list';
import { EXIT } from './exit-codes';
import { withStoreOptions } from './stack-state';
import { LocationOptions, locateStore, readAllRecords, storeClients } from './store-clients';
import { parseDuration, unusedSince } from './undeclared';

export interface ListOptions extends LocationOptions {
  readonly json?: boolean;
  readonly all?: boolean;
  /** `12h`, `30d`, `90d`: only credentials not used for that long (never used ones by their creation). */
  readonly unusedSince?: string;
}

export function registerListCommand(program: Command): void {
  const command = program
    .command('list')
    .description("the store's credentials, as on the product page's Credentials tab (never a secret)");
  withStoreOptions(command, 'a deployed stack directory (cdktf.out/stacks/<stack>): the store is read from its outputs')
    .option('--all', 'include revoked credentials')
    .option('--unused-since <duration>', 'only credentials not used for this long (12h, 30d, 90d): last used before, or never used and created before')
    .option('--json', 'print JSON')
    .action(async (options: ListOptions) => {
      process.exitCode = await runList(options, (text) => process.stdout.write(text));
    });
}

export async function runList(options: ListOptions, out: (text: string) => void, now: () => Date = () => new Date()): Promise<number> {
  // Checked before any AWS call: a bad duration is the user's to fix.
  const unusedFor = options.unusedSince === undefined ? undefined : parseDuration(options.unusedSince);
  const location = await locateStore(options);
  const { dynamodb } = storeClients(location.region);
  const records = await readAllRecords(dynamodb, location);
  const all = listCredentials(records, options.all);
  const cutoff = unusedFor === undefined ? undefined : new Date(now().getTime() - unusedFor);
  const rows = cutoff === undefined ? all : unusedSince(all, cutoff);
  if (options.json) {
    const filter = cutoff === undefined ? {} : { unusedSince: options.unusedSince, cutoff: cutoff.toISOString() };
    out(`${JSON.stringify({ table: location.tableName, region: location.region, ...filter, credentials: rows }, null, 2)}\n`);
  } else {
    const filter = cutoff === undefined ? '' : ` not used since ${cutoff.toISOString().slice(0, 16).replace('T', ' ')} UTC (${options.unusedSince})`;
    out(`Credentials in ${location.tableName} (${location.region})${filter}: ${rows.length}\n`);
    out(`${renderCredentialTable(rows)}\n`);
  }
  return EXIT.OK;
}
