import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { freePort, terminate, waitForExit } from './processes';

export interface MotoServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Starts `moto_server` on a free loopback port and waits until it answers HTTP. It runs in its
 * own process group (the `moto_server` shim may start Python as a separate process), and
 * writes its request log to `logFile`.
 */
export async function startMoto(options: {
  command: string;
  logFile: string;
  env: NodeJS.ProcessEnv;
}): Promise<MotoServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(options.command, ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', log, log],
    env: options.env,
  });
  fs.closeSync(log);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const stop = (): Promise<void> => terminate(child, { group: true });

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return { url, pid: child.pid as number, stop };
    } catch {
      // not listening yet
    }
    const outcome = await Promise.race([
      waitForExit(child, 100).then((exited) => (exited ? 'exited' : 'running')),
      spawnError,
    ]);
    if (outcome !== 'running') {
      await stop();
      const reason = outcome === 'exited' ? `exited with ${child.exitCode ?? child.signalCode}` : outcome.message;
      throw new Error(`moto_server did not start (${reason}); see ${options.logFile}`);
    }
  }
  await stop();
  throw new Error(`moto_server did not answer on ${url} within ${START_TIMEOUT_MS / 1000} s; see ${options.logFile}`);
}
