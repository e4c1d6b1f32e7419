import { spawn } from 'node:child_process';

export interface FreshNodeRun<T> {
  /** From spawning `node` until its first output arrives, measured by this process. */
  readonly readyMs: number;
  /** Its stdout, parsed as JSON. */
  readonly output: T;
}

/**
 * Runs `script` (`node -e`, with `args`) in a fresh `node` process with only the given
 * environment: no loader hooks (tsx) or debug options inherited from the bench itself. The
 * script writes one line of JSON to stdout once it is ready; killed after `timeoutMs`.
 */
export function freshNode<T>(script: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number }): Promise<FreshNodeRun<T>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', script, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let readyMs: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      readyMs ??= performance.now() - started;
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 || readyMs === undefined) {
        reject(new Error(`node -e ... ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(0, 500)}`));
        return;
      }
      resolve({ readyMs, output: JSON.parse(stdout) as T });
    });
  });
}
