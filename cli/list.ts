import type { Command } from 'commander';
import { NotFoundError } from '../handlers/errors';
import type { CredentialRecord } from '../handlers/lifecycle/credential-record';
import { listCredentialRecords } from '../handlers/store';
import { awsErrorName } from '../handlers/runtime/aws';
import { listCredentials, renderCredentialTable } from './credential-list';
import { EXIT } from './exit-codes';
import { withStoreOptions } from './stack-state';
import { LocationOptions, locateStore, storeClients } from './store-clients';

export interface ListOptions extends LocationOptions {
  readonly json?: boolean;
  readonly all?: boolean;
}

export function registerListCommand(program: Command): void {
  const command = program
    .command('list')
    .description("the store's credentials, as on the product page's Credentials tab (never a secret)");
  withStoreOptions(command, 'a deployed stack directory (cdktf.out/stacks/<stack>): the store is read from its outputs')
    .option('--all', 'include revoked credentials')
    .option('--json', 'print JSON')
    .action(async (options: ListOptions) => {
      process.exitCode = await runList(options, (text) => process.stdout.write(text));
    });
}

export async function runList(options: ListOptions, out: (text: string) => void): Promise<number> {
  const location = await locateStore(options);
  const { dynamodb } = storeClients(location.region);
  const records: CredentialRecord[] = [];
  try {
    for await (const record of listCredentialRecords(dynamodb, location.tableName)) records.push(record);
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
    throw new NotFoundError(`The credential table ${location.tableName} does not exist in ${location.region}`, { cause: error });
  }
  const rows = listCredentials(records, options.all);
  if (options.json) {
    out(`${JSON.stringify({ table: location.tableName, region: location.region, credentials: rows }, null, 2)}\n`);
  } else {
    out(`Credentials in ${location.tableName} (${location.region}): ${rows.length}\n`);
    out(`${renderCredentialTable(rows)}\n`);
  }
  return EXIT.OK;
}
