import type { Command } from 'commander';
import * as fs from 'node:fs';
import { ValidationError } from '../handlers/errors';
import { EXIT } from './exit-codes';
import { DEFAULT_EXPIRING_WITHIN_DAYS, FailOnKind, FAIL_ON_KINDS, parseChangeKinds, policyViolations, renderReviewMarkdown, reviewPlan } from './plan-review';

export interface ReviewOptions {
  readonly json?: boolean;
  readonly failOn?: string;
  /** Days: warn about credentials that expire within them (default 30). */
  readonly expiringWithin?: string;
}

export function registerReviewCommand(program: Command): void {
  program
    .command('review')
    .description('summarise a plan (`terraform show -json PLANFILE`) for a pull request: Markdown, or --json')
    .argument('<plan-json>', 'the plan JSON file, or - for stdin')
    .option('--json', 'print the review as JSON instead of Markdown')
    .option('--fail-on <kinds>', `exit ${EXIT.FINDINGS} when the plan has credential changes of these kinds, or (expiring) expiring credentials: ${FAIL_ON_KINDS.join(',')}`)
    .option('--expiring-within <days>', `warn about credentials that expire within this many days`, String(DEFAULT_EXPIRING_WITHIN_DAYS))
    .action(async (file: string, options: ReviewOptions) => {
      process.exitCode = await runReview(file, options, (text) => process.stdout.write(text), (line) => console.error(line));
    });
}

function readPlanText(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new ValidationError('plan JSON file', JSON.stringify(file), `a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

function parseDays(text: string | undefined): number {
  if (text === undefined) return DEFAULT_EXPIRING_WITHIN_DAYS;
  const days = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(days)) throw new ValidationError('--expiring-within', JSON.stringify(text), 'a whole number of days (0 or more)');
  return days;
}

/** Prints the review; returns the exit code (the policy gate's, or 0). */
export async function runReview(
  file: string,
  options: ReviewOptions,
  out: (text: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const failOn: FailOnKind[] = options.failOn === undefined ? [] : parseChangeKinds(options.failOn);
  const expiringWithinDays = parseDays(options.expiringWithin);
  const text = readPlanText(file);
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch {
    throw new ValidationError('plan JSON', `${text.length} characters that are not JSON`, 'the output of `terraform show -json PLANFILE`');
  }
  const review = reviewPlan(plan, { expiringWithinDays });
  out(options.json ? `${JSON.stringify(review, null, 2)}\n` : renderReviewMarkdown(review));
  const violations = policyViolations(review, failOn);
  if (violations.length > 0) {
    const changes = violations.filter((v) => v.kind !== 'expiring');
    const expiring = violations.filter((v) => v.kind === 'expiring');
    const parts = [
      ...(changes.length > 0 ? [`the plan would ${changes.map((v) => `${v.kind} "${v.name}"`).join(', ')}`] : []),
      ...(expiring.length > 0 ? [`expiring within ${expiringWithinDays} days: ${expiring.map((v) => `"${v.name}"`).join(', ')}`] : []),
    ];
    err(`policy: ${parts.join('; ')} (--fail-on ${failOn.join(',')})`);
    return EXIT.FINDINGS;
  }
  return EXIT.OK;
}
