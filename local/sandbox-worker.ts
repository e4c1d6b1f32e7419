import { type ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitForExit } from './processes';
import type { SandboxSpec } from './sandbox-spec';

/** The worker's own code, plain JavaScript beside this file (the build copies it into dist/local). */
const WORKER_FILE = path.join(__dirname, 'lambda-worker.js');

/** How an invocation ended: the function's answer, or the error Lambda would report. */
export type Outcome = { ok: true; body: string } | { ok: false; errorType: string; errorMessage: string };

/** What lambda-worker.js sends back for an invocation. */
interface WorkerReply {
  id: string;
  ok: boolean;
  body?: string;
  errorType?: string;
  errorMessage?: string;
}

/** One warm worker process of a function, running one invocation at a time. */
export class SandboxWorker {
  private worker?: { child: ChildProcess; fingerprint: string };
  busy = false;
  /** The event of the invocation in flight, if any. */
  payload?: string;

  constructor(
    private readonly logFile: string,
    private readonly nodePath: string,
  ) {}

  pid(): number | undefined {
    return this.worker?.child.pid;
  }

  async run(spec: SandboxSpec, payload: string, requestId: string): Promise<Outcome> {
    this.payload = payload;
    try {
      return await this.runNow(spec, payload, requestId);
    } finally {
      this.payload = undefined;
    }
  }

  async stop(): Promise<void> {
    const child = this.worker?.child;
    this.worker = undefined;
    if (child) {
      child.kill('SIGKILL');
      await waitForExit(child, 2_000);
    }
  }

  private async runNow(spec: SandboxSpec, payload: string, requestId: string): Promise<Outcome> {
    if (this.worker && this.worker.fingerprint !== spec.fingerprint) await this.stop();
    const child = this.worker?.child ?? this.spawn(spec);
    const started = Date.now();
    fs.appendFileSync(this.logFile, `START RequestId: ${requestId} Version: ${spec.context.functionVersion}\n`);
    const outcome = await new Promise<Outcome>((resolve) => {
      const finish = (result: Outcome): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(result);
      };
      const onMessage = (reply: WorkerReply): void => {
        if (reply.id !== requestId) return;
        finish(
          reply.ok
            ? { ok: true, body: reply.body ?? 'null' }
            : { ok: false, errorType: reply.errorType ?? 'Error', errorMessage: reply.errorMessage ?? '' },
        );
      };
      const onExit = (code: number | null, signal: string | null): void =>
        finish({
          ok: false,
          errorType: 'Runtime.ExitError',
          errorMessage: `Runtime exited with error: ${code !== null ? `exit status ${code}` : `signal: ${signal}`}`,
        });
      const timer = setTimeout(() => {
        finish({
          ok: false,
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${spec.timeoutSeconds} seconds`,
        });
        void this.stop();
      }, spec.timeoutSeconds * 1000);
      child.on('message', onMessage);
      child.once('exit', onExit);
      const context = { ...spec.context, awsRequestId: requestId, deadline: started + spec.timeoutSeconds * 1000 };
      child.send({ id: requestId, payload, context }, (err) => {
        if (err) onExit(child.exitCode, child.signalCode);
      });
    });
    const status = outcome.ok ? 'ok' : outcome.errorType;
    fs.appendFileSync(this.logFile, `END RequestId: ${requestId} Duration: ${Date.now() - started} ms Status: ${status}\n`);
    return outcome;
  }

  private spawn(spec: SandboxSpec): ChildProcess {
    const log = fs.openSync(this.logFile, 'a');
    const child = fork(WORKER_FILE, [spec.codeDir, spec.handler], {
      cwd: spec.codeDir,
      env: spec.env,
      execPath: this.nodePath,
      // No loader or debugger flags of the runner's own process: the bundle runs in bare Node.
      execArgv: [],
      stdio: ['ignore', log, log, 'ipc'],
    });
    fs.closeSync(log);
    const worker = { child, fingerprint: spec.fingerprint };
    child.on('error', (err) => fs.appendFileSync(this.logFile, `local runner: worker error: ${err.message}\n`));
    child.once('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return child;
  }
}
