/**
 * The provider Lambda's configuration: read from the environment in this one place, once per
 * process (a Lambda cold start), validated, and handed to the rest as a plain object.
 *
 * The AWS SDK itself also reads `AWS_ENDPOINT_URL*` and the credential variables; those are
 * deliberately not repeated here.
 */
import { SECRET_ARN_PATTERN, SECRET_PREFIX_PATTERN, TABLE_NAME_PATTERN } from '../contract/aws-names';
import { PROVIDER_ENV } from '../contract/credential';
import { configOnce, Environment, environmentReader } from '../runtime/environment';

export interface ProviderConfig {
  /** DynamoDB table of the credential records (`CREDENTIALS_TABLE_NAME`). */
  readonly tableName: string;
  /** Every credential secret's name starts with this (`CREDENTIALS_SECRET_PREFIX`). */
  readonly secretPrefix: string;
  /** `AWS_REGION` (set by Lambda), else `AWS_DEFAULT_REGION`. */
  readonly region: string;
  /** The store's hash-key secret (`CREDENTIALS_HASH_KEY_SECRET_ARN`); absent: adopted keys are hashed with plain SHA-256. */
  readonly hashKeySecretArn?: string;
}

/** Reads and validates the configuration from `env`; pure, for tests and tools. */
export function readProviderConfig(env: Environment = process.env): ProviderConfig {
  const read = environmentReader('The credential provider', env);
  const hashKeySecretArn = read.optional(PROVIDER_ENV.HASH_KEY_SECRET_ARN, SECRET_ARN_PATTERN, 'a Secrets Manager secret ARN');
  return {
    tableName: read.required(PROVIDER_ENV.TABLE_NAME, TABLE_NAME_PATTERN, 'a DynamoDB table name'),
    secretPrefix: read.required(PROVIDER_ENV.SECRET_PREFIX, SECRET_PREFIX_PATTERN, 'a Secrets Manager name prefix (letters, digits and /_+=.@-)'),
    region: read.region(),
    ...(hashKeySecretArn === undefined ? {} : { hashKeySecretArn }),
  };
}

const once = configOnce(readProviderConfig);

/** The process's configuration, read on first use. */
export const providerConfig = once.get;

/** Forgets the configuration read so far; the next `providerConfig()` reads the environment again. For tests. */
export const resetProviderConfig = once.reset;
