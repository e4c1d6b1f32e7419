import { Completed, runToCompletion } from './processes';

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TerraformOptions {
  /** The synthesized stack directory (holding cdk.tf.json). */
  readonly cwd: string;
  /** Environment on top of this process's, e.g. the local AWS endpoints. */
  readonly env?: Record<string, string>;
  /** @default 300_000 */
  readonly timeoutMs?: number;
  /** Exit codes that are not failures, e.g. [0, 2] for `plan -detailed-exitcode`. @default [0] */
  readonly okCodes?: readonly number[];
}

/**
 * Runs the real `terraform` binary non-interactively and returns its output. A disallowed exit
 * code, or running past the timeout (the process is killed), throws with the tail of stderr.
 */
export async function terraform(args: readonly string[], options: TerraformOptions): Promise<TerraformResult> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const okCodes = options.okCodes ?? [0];
  let completed: Completed;
  try {
    completed = await runToCompletion('terraform', args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' },
      timeoutMs,
    });
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? new Error('terraform not found on PATH: install Terraform 1.11+ (https://developer.hashicorp.com/terraform/install)')
      : error;
  }
  if (completed.signal) throw new Error(`terraform ${args[0]} was killed (${completed.signal}) after ${timeoutMs} ms`);
  const result = { code: completed.code ?? -1, stdout: completed.stdout, stderr: completed.stderr };
  if (!okCodes.includes(result.code)) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-30).join('\n');
    throw new Error(`terraform ${args.join(' ')} exited with ${result.code}:\n${detail}`);
  }
  return result;
}
