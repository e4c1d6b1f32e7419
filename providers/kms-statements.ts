import type { RoleStatement } from './bundled-function';
import { CUSTOMER_KEY_ACTIONS } from './function-settings';

/**
 * A function's use of a customer KMS key, only through the services that need it and only for
 * what is its own: the credential table (via DynamoDB, encryption context `aws:dynamodb:tableName`),
 * its own environment variables (encryption context `LambdaFunctionName`) and, for the provider, the
 * store's secrets (via Secrets Manager, `SecretARN` under the store's prefix). Those services call KMS with the
 * caller's permissions, so without the conditions the role could use the key for anything.
 */
export function customerKeyStatements(options: {
  readonly kmsKeyArn: string;
  readonly region: string;
  readonly tableName: string;
  readonly functionName: string;
  /** The provider only: the ARN pattern of the secrets it writes. */
  readonly secretArnPattern?: string;
}): RoleStatement[] {
  const via = (service: string) => ({ test: 'StringEquals', variable: 'kms:ViaService', values: [`${service}.${options.region}.amazonaws.com`] });
  return [
    {
      sid: 'TableKey',
      actions: [...CUSTOMER_KEY_ACTIONS.table],
      resources: [options.kmsKeyArn],
      condition: [via('dynamodb'), { test: 'StringEquals', variable: 'kms:EncryptionContext:aws:dynamodb:tableName', values: [options.tableName] }],
    },
    {
      sid: 'EnvironmentKey',
      actions: [...CUSTOMER_KEY_ACTIONS.environment],
      resources: [options.kmsKeyArn],
      // Lambda decrypts the environment with the execution role; the encryption context names the function.
      condition: [{ test: 'StringEquals', variable: 'kms:EncryptionContext:LambdaFunctionName', values: [options.functionName] }],
    },
    ...(options.secretArnPattern === undefined
      ? []
      : [
          {
            sid: 'SecretsKey',
            actions: [...CUSTOMER_KEY_ACTIONS.secrets],
            resources: [options.kmsKeyArn],
            condition: [via('secretsmanager'), { test: 'StringLike', variable: 'kms:EncryptionContext:SecretARN', values: [options.secretArnPattern] }],
          },
        ]),
  ];
}
