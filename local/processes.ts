import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';

/** A port that was free a moment ago on 127.0.0.1, for servers that cannot listen on port 0 themselves. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true once the child has exited, false if it is still running after `ms`. */
export function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

function signal(child: ChildProcess, sig: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined) return;
  try {
    // A detached child leads its own process group: `-pid` reaches anything it spawned too.
    process.kill(group ? -child.pid : child.pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone (or after another second). */
export async function terminate(child: ChildProcess, options: { group?: boolean; graceMs?: number } = {}): Promise<void> {
  const group = options.group ?? false;
  if (!hasExited(child)) {
    signal(child, 'SIGTERM', group);
    if (!(await waitForExit(child, options.graceMs ?? 5_000))) {
      signal(child, 'SIGKILL', group);
      await waitForExit(child, 1_000);
    }
  }
  // The leader may exit before the rest of its group: leave nothing behind.
  if (group) signal(child, 'SIGKILL', true);
}

/** How a command ended, with everything it printed. */
export interface Completed {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command to its end, with `input` on its stdin (none: stdin closed), and SIGKILL by its pid
 * after `timeoutMs` (then `signal` says so). Rejects only when it cannot start (ENOENT, say).
 */
export function runToCompletion(
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly input?: string; readonly timeoutMs: number },
): Promise<Completed> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    if (options.input !== undefined) {
      // A child that exits without reading its input must not fail the caller with EPIPE.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(options.input);
    }
  });
}
