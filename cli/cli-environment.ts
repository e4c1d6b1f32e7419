/**
 * The environment the commands read, in this one place. The AWS SDK reads its own variables
 * (credentials, `AWS_ENDPOINT_URL*`) itself, so the same commands work on the local AWS and on AWS.
 */
export interface CliEnvironment {
  /** `AWS_REGION`, else `AWS_DEFAULT_REGION`: the last resort for the store's region. */
  readonly region?: string;
}

export function readCliEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): CliEnvironment {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  return region === undefined ? {} : { region };
}
