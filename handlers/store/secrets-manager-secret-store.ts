/**
 * Credential secret values in Secrets Manager: the provider's reads and writes of them, and the
 * store's hash key.
 *
 * The secrets themselves (name, KMS key, policy, tags) are Terraform's; this module only reads
 * and writes their value. Errors carry ARNs, never values.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { lifecycleErrors } from '../lifecycle/messages';
import { awsErrorName } from '../runtime/aws';
import { createHash } from 'node:crypto';
import { HashKeySource, SecretMetadata, SecretStore } from '../lifecycle/ports';
import { awsClientConfig } from '../runtime/aws';

export class SecretsManagerSecretStore implements SecretStore {
  constructor(private readonly client: SecretsManagerClient) {}

  async readCurrentValue(secretArn: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' }));
      return out.SecretString;
    } catch (error) {
      if (awsErrorName(error) === 'InvalidRequestException') throw lifecycleErrors.secretScheduledForDeletion(secretArn, error);
      if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
      // The same error means "no such secret" and "no current value yet"; only the first is a problem.
      await this.describe(secretArn);
      return undefined;
    }
  }

  async writeValue(secretArn: string, value: string, idempotencyToken: string): Promise<void> {
    try {
      await this.client.send(
        new PutSecretValueCommand({ SecretId: secretArn, SecretString: value, ClientRequestToken: idempotencyToken }),
      );
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') throw lifecycleErrors.missingSecret(secretArn, error);
      if (awsErrorName(error) === 'InvalidRequestException') throw lifecycleErrors.secretScheduledForDeletion(secretArn, error);
      throw error;
    }
  }

  async readMetadata(secretArn: string): Promise<SecretMetadata> {
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: secretArn }));
      const current = Object.entries(out.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'));
      return {
        tags: Object.fromEntries((out.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
        ...(current === undefined ? {} : { currentVersionId: current[0] }),
        scheduledForDeletion: out.DeletedDate !== undefined,
      };
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') throw lifecycleErrors.missingSecret(secretArn, error);
      throw error;
    }
  }

  private async describe(secretArn: string): Promise<void> {
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: secretArn }));
      if (out.DeletedDate !== undefined) throw lifecycleErrors.secretScheduledForDeletion(secretArn, undefined);
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') throw lifecycleErrors.missingSecret(secretArn, error);
      throw error;
    }
  }
}

/**
 * The state of a credential's secret from its metadata alone (DescribeSecret): whether it exists,
 * is scheduled for deletion, or has a current (`AWSCURRENT`) value. Never reads the value, so the
 * drift check needs no permission to read secrets.
 */
export async function describeSecretState(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<'present' | 'no-value' | 'scheduled-for-deletion' | 'missing'> {
  try {
    const out = await client.send(new DescribeSecretCommand({ SecretId: secretArn }));
    if (out.DeletedDate !== undefined) return 'scheduled-for-deletion';
    const stages = Object.values(out.VersionIdsToStages ?? {});
    return stages.some((s) => s.includes('AWSCURRENT')) ? 'present' : 'no-value';
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return 'missing';
    throw error;
  }
}

/** Bytes of the store's hash key. */
const HASH_KEY_BYTES = 32;

/**
 * The store's key for adopted keys' hashes, in the store's hash-key secret (base64 of 32 random
 * bytes). The provider creates it on the first adoption; every function caches it for the life of
 * the process, and remembers that there is none yet for a minute (an unknown bearer value must not
 * cost a Secrets Manager call each).
 */
export class SecretsManagerHashKey implements HashKeySource {
  private key?: Uint8Array;
  private missingUntil = 0;

  constructor(
    private readonly client: SecretsManagerClient,
    readonly secretArn: string,
    private readonly randomBytes: (size: number) => Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  async get(options: { readonly create: boolean }): Promise<Uint8Array | undefined> {
    if (this.key !== undefined) return this.key;
    if (!options.create && this.now() < this.missingUntil) return undefined;
    let key = await this.read();
    if (key === undefined && options.create) {
      // One token for the key's first version: of two concurrent first writes, one wins and the
      // other fails, and both then read the winner's key.
      const token = createHash('sha256').update(`data-api-hash-key:${this.secretArn}`).digest('hex');
      const uuid = [token.slice(0, 8), token.slice(8, 12), token.slice(12, 16), token.slice(16, 20), token.slice(20, 32)].join('-');
      await this.client
        .send(new PutSecretValueCommand({ SecretId: this.secretArn, SecretString: this.randomBytes(HASH_KEY_BYTES).toString('base64'), ClientRequestToken: uuid }))
        .catch((error: unknown) => {
          if (awsErrorName(error) !== 'ResourceExistsException') throw error;
        });
      key = await this.read();
    }
    if (key === undefined) this.missingUntil = this.now() + 60_000;
    else this.key = key;
    return key;
  }

  private async read(): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn, VersionStage: 'AWSCURRENT' }));
      const key = out.SecretString === undefined ? undefined : Buffer.from(out.SecretString, 'base64');
      return key !== undefined && key.length === HASH_KEY_BYTES ? key : undefined;
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }
}

/** The gateway functions' view of the store's hash key: read only, with their own bounded client. */
export function readOnlyHashKey(region: string, secretArn: string): HashKeySource {
  const client = new SecretsManagerClient(awsClientConfig(region, 'gateway'));
  const key = new SecretsManagerHashKey(client, secretArn, () => {
    throw new Error('the gateway never creates the hash key');
  });
  return { get: () => key.get({ create: false }) };
}
