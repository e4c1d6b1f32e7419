/**
 * The AWS SDK clients' settings, in one place, and the two questions the code asks of an SDK
 * error. Every client of the package (the Lambdas and the CLI) is configured from here.
 */

/** Who waits for a call decides how long it may take. */
const CLIENT_SETTINGS = {
  /** Terraform waits for the provider, whose function has a 30 s timeout. */
  provider: { maxAttempts: 3, requestHandler: { connectionTimeout: 3_000, requestTimeout: 8_000 } },
  /** An HTTP client waits for the gateway. */
  gateway: { maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 } },
  /** The records backend takes its own time; the gateway's integration timeout bounds it. */
  backend: { maxAttempts: 2 },
  /** A person or a pipeline waits for the CLI. */
  cli: { maxAttempts: 3, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } },
} as const;

export type ClientPurpose = keyof typeof CLIENT_SETTINGS;

/** The configuration of an SDK client (`new DynamoDBClient(awsClientConfig(region, 'provider'))`). */
export function awsClientConfig(region: string, purpose: ClientPurpose): { region: string } & (typeof CLIENT_SETTINGS)[ClientPurpose] {
  return { region, ...CLIENT_SETTINGS[purpose] };
}

/** The `name` of an AWS SDK v3 service exception (e.g. `ResourceNotFoundException`), if any. */
export function awsErrorName(error: unknown): string | undefined {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** Whether `error` came from AWS (an SDK service exception) or from reaching it (a network error). */
export function isAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return '$metadata' in error || /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET)$/.test(String((error as NodeJS.ErrnoException).code));
}

/** The AWS request id of an SDK error, for the log. */
export function awsRequestIdOf(error: unknown): string | undefined {
  const requestId = (error as { $metadata?: { requestId?: unknown } } | undefined)?.$metadata?.requestId;
  return typeof requestId === 'string' ? requestId : undefined;
}
