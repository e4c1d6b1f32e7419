/**
 * Configuration of the token endpoint and the records verifier: read from the environment in
 * this one place, once per process, validated.
 */
import { ISSUER_PATTERN, MAX_INTROSPECTION_CLIENTS, VERIFIER_ENV } from '../contract/gateway';
import { configOnce, Environment, environmentReader } from '../runtime/environment';
import { LAMBDA_FUNCTION_ARN_PATTERN, SECRET_ARN_PATTERN, TABLE_NAME_PATTERN } from '../contract/aws-names';

export type BackendConfig = { readonly kind: 'lambda'; readonly functionArn: string } | { readonly kind: 'http'; readonly url: string };

export interface VerifierConfig {
  readonly tableName: string;
  readonly region: string;
  /** Only the records verifier has one. */
  readonly backend?: BackendConfig;
  readonly authCacheTtlSeconds: number;
  /** Token function only: the issuer the metadata names; unset, the request's base URL. */
  readonly issuer?: string;
  /** Token function only: credential ids whose clients may introspect (none: nobody may). */
  readonly introspectionCredentialIds: string[];
  /** The store's hash-key secret: adopted keys are found by their HMAC too. */
  readonly hashKeySecretArn?: string;
}

/** Reads and validates the configuration from `env`; pure, for tests and tools. */
export function readVerifierConfig(env: Environment = process.env): VerifierConfig {
  const read = environmentReader('The Data API gateway', env);
  const tableName = read.required(VERIFIER_ENV.TABLE_NAME, TABLE_NAME_PATTERN, 'a DynamoDB table name');
  const region = read.region();
  const functionArn = read.optional(VERIFIER_ENV.BACKEND_FUNCTION_ARN, LAMBDA_FUNCTION_ARN_PATTERN, 'a Lambda function ARN');
  const url = read.optional(VERIFIER_ENV.BACKEND_URL, /^https?:\/\/[^\s]+$/, 'an http(s) URL');
  if (functionArn !== undefined && url !== undefined) {
    read.fail(`set ${VERIFIER_ENV.BACKEND_FUNCTION_ARN} or ${VERIFIER_ENV.BACKEND_URL}, not both`);
  }
  const ttlText = read.optional(VERIFIER_ENV.AUTH_CACHE_TTL_SECONDS, /^\d{1,4}$/, 'a whole number of seconds from 0 to 3600') ?? '0';
  const authCacheTtlSeconds = Number(ttlText);
  if (authCacheTtlSeconds > 3600) {
    read.fail(`environment variable ${VERIFIER_ENV.AUTH_CACHE_TTL_SECONDS}=${JSON.stringify(ttlText)} is not a whole number of seconds from 0 to 3600`);
  }
  const issuer = read.optional(VERIFIER_ENV.ISSUER, ISSUER_PATTERN, 'an https URL without a trailing slash, query or fragment');
  const ids = (env[VERIFIER_ENV.INTROSPECTION_CREDENTIAL_IDS] ?? '').split(',').filter((id) => id !== '');
  if (ids.length > MAX_INTROSPECTION_CLIENTS || ids.some((id) => !/^[0-9a-f]{32}$/.test(id))) {
    read.fail(`${VERIFIER_ENV.INTROSPECTION_CREDENTIAL_IDS} is not a comma-separated list of at most ${MAX_INTROSPECTION_CLIENTS} credential ids`);
  }
  const hashKeySecretArn = read.optional(VERIFIER_ENV.HASH_KEY_SECRET_ARN, SECRET_ARN_PATTERN, 'a Secrets Manager secret ARN');
  const backend: BackendConfig | undefined =
    functionArn !== undefined ? { kind: 'lambda', functionArn } : url !== undefined ? { kind: 'http', url } : undefined;
  return {
    tableName,
    region,
    ...(backend ? { backend } : {}),
    authCacheTtlSeconds,
    ...(issuer === undefined ? {} : { issuer }),
    introspectionCredentialIds: ids,
    ...(hashKeySecretArn === undefined ? {} : { hashKeySecretArn }),
  };
}

const once = configOnce(readVerifierConfig);

/** The process's configuration, read on first use. */
export const verifierConfig = once.get;

/** For tests. */
export const resetVerifierConfig = once.reset;
