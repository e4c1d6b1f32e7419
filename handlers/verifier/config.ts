/**
 * Configuration of the token endpoint and the records verifier: read from the environment in
 * this one place, once per process, validated.
 */
import { ISSUER_PATTERN, MAX_INTROSPECTION_CLIENTS, VERIFIER_ENV } from '../contract/gateway';
import { CredentialError } from '../errors';
import { LAMBDA_FUNCTION_ARN_PATTERN, REGION_PATTERN, SECRET_ARN_PATTERN, TABLE_NAME_PATTERN } from '../contract/aws-names';

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

/** The function is deployed without a setting it needs: a deployment bug. */
export class VerifierConfigError extends CredentialError {}

type Environment = Readonly<Record<string, string | undefined>>;

export function readVerifierConfig(env: Environment = process.env): VerifierConfig {
  const fail = (message: string): never => {
    throw new VerifierConfigError(`The Data API gateway is misconfigured: ${message}`);
  };
  const tableName = env[VERIFIER_ENV.TABLE_NAME];
  if (!tableName || !TABLE_NAME_PATTERN.test(tableName)) {
    fail(`environment variable ${VERIFIER_ENV.TABLE_NAME} is not a DynamoDB table name`);
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region || !REGION_PATTERN.test(region)) fail('AWS_REGION is not an AWS region');
  const functionArn = env[VERIFIER_ENV.BACKEND_FUNCTION_ARN] || undefined;
  const url = env[VERIFIER_ENV.BACKEND_URL] || undefined;
  if (functionArn !== undefined && url !== undefined) {
    fail(`set ${VERIFIER_ENV.BACKEND_FUNCTION_ARN} or ${VERIFIER_ENV.BACKEND_URL}, not both`);
  }
  if (functionArn !== undefined && !LAMBDA_FUNCTION_ARN_PATTERN.test(functionArn)) {
    fail(`${VERIFIER_ENV.BACKEND_FUNCTION_ARN} is not a Lambda function ARN`);
  }
  if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url)) fail(`${VERIFIER_ENV.BACKEND_URL} is not an http(s) URL`);
  const ttlText = env[VERIFIER_ENV.AUTH_CACHE_TTL_SECONDS] ?? '0';
  const authCacheTtlSeconds = Number(ttlText);
  if (!Number.isInteger(authCacheTtlSeconds) || authCacheTtlSeconds < 0 || authCacheTtlSeconds > 3600) {
    fail(`${VERIFIER_ENV.AUTH_CACHE_TTL_SECONDS} is not a whole number of seconds from 0 to 3600`);
  }
  const issuer = env[VERIFIER_ENV.ISSUER] || undefined;
  if (issuer !== undefined && !ISSUER_PATTERN.test(issuer)) {
    fail(`${VERIFIER_ENV.ISSUER} is not an https URL without a trailing slash, query or fragment`);
  }
  const ids = (env[VERIFIER_ENV.INTROSPECTION_CREDENTIAL_IDS] ?? '').split(',').filter((id) => id !== '');
  if (ids.length > MAX_INTROSPECTION_CLIENTS || ids.some((id) => !/^[0-9a-f]{32}$/.test(id))) {
    fail(`${VERIFIER_ENV.INTROSPECTION_CREDENTIAL_IDS} is not a comma-separated list of at most ${MAX_INTROSPECTION_CLIENTS} credential ids`);
  }
  const hashKeySecretArn = env[VERIFIER_ENV.HASH_KEY_SECRET_ARN] || undefined;
  if (hashKeySecretArn !== undefined && !SECRET_ARN_PATTERN.test(hashKeySecretArn)) {
    fail(`${VERIFIER_ENV.HASH_KEY_SECRET_ARN} is not a Secrets Manager secret ARN`);
  }
  const backend: BackendConfig | undefined =
    functionArn !== undefined ? { kind: 'lambda', functionArn } : url !== undefined ? { kind: 'http', url } : undefined;
  return {
    tableName: tableName as string,
    region: region as string,
    ...(backend ? { backend } : {}),
    authCacheTtlSeconds,
    ...(issuer === undefined ? {} : { issuer }),
    introspectionCredentialIds: ids,
    ...(hashKeySecretArn === undefined ? {} : { hashKeySecretArn }),
  };
}

let current: VerifierConfig | undefined;

export function verifierConfig(): VerifierConfig {
  current ??= readVerifierConfig();
  return current;
}

/** For tests. */
export function resetVerifierConfig(): void {
  current = undefined;
}
