/**
 * The one reader of a Lambda's environment: each function's configuration module names its
 * variables and their shapes, and gets a `ConfigurationError` (what is wrong, which variable,
 * what it must be) for a missing or malformed one.
 */
import { REGION_PATTERN } from '../contract/aws-names';
import { ConfigurationError } from '../errors';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface EnvironmentReader {
  /** The variable's value; a `ConfigurationError` when it is unset, empty or not `allowed`. */
  required(name: string, pattern: RegExp, allowed: string): string;
  /** The same, but an unset or empty variable is undefined. */
  optional(name: string, pattern: RegExp, allowed: string): string | undefined;
  /** `AWS_REGION` (set by Lambda), else `AWS_DEFAULT_REGION`. */
  region(): string;
  /** A configuration error of this component, for checks across variables. */
  fail(problem: string): never;
}

/** `component` names the function in messages: "The credential provider is misconfigured: ...". */
export function environmentReader(component: string, env: Environment): EnvironmentReader {
  const fail = (problem: string): never => {
    throw new ConfigurationError(component, problem);
  };
  const optional = (name: string, pattern: RegExp, allowed: string): string | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    return pattern.test(value) ? value : fail(`environment variable ${name}=${JSON.stringify(value.slice(0, 200))} is not ${allowed}`);
  };
  const required = (name: string, pattern: RegExp, allowed: string): string =>
    optional(name, pattern, allowed) ?? fail(`environment variable ${name} is not set (expected ${allowed})`);
  return {
    required,
    optional,
    region: () => required(env.AWS_REGION ? 'AWS_REGION' : env.AWS_DEFAULT_REGION ? 'AWS_DEFAULT_REGION' : 'AWS_REGION', REGION_PATTERN, 'an AWS region such as us-east-1'),
    fail,
  };
}

/**
 * A function's configuration, read from `process.env` on first use (a cold start; a missing
 * variable fails that invocation with a clear message) and kept; `reset` forgets it, for tests.
 */
export function configOnce<C>(read: (env: Environment) => C): { readonly get: () => C; readonly reset: () => void } {
  let current: C | undefined;
  return {
    get: () => (current ??= read(process.env)),
    reset: () => {
      current = undefined;
    },
  };
}

/** `make()` on first call, the same value after: a warm Lambda reuses its clients and connections. */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
