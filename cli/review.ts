import type { Command } from 'commander';
import * as fs from 'node:fs';
import { ValidationError } from '../handlers/errors';
import { EXIT } from './exit-codes';
import { ChangeKind, parseChangeKinds, policyViolations, renderReviewMarkdown, reviewPlan } from './plan-review';

export interface ReviewOptions {
  readonly json?: boolean;
  readonly failOn?: string;
}

export function registerReviewCommand(program: Command): void {
  program
    .command('review')
    .description('summarise a plan (`terraform show -json PLANFILE`) for a pull request: Markdown, or --json')
    .argument('<plan-json>', 'the plan JSON file, or - for stdin')
    .option('--json', 'print the review as JSON instead of Markdown')
    .option('--fail-on <kinds>', `exit ${EXIT.FINDINGS} when the plan has credential changes of these kinds: create,update,replace,delete`)
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

/** Prints the review; returns the exit code (the policy gate's, or 0). */
export async function runReview(
  file: string,
  options: ReviewOptions,
  out: (text: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const failOn: ChangeKind[] = options.failOn === undefined ? [] : parseChangeKinds(options.failOn);
  const text = readPlanText(file);
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch {
    throw new ValidationError('plan JSON', `${text.length} characters that are not JSON`, 'the output of `terraform show -json PLANFILE`');
  }
  const review = reviewPlan(plan);
  out(options.json ? `${JSON.stringify(review, null, 2)}\n` : renderReviewMarkdown(review));
  const violations = policyViolations(review, failOn);
  if (violations.length > 0) {
    err(
      `policy: the plan would ${violations.map((v) => `${v.kind} "${v.name}"`).join(', ')} (--fail-on ${failOn.join(',')})`,
    );
    return EXIT.FINDINGS;
  }
  return EXIT.OK;
}
