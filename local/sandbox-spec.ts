/**
 * What a worker of the local Lambda runner runs: one function's code, handler, environment and
 * context, from its configuration in moto. Its fingerprint tells a warm worker when it must be
 * replaced.
 */

/** The parts of GetFunctionConfiguration the runner needs. */
export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Version: string;
  Handler: string;
  CodeSha256: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, string> };
  /** The execution role's ARN. */
  Role?: string;
}

export interface SandboxSpec {
  readonly codeDir: string;
  readonly handler: string;
  readonly env: Record<string, string>;
  readonly timeoutSeconds: number;
  /** Changes whenever the worker must be replaced: code, handler or environment. */
  readonly fingerprint: string;
  readonly context: {
    functionName: string;
    functionVersion: string;
    invokedFunctionArn: string;
    memoryLimitInMB: number;
  };
}

export function sandboxSpec(
  config: FunctionConfiguration,
  codeDir: string,
  sandboxEnv: Readonly<Record<string, string>>,
): SandboxSpec {
  const region = config.FunctionArn.split(':')[3];
  // The worker gets no variable from the runner's own environment: a function must never reach
  // real AWS through a developer's profile or credentials.
  const env = {
    ...(config.Environment?.Variables ?? {}),
    ...sandboxEnv,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: config.FunctionName,
    AWS_LAMBDA_FUNCTION_VERSION: config.Version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.MemorySize ?? 128),
    LAMBDA_TASK_ROOT: codeDir,
    _HANDLER: config.Handler,
    TZ: 'UTC',
  };
  return {
    codeDir,
    handler: config.Handler,
    env,
    timeoutSeconds: config.Timeout ?? 3,
    fingerprint: JSON.stringify([config.CodeSha256, config.Handler, env]),
    context: {
      functionName: config.FunctionName,
      functionVersion: config.Version,
      invokedFunctionArn: config.FunctionArn,
      memoryLimitInMB: config.MemorySize ?? 128,
    },
  };
}
