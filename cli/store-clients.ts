import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readCliEnvironment } from './cli-environment';
import { readOutputs, resolveStoreLocation, StoreFlags, StoreLocation } from './stack-state';
import type { Outputs } from './stack-state';

/** Bounded like the provider's clients: a command never hangs on an unreachable endpoint. */
export function storeClients(region: string): { dynamodb: DynamoDBClient; secrets: SecretsManagerClient } {
  const config = { region, maxAttempts: 3, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } };
  return { dynamodb: new DynamoDBClient(config), secrets: new SecretsManagerClient(config) };
}

export interface LocationOptions extends StoreFlags {
  readonly dir?: string;
}

/** The store from the flags, else the stack's outputs (`--dir`, read with terraform). */
export async function locateStore(options: LocationOptions, outputs?: Outputs): Promise<StoreLocation> {
  const fromStack = outputs ?? (options.table === undefined && options.dir !== undefined ? await readOutputs(options.dir) : undefined);
  return resolveStoreLocation(options, fromStack, readCliEnvironment().region);
}
