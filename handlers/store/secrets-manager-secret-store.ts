/**
 * Credential secret values in Secrets Manager: the only module that calls the Secrets Manager API.
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
import { ConflictError, NotFoundError } from '../errors';
import { awsErrorName } from './aws-error';
import { SecretStore } from './credential-record';

function missingSecret(secretArn: string, cause: unknown): NotFoundError {
  return new NotFoundError(
    `The secret ${secretArn} does not exist (or is not visible to the provider); ` +
      'it is created by Terraform with the credential, so check that it was not deleted outside Terraform',
    { cause },
  );
}

function unusableSecret(secretArn: string, cause: unknown): ConflictError {
  return new ConflictError(
    `The secret ${secretArn} cannot be used right now (InvalidRequestException), typically because it is ` +
      'scheduled for deletion; restore it (aws secretsmanager restore-secret) or let Terraform recreate it, then apply again',
    { cause },
  );
}

export class SecretsManagerSecretStore implements SecretStore {
  constructor(private readonly client: SecretsManagerClient) {}

  async readCurrentValue(secretArn: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' }));
      return out.SecretString;
    } catch (error) {
      if (awsErrorName(error) === 'InvalidRequestException') throw unusableSecret(secretArn, error);
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
      if (awsErrorName(error) === 'ResourceNotFoundException') throw missingSecret(secretArn, error);
      if (awsErrorName(error) === 'InvalidRequestException') throw unusableSecret(secretArn, error);
      throw error;
    }
  }

  async readTags(secretArn: string): Promise<Readonly<Record<string, string>>> {
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: secretArn }));
      return Object.fromEntries((out.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') throw missingSecret(secretArn, error);
      throw error;
    }
  }

  private async describe(secretArn: string): Promise<void> {
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: secretArn }));
      if (out.DeletedDate !== undefined) throw unusableSecret(secretArn, undefined);
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') throw missingSecret(secretArn, error);
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
