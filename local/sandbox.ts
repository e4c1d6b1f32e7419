import type { SandboxSpec } from './sandbox-spec';
import { Outcome, SandboxWorker } from './sandbox-worker';

/**
 * One function's warm workers: up to `size` invocations at once, one per worker; a worker is
 * started only when every existing one is busy, and further invocations wait in arrival order.
 */
export class Sandbox {
  private readonly workers: SandboxWorker[] = [];
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly logFile: string,
    private readonly nodePath: string,
    private readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`functionConcurrency must be a whole number from 1, got ${size}`);
  }

  pids(): number[] {
    return this.workers.flatMap((w) => w.pid() ?? []);
  }

  async run(spec: SandboxSpec, payload: string, requestId: string): Promise<Outcome> {
    const worker = await this.acquire();
    try {
      return await worker.run(spec, payload, requestId);
    } finally {
      worker.busy = false;
      this.waiting.shift()?.();
    }
  }

  /** Kills every worker of the function: the invocations in flight fail. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }

  /** Kills the workers running an event that holds `eventContains` (all of them when none does, or without it). */
  async crash(eventContains?: string): Promise<void> {
    const running = eventContains === undefined ? [] : this.workers.filter((w) => w.payload?.includes(eventContains));
    await Promise.all((running.length > 0 ? running : this.workers).map((w) => w.stop()));
  }

  private async acquire(): Promise<SandboxWorker> {
    for (;;) {
      let worker = this.workers.find((w) => !w.busy);
      if (worker === undefined && this.workers.length < this.size) {
        worker = new SandboxWorker(this.logFile, this.nodePath);
        this.workers.push(worker);
      }
      if (worker !== undefined) {
        worker.busy = true;
        return worker;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }
}
