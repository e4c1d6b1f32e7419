import * as fs from 'node:fs';
import { LOCAL_AWS_STATE, type LocalAwsProcess } from './global-setup';

const STOP_TIMEOUT_MS = 15_000;

/** Stops the local AWS of global-setup.ts (SIGTERM: the CLI stops moto and the Lambda workers) and removes its folder. */
export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<symbol, unknown>)[LOCAL_AWS_STATE] as LocalAwsProcess | undefined;
  if (!state) return;
  const { child, dir } = state;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    child.kill('SIGTERM');
    if (!(await exited)) {
      child.kill('SIGKILL');
      throw new Error(
        `the local AWS (pid ${child.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s; its moto may still run`,
      );
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
