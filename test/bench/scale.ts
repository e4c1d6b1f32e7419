/**
 * `npm run bench -- --scale`: many credentials in one store (200 and 1,000 by default), ours against
 * the hand-written baseline of the terraform section (per credential a secret, a secret version and
 * a table item), real `terraform` on a local AWS of its own, in the same run:
 *
 * - apply from nothing; a no-change plan; `plan -refresh=false`; one credential's scopes changed
 *   (`apply`, which plans and applies); destroy: wall time of each command, the two sides
 *   alternating command by command so load from elsewhere falls on both alike;
 * - state bytes per credential (the local backend's file after the apply, over the count);
 * - peak memory of terraform: the largest peak resident set (VmHWM) of the `terraform` process
 *   over those commands (the core; the provider plugin is a process of its own, the same on both sides);
 * - the drift check's read: how long the provider's one `read` invocation of our no-change plan took;
 *
 * then, for each figure, its growth from the first count to the last on both sides, against the
 * issue's targets: at the last count every terraform figure within 1.3 times the baseline, state
 * per credential within 1.2 times, and each figure's growth no worse than the baseline's.
 *
 * Not part of the default run (`--scale` adds it; about 40 minutes at 200 and 1,000 here). Nothing
 * is asserted: it measures.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startLocalAws } from '../../local';
import { type BenchRow, type BenchSection, formatBytes, formatMs, ratioRow } from './report';
import { baselineStack, InvocationCounter, oursStack, retriedOnce, type Side, withPair } from './terraform';

const SECTION = 'scale';
const BASELINE = 'hand-written';
export const DEFAULT_SCALE_COUNTS = [200, 1000];
/** Bounds each terraform command: an apply of 1,000 took about 800 s before this section existed. */
const COMMAND_TIMEOUT_MS = 1_800_000;
/** How often the terraform process's peak memory is read. */
const MEMORY_SAMPLE_MS = 250;
const SIDES: readonly Side[] = ['hand', 'ours'];

const TIME_FIGURES = ['apply', 'plan', 'planNoRefresh', 'change', 'destroy'] as const;
type TimeFigure = (typeof TIME_FIGURES)[number];
const FIGURE_NAMES: Record<TimeFigure | 'state' | 'memory', string> = {
  apply: 'apply from nothing',
  plan: 'no-change plan',
  planNoRefresh: 'plan -refresh=false',
  change: "one credential's scopes changed (apply: plan + apply)",
  destroy: 'destroy',
  state: 'state per credential',
  memory: 'peak memory of terraform (core process)',
};

interface Figures {
  readonly times: Record<TimeFigure, number>;
  readonly stateBytesPerCredential: number;
  readonly peakMemoryBytes: number;
}

interface Measured {
  readonly count: number;
  readonly sides: Record<Side, Figures>;
  /** The provider's read invocation(s) of our no-change plan, ms each. */
  readonly driftReadMs: number[];
  readonly planExitCodes: Record<Side, number>;
}

/** Pids of this process's children (every thread's), from /proc; [] where there is no /proc. */
function childPids(): number[] {
  try {
    return readdirSync(`/proc/${process.pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** Peak resident set (VmHWM) in bytes of `pid` if it is a terraform process, else 0. */
function terraformPeak(pid: number): number {
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'terraform') return 0;
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0; // gone meanwhile
  }
}

/** Runs `run` while sampling the peak memory of the terraform processes this process starts. */
async function withPeakMemory<T>(run: () => Promise<T>): Promise<{ result: T; peakBytes: number }> {
  let peak = 0;
  const sample = () => {
    for (const pid of childPids()) peak = Math.max(peak, terraformPeak(pid));
  };
  const timer = setInterval(sample, MEMORY_SAMPLE_MS);
  try {
    const result = await run();
    return { result, peakBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

async function measure(count: number, counter: InvocationCounter, env: Parameters<typeof withPair>[2]): Promise<Measured> {
  const ids: Record<Side, string> = { hand: `scale-hand-${count}`, ours: `scale-ours-${count}` };
  const providerFunction = `${ids.ours}-Credentials-provider`;
  return withPair(
    ids,
    { hand: baselineStack(count), ours: oursStack(count) },
    env,
    async (pair) => {
      const times: Record<Side, Partial<Record<TimeFigure, number>>> = { hand: {}, ours: {} };
      const peak: Record<Side, number> = { hand: 0, ours: 0 };
      const state: Record<Side, number> = { hand: 0, ours: 0 };
      const planExitCodes: Record<Side, number> = { hand: 0, ours: 0 };
      let driftReadMs: number[] = [];
      /** Times one command on one side, keeping the largest terraform peak memory of the side. */
      const timed = async (side: Side, figure: TimeFigure, args: string[], okCodes?: number[]) => {
        const { result, peakBytes } = await withPeakMemory(() => pair[side].timed(args, okCodes));
        times[side][figure] = result.ms;
        peak[side] = Math.max(peak[side], peakBytes);
        // As it goes: a run of 1,000 takes most of an hour, and an interrupted one still tells something.
        console.error(`bench: scale: ${plural(count)}, ${side}: ${FIGURE_NAMES[figure]} ${formatMs(result.ms)}, terraform peak ${formatBytes(peakBytes)}`);
        return result;
      };

      for (const side of SIDES) await timed(side, 'apply', ['apply', '-auto-approve']);
      for (const side of SIDES) state[side] = statSync(pair[side].statePath).size / count;
      for (const side of SIDES) {
        const { result, durationsMs } = await counter.during(providerFunction, () => timed(side, 'plan', ['plan', '-detailed-exitcode'], [0, 2]));
        planExitCodes[side] = result.code;
        if (side === 'ours') driftReadMs = durationsMs;
      }
      for (const side of SIDES) await timed(side, 'planNoRefresh', ['plan', '-refresh=false', '-detailed-exitcode'], [0, 2]);
      for (const side of SIDES) {
        pair[side].synth(side === 'ours' ? oursStack(count, { changeFirst: true }) : baselineStack(count, { changeFirst: true }));
        await timed(side, 'change', ['apply', '-auto-approve']);
      }
      for (const side of SIDES) await timed(side, 'destroy', ['destroy', '-auto-approve']);

      const figures = (side: Side): Figures => ({
        times: times[side] as Record<TimeFigure, number>,
        stateBytesPerCredential: state[side],
        peakMemoryBytes: peak[side],
      });
      return { count, sides: { hand: figures('hand'), ours: figures('ours') }, driftReadMs, planExitCodes };
    },
    COMMAND_TIMEOUT_MS,
  );
}

const plural = (count: number) => `${count.toLocaleString('en-US')} credential${count === 1 ? '' : 's'}`;

/** The value of each figure on one side. */
function valuesOf(figures: Figures): Record<TimeFigure | 'state' | 'memory', number> {
  return { ...figures.times, state: figures.stateBytesPerCredential, memory: figures.peakMemoryBytes };
}

function format(figure: TimeFigure | 'state' | 'memory', value: number): string {
  return figure === 'state' || figure === 'memory' ? formatBytes(value) : formatMs(value);
}

/** The table's rows: every figure at every count, then the growth from the first count to the last. */
export function scaleRows(measured: readonly Measured[]): BenchRow[] {
  const rows: BenchRow[] = [];
  const last = measured[measured.length - 1];
  for (const m of measured) {
    const isLast = m === last && measured.length > 1;
    const ours = valuesOf(m.sides.ours);
    const hand = valuesOf(m.sides.hand);
    for (const figure of [...TIME_FIGURES, 'state', 'memory'] as const) {
      const target = isLast ? (figure === 'state' ? 1.2 : 1.3) : undefined;
      rows.push(
        ratioRow(
          SECTION,
          `${FIGURE_NAMES[figure]}, ${plural(m.count)}`,
          { value: ours[figure], text: format(figure, ours[figure]) },
          { value: hand[figure], text: `${format(figure, hand[figure])} (${BASELINE})` },
          target,
        ),
      );
    }
    rows.push({
      section: SECTION,
      what: `drift check read (one provider invocation), ${plural(m.count)}`,
      ours: m.driftReadMs.length === 0 ? 'not invoked' : `${m.driftReadMs.map(formatMs).join(', ')} (${m.driftReadMs.length} invocation${m.driftReadMs.length === 1 ? '' : 's'})`,
      baseline: '-',
    });
  }
  if (measured.length > 1) {
    const first = measured[0];
    const span = `${first.count.toLocaleString('en-US')} → ${last.count.toLocaleString('en-US')}`;
    for (const figure of [...TIME_FIGURES, 'state', 'memory'] as const) {
      const growth = (side: Side) => valuesOf(last.sides[side])[figure] / valuesOf(first.sides[side])[figure];
      const ours = growth('ours');
      const hand = growth('hand');
      rows.push({
        section: SECTION,
        what: `growth ${span}: ${FIGURE_NAMES[figure]}`,
        ours: `${ours.toFixed(2)}x`,
        baseline: `${hand.toFixed(2)}x (${BASELINE})`,
        ratio: ours / hand,
        target: `<= ${BASELINE}'s`,
        met: ours <= hand,
      });
    }
    if (first.driftReadMs.length > 0 && last.driftReadMs.length > 0) {
      const growth = Math.max(...last.driftReadMs) / Math.max(...first.driftReadMs);
      rows.push({ section: SECTION, what: `growth ${span}: drift check read`, ours: `${growth.toFixed(2)}x`, baseline: '-' });
    }
  }
  return rows;
}

/** Runs the scale section on a local AWS of its own, which it stops again. */
export async function runScaleBench(options: { counts: number[]; functionConcurrency?: number } = { counts: DEFAULT_SCALE_COUNTS }): Promise<BenchSection> {
  const counter = new InvocationCounter();
  const local = await startLocalAws({
    log: counter.log,
    ...(options.functionConcurrency === undefined ? {} : { functionConcurrency: options.functionConcurrency }),
  });
  const notes: string[] = [];
  const started = Date.now();
  const measured: Measured[] = [];
  try {
    // The first terraform run of a process reads the provider binary from disk: not timed.
    await withPair({ hand: 'scale-warm-up', ours: 'scale-warm-up-ours' }, { hand: baselineStack(0), ours: oursStack(0) }, local.env, (pair) =>
      Promise.all([pair.hand.run(['validate']), pair.ours.run(['validate'])]),
    );
    notes.push(`scale: load average ${loadavg()[0].toFixed(1)} at the start`);
    for (const count of options.counts) {
      const sectionStarted = Date.now();
      console.error(`bench: scale: ${plural(count)}...`);
      const m = await retriedOnce(`scale, ${plural(count)}`, notes, () => measure(count, counter, local.env));
      measured.push(m);
      console.error(`bench: scale: ${plural(count)} took ${((Date.now() - sectionStarted) / 1000).toFixed(0)} s`);
      if (m.planExitCodes.ours !== m.planExitCodes.hand) {
        notes.push(
          `scale, ${plural(count)}: our no-change plan -detailed-exitcode exits ${m.planExitCodes.ours}, the ${BASELINE} one ` +
            `${m.planExitCodes.hand} (our store has the drift check on: Terraform always re-reads a check block's data source at apply)`,
        );
      }
    }
    notes.push(
      `scale: ours is one store with the drift check on and N credentials (both auth types, one or two scopes); ${BASELINE}: ` +
        'per credential a secret, a secret version with a literal value and a DynamoDB item, and one table; default parallelism (10); ' +
        `one run of each command (no medians: a run of 1,000 takes minutes); the local Lambda runner runs up to ${options.functionConcurrency ?? 'its default number of'} invocations of a function at once`,
      "scale: state per credential is the state file's size over N (the store's own resources included)",
      `scale: load average ${loadavg()[0].toFixed(1)} at the end, ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
    );
  } finally {
    await local.stop();
  }
  return { rows: scaleRows(measured), notes };
}
