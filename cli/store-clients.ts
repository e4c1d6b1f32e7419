import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NotFoundError } from '../handlers/errors';
import type { CredentialRecord } from '../handlers/lifecycle/credential-record';
import { awsClientConfig, awsErrorName } from '../handlers/runtime/aws';
import { listCredentialRecords } from '../handlers/store';
import { readCliEnvironment } from './cli-environment';
import { outputsOfState, readOutputs, readState, resolveStoreLocation, StoreFlags, StoreLocation, storesInOutputs } from './stack-state';

/** Bounded like the provider's clients: a command never hangs on an unreachable endpoint. */
export function storeClients(region: string): { dynamodb: DynamoDBClient; secrets: SecretsManagerClient } {
  const config = awsClientConfig(region, 'cli');
  return { dynamodb: new DynamoDBClient(config), secrets: new SecretsManagerClient(config) };
}

export interface LocationOptions extends StoreFlags {
  readonly dir?: string;
}

/**
 * The store from the flags, else from the stack (`--dir`, read with terraform): its outputs, and
 * when they name no store (a configuration calling the Terraform module), its state. A caller that
 * has read the state already passes it.
 */
export async function locateStore(options: LocationOptions, state?: unknown): Promise<StoreLocation> {
  const region = readCliEnvironment().region;
  if (state !== undefined) return resolveStoreLocation(options, outputsOfState(state), region, state);
  if (options.table !== undefined || options.dir === undefined) return resolveStoreLocation(options, undefined, region);
  const outputs = await readOutputs(options.dir);
  const stackState = storesInOutputs(outputs).length === 0 ? await readState(options.dir) : undefined;
  return resolveStoreLocation(options, outputs, region, stackState);
}

/** Every credential record of the store (a Scan); a missing table is the user's to fix. */
export async function readAllRecords(dynamodb: DynamoDBClient, location: StoreLocation): Promise<CredentialRecord[]> {
  const records: CredentialRecord[] = [];
  try {
    for await (const record of listCredentialRecords(dynamodb, location.tableName)) records.push(record);
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
    throw new NotFoundError(`The credential table ${location.tableName} does not exist in ${location.region}`, { cause: error });
  }
  return records;
}
