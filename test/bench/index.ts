/**
 * `npm run bench`: what this library costs against doing the same by hand, every figure measured
 * side by side in one run, printed as one table with the machine it ran on. Nothing is asserted:
 * the shared machine is noisy, so read the ratios, not the absolute numbers.
 *
 * 1. synth: N credentials against the hand-written equivalent, from the TypeScript sources;
 *    installed-synth: the same from the packed and installed package on plain node, and its
 *    module load against cdktf's;
 * 2. terraform: apply, no-change plan and destroy on the local AWS against hand-written resources,
 *    and the Lambda calls a no-change plan makes; tokens issued per second;
 * 3. verification: API keys and access tokens per second against the bare digest loop;
 * 4. cold start: each handler's bundle and module load against a hello-world handler;
 * 5. scale (only with `--scale`, which runs it alone unless `--only` names more): 200 and 1,000
 *    credentials in one store against the hand-written baseline, and each figure's growth.
 */
import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { ensureLambdaNode } from '../../scripts/lambda-node';
import { runColdStartBench } from './cold-start';
import { runInstalledSynthBench } from './installed-synth';
import { BenchRow, BenchSection } from './report';
import { DEFAULT_SCALE_COUNTS, runScaleBench } from './scale';
import { runSynthBench } from './synth';
import { runTerraformBench } from './terraform';
import { runVerificationBench } from './verification';

const SECTIONS = ['synth', 'installed-synth', 'terraform', 'verification', 'cold-start', 'scale'] as const;
type SectionName = (typeof SECTIONS)[number];

interface Options {
  readonly only?: SectionName[];
  readonly with100: boolean;
  readonly scale: boolean;
  readonly scaleCounts: number[];
  readonly functionConcurrency?: number;
  readonly scaleRuns: number;
}

function machine(): string {
  const cores = cpus();
  let terraform = 'terraform not found';
  try {
    terraform = execFileSync('terraform', ['version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch {
    // reported as not found; the terraform section then fails with what to install
  }
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
  return `${cores.length} CPUs (${cores[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 1024 ** 3)} GB, Node ${process.version}, ${terraform}; load average ${load}`;
}

function render(rows: readonly BenchRow[]): string {
  const table = new Table({
    head: ['section', 'what', 'ours', 'baseline', 'ratio', 'target', 'met'],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    table.push([
      row.section,
      row.what,
      row.ours,
      row.baseline,
      row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`,
      row.target ?? '',
      row.met === undefined ? '' : row.met ? 'yes' : 'NO',
    ]);
  }
  return table.toString();
}

async function main(options: Options): Promise<void> {
  // The scale section runs only when asked for (`--scale`, or `--only scale`); `--scale` alone runs it alone.
  const wanted = (name: SectionName) =>
    options.only !== undefined ? options.only.includes(name) || (name === 'scale' && options.scale) : (name === 'scale') === options.scale;
  const started = Date.now();
  console.log(`machine: ${machine()}`);
  // The sections on the local AWS run the functions on Node.js 22, as their runtime on AWS.
  if (wanted('terraform') || wanted('scale')) ensureLambdaNode((line) => console.error(`bench: ${line}`));
  const runs: Array<[SectionName, () => Promise<BenchSection>]> = [
    ['synth', () => runSynthBench()],
    ['installed-synth', () => runInstalledSynthBench()],
    ['terraform', () => runTerraformBench({ counts: options.with100 ? [10, 50, 100] : [10, 50] })],
    ['verification', () => runVerificationBench()],
    ['cold-start', () => runColdStartBench()],
    ['scale', () => runScaleBench({ counts: options.scaleCounts, functionConcurrency: options.functionConcurrency, runs: options.scaleRuns })],
  ];
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  for (const [name, run] of runs) {
    if (!wanted(name)) continue;
    const sectionStarted = Date.now();
    console.error(`bench: ${name}...`);
    const section = await run();
    rows.push(...section.rows);
    notes.push(...section.notes);
    console.error(`bench: ${name} took ${((Date.now() - sectionStarted) / 1000).toFixed(0)} s`);
  }
  console.log(render(rows));
  for (const note of notes) console.log(`- ${note}`);
  const missed = rows.filter((r) => r.met === false).length;
  console.log(`${rows.length} figures, ${rows.filter((r) => r.met !== undefined).length} with a target, ${missed} missed; ${((Date.now() - started) / 1000).toFixed(0)} s in all; load average at the end ${loadavg()[0].toFixed(1)}`);
}

const program = new Command('bench')
  .description('Measure synth, plan and apply, verification and cold start against baselines, in one run')
  .addOption(new Option('--only <sections...>', 'run only these sections').choices([...SECTIONS]))
  .option('--with-100', 'also plan and apply 100 credentials (several minutes more)', false)
  .option('--scale', 'run the scale section (not in the default run; under 30 minutes at 200 and 1,000 credentials here)', false)
  .option('--scale-counts <counts...>', 'credentials per store in the scale section', (value: string, previous: number[] | undefined) => [...(previous ?? []), positiveInteger(value)])
  .option('--scale-runs <n>', 'runs of each count in the scale section, reported as medians (each run of 1,000 takes about 8 minutes here)', positiveInteger)
  .option('--function-concurrency <n>', "invocations of one function the local Lambda runner runs at once (the scale section's local AWS)", positiveInteger)
  .action(async (opts: { only?: SectionName[]; with100: boolean; scale: boolean; scaleCounts?: number[]; scaleRuns?: number; functionConcurrency?: number }) =>
    main({
      only: opts.only,
      with100: opts.with100,
      scale: opts.scale,
      scaleCounts: opts.scaleCounts ?? DEFAULT_SCALE_COUNTS,
      functionConcurrency: opts.functionConcurrency,
      scaleRuns: opts.scaleRuns ?? 1,
    }),
  );

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a whole number from 1: ${value}`);
  return n;
}

program.parseAsync(process.argv).catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
