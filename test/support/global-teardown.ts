import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCAL_AWS_STATE, type LocalAwsProcess } from './global-setup';
import { evaluateRecordedCalls, readCallLog, runFailure } from './iam-evaluation';

const STOP_TIMEOUT_MS = 15_000;

/**
 * Evaluates every AWS call the functions made during the run against IAM (see iam-evaluation.ts),
 * then stops the local AWS of global-setup.ts (SIGTERM: the CLI stops moto and the Lambda workers)
 * and removes its folder. A call IAM would refuse fails the run, after the local AWS is stopped.
 */
export default async function globalTeardown(globalConfig?: { nonFlagArgs?: string[]; testPathPattern?: string; testPathPatterns?: unknown; testNamePattern?: string }): Promise<void> {
  const state = (globalThis as Record<symbol, unknown>)[LOCAL_AWS_STATE] as LocalAwsProcess | undefined;
  if (!state) return;
  const { child, dir } = state;
  // A run of every suite (what `npm test` and CI run) must have exercised every expected kind of call.
  // Jest 30 calls the path filter testPathPatterns (an object listing the patterns); 29 called it testPathPattern.
  const pathPatterns = globalConfig?.testPathPatterns as { patterns?: unknown[] } | undefined;
  const filtered = Boolean(globalConfig?.testPathPattern) || (Array.isArray(pathPatterns?.patterns) && pathPatterns.patterns.length > 0);
  const wholeRun = (globalConfig?.nonFlagArgs ?? []).length === 0 && !filtered && !globalConfig?.testNamePattern;
  const refusal = await evaluateIam(path.join(dir, 'aws', 'aws-calls.jsonl'), wholeRun);
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
  if (refusal !== undefined) throw new Error(refusal);
}

/**
 * One line of figures on stdout; the failure's message when a call would be refused on AWS, a
 * function's request could not be parsed (or the evaluation itself failed). With
 * `DAC_IAM_REPORT=<file>`, the figures, every refusal and every unparsed request go there as JSON
 * and the call log beside it (`<file>.calls.jsonl`), for a look after the run.
 */
export { EXPECTED_CALL_KINDS } from './iam-evaluation';

async function evaluateIam(logFile: string, wholeRun: boolean): Promise<string | undefined> {
  let evaluation: Awaited<ReturnType<typeof evaluateRecordedCalls>>;
  try {
    evaluation = await evaluateRecordedCalls(readCallLog(logFile));
  } catch (error) {
    return `the IAM evaluation of the recorded AWS calls failed: ${(error as Error).stack ?? String(error)}`;
  }
  const { evaluated, refused, shapes, unparsed } = evaluation;
  const report = process.env.DAC_IAM_REPORT;
  if (report) {
    fs.writeFileSync(report, JSON.stringify({ evaluated, shapes, refused, unparsed }, null, 2));
    if (fs.existsSync(logFile)) fs.copyFileSync(logFile, `${report}.calls.jsonl`);
  }
  if (evaluated > 0) {
    process.stdout.write(
      `\nIAM evaluation (@cloud-copilot/iam-simulate): ${evaluated} AWS calls of the functions, ${shapes.length} kinds, ` +
        `${refused.length} refused, ${unparsed.length} unparsed\n`,
    );
  }
  return runFailure(evaluation, wholeRun, logFile);
}
