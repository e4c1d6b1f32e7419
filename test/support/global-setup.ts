/**
 * Starts the local AWS once per jest run and puts its environment into process.env, which the
 * test workers inherit. It runs as a separate process (the `local` CLI command), not inside
 * jest's own process: a test running in band that blocks its event loop (a synchronous
 * `terraform apply`, say) would otherwise block the very Lambda runner terraform is calling.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONFLICTING_VARIABLES, checkLocalAwsTools, readEnvFile } from '../../local';
import { ensureLambdaNode } from '../../scripts/lambda-node';

const READY_TIMEOUT_MS = 60_000;

/** Where the setup leaves the process for global-teardown.ts (both run in jest's main process). */
export const LOCAL_AWS_STATE = Symbol.for('data-api-credentials.local-aws');

export interface LocalAwsProcess {
  readonly child: ChildProcess;
  /** Holds the env file, the CLI's log and its data dir; the teardown removes it. */
  readonly dir: string;
}

export default async function globalSetup(): Promise<void> {
  ensureLambdaNode();
  // Fails the whole run with the one-line install hint before anything starts.
  checkLocalAwsTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dac-jest-local-aws-'));
  const envFile = path.join(dir, 'env.sh');
  const logFile = path.join(dir, 'local-aws.log');
  const log = fs.openSync(logFile, 'a');
  const bin = path.join(__dirname, '..', '..', 'bin', 'data-api-credentials.js');
  const child = spawn(process.execPath, [bin, 'local', '--write-env', envFile, '--data-dir', path.join(dir, 'aws')], {
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const state: LocalAwsProcess = { child, dir };
  (globalThis as Record<symbol, unknown>)[LOCAL_AWS_STATE] = state;

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!fs.existsSync(envFile)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      const lastLines = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
      child.kill('SIGTERM');
      throw new Error(`the local AWS did not start (log: ${logFile}):\n${lastLines}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const name of CONFLICTING_VARIABLES) delete process.env[name];
  Object.assign(process.env, readEnvFile(envFile));
}
