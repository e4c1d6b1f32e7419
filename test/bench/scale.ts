/**
 * `npm run bench -- --scale`: many credentials in one store (200 and 1,000 by default), ours against
 * the hand-written baseline of the terraform section (per credential a secret, a secret version and
 * a table item), real `terraform` on a local AWS of its own, in the same run. Ours is declared with
 * the defaults (the drift check off, as the store's `driftCheck` is):
 *
 * - apply from nothing; a no-change plan; `plan -refresh=false`; one credential's scopes changed
 *   (`apply`, which plans and applies); destroy only up to {@link DESTROY_MAX_COUNT} credentials:
 *   wall time of each command, one terraform process at a time, the side that goes first
 *   alternating from command to command so load from elsewhere falls on both alike;
 * - state bytes per credential (the state snapshot after the apply, over the count), and which
 *   resource types hold them (the profile of what each credential costs);
 * - peak memory of terraform: the largest peak resident set (VmHWM) of the `terraform` process
 *   over those commands (the core; the provider plugin is a process of its own, the same on both sides);
 * - CPU of each command, split in two: terraform's (the core and its provider plugin: what a
 *   pipeline's machine pays) and the local AWS's (moto, the Lambda workers and this process, which
 *   serves the local AWS's HTTP): on 2 CPUs both compete, so an apply's wall time measures the local
 *   AWS's work for our functions too, which on AWS runs elsewhere;
 * - the opt-in drift check: our no-change plan and `plan -refresh=false` again with the store's
 *   `driftCheck` on (a check block; nothing applied), against the baseline's plain plans, and how long
 *   the provider's one `read` invocation of that no-change plan took;
 *
 * then, for each figure, its growth from the first count to the last on both sides, against the
 * issue's targets: at the last count a no-change plan, `plan -refresh=false` and a one-credential
 * change within 1.3 times the baseline, an apply from nothing within 1.5 times, state per credential
 * within 2 times, and each figure's growth no worse than the baseline's.
 *
 * Both sides keep their state in S3 on the local AWS (see `StateBackend`): at a thousand credentials
 * Terraform's local backend rewrites and syncs the whole state file after every resource, which is
 * Terraform's cost on both sides and what a team with a stack this size avoids. The largest count is
 * not destroyed: the local AWS is stopped instead (destroy is the same per-resource state rewrite).
 *
 * Not part of the default run (`--scale` adds it). Nothing is asserted: it measures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startLocalAws } from '../../local';
import { type BenchRow, type BenchSection, formatBytes, formatMs, median, ratioRow } from './report';
import { baselineStack, createStateBucket, InvocationCounter, oursStack, retriedOnce, type Side, type StateBackend, withPair } from './terraform';
import type { StackVariant } from './stacks';

const SECTION = 'scale';
const BASELINE = 'hand-written';
export const DEFAULT_SCALE_COUNTS = [200, 1000];
/** Bounds each terraform command: an apply of 1,000 took about 800 s with the local backend. */
const COMMAND_TIMEOUT_MS = 1_200_000;
/** Destroy is measured up to this many credentials; above it the local AWS's stop throws the stacks away. */
export const DESTROY_MAX_COUNT = 200;
/** The issue's targets at the largest count: ours / baseline. */
const TARGETS: Partial<Record<TimeFigure | 'state', number>> = { apply: 1.5, plan: 1.3, planNoRefresh: 1.3, change: 1.3, state: 2 };
/** How often the terraform process's peak memory is read. */
const MEMORY_SAMPLE_MS = 250;
const SIDES: readonly Side[] = ['hand', 'ours'];
/**
 * Ours as a store is declared by default: the drift check off (`driftCheck` is opt-in). The targets
 * are for this; the drift check's own rows re-plan it with the check on.
 */
const OURS = (count: number, variant: StackVariant = {}) => oursStack(count, variant, { driftCheck: false });

const TIME_FIGURES = ['apply', 'plan', 'planNoRefresh', 'planDrift', 'planNoRefreshDrift', 'change', 'destroy'] as const;
type TimeFigure = (typeof TIME_FIGURES)[number];
const FIGURE_NAMES: Record<TimeFigure | 'state' | 'memory', string> = {
  apply: 'apply from nothing',
  plan: 'no-change plan',
  planNoRefresh: 'plan -refresh=false',
  planDrift: 'no-change plan, our drift check on',
  planNoRefreshDrift: 'plan -refresh=false, our drift check on',
  change: "one credential's scopes changed (apply: plan + apply)",
  destroy: 'destroy',
  state: 'state per credential',
  memory: 'peak memory of terraform (core process)',
};

interface Figures {
  /** Destroy is absent above DESTROY_MAX_COUNT. */
  readonly times: Partial<Record<TimeFigure, number>>;
  readonly stateBytesPerCredential: number;
  /** Bytes of the state snapshot by resource type (`managed.<type>`, `data.<type>`, `outputs`), over the count. */
  readonly stateProfile: Record<string, number>;
  readonly peakMemoryBytes: number;
  /** CPU ms of terraform (core and provider plugin) for each command. */
  readonly terraformCpu: Partial<Record<TimeFigure, number>>;
  /** CPU ms of the local AWS (moto, the Lambda workers, this process) during each command. */
  readonly localAwsCpu: Partial<Record<TimeFigure, number>>;
}

interface Measured {
  readonly count: number;
  readonly sides: Record<Side, Figures>;
  /** The provider's read invocation(s) of our no-change plan, ms each. */
  readonly driftReadMs: number[];
  readonly planExitCodes: Record<Side, number>;
}

/** Peak resident set (VmHWM) in bytes of `pid` if it is a terraform process, else 0. */
function terraformPeak(pid: number): number {
  try {
    if (!isTerraform(pid)) return 0;
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0; // gone meanwhile
  }
}

/** Pids of the children of `pid` (every thread's); [] when it is gone or there is no /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * CPU ms from the text of /proc/<pid>/stat: the process's own (utime + stime) and its reaped
 * children's (cutime + cstime). Fields are counted after the command name, which may hold spaces.
 */
export function cpuFromStat(text: string, ticksPerSecond = CLOCK_TICKS): { ownMs: number; childrenMs: number } {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  // After `) `: state is field 3, so utime (14) is index 11, stime 12, cutime 13, cstime 14.
  const ms = (ticks: number) => (ticks * 1000) / ticksPerSecond;
  return { ownMs: ms(fields[11] + fields[12]), childrenMs: ms(fields[13] + fields[14]) };
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times, on every architecture Node runs on. */
const CLOCK_TICKS = 100;

function statOf(pid: number | 'self'): { ownMs: number; childrenMs: number } {
  try {
    return cpuFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return { ownMs: 0, childrenMs: 0 }; // gone meanwhile
  }
}

/**
 * CPU ms so far of this process's descendants other than terraform and what it runs: moto and
 * the Lambda workers of the local AWS. They are long-lived; one that exited during a command would
 * have its CPU counted as terraform's (reaped children's times).
 */
function localAwsDescendantsCpu(): Map<number, number> {
  const cpu = new Map<number, number>();
  const visit = (pid: number, depth: number) => {
    if (depth > 8) return;
    for (const child of childrenOf(pid)) {
      if (isTerraform(child)) continue;
      cpu.set(child, statOf(child).ownMs);
      visit(child, depth + 1);
    }
  };
  visit(process.pid, 0);
  return cpu;
}

function isTerraform(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'terraform';
  } catch {
    return false;
  }
}

interface Usage {
  readonly peakBytes: number;
  /** Terraform's CPU: it and its provider plugin are reaped by the end, into this process's children's times. */
  readonly terraformCpuMs: number;
  /** The local AWS's: its processes' CPU over the command, and this process's own. */
  readonly localAwsCpuMs: number;
}

/** Runs `run` (one terraform command) while sampling the peak memory of the terraform processes this process starts, and the CPU of each party. */
async function withUsage<T>(run: () => Promise<T>): Promise<{ result: T } & Usage> {
  let peak = 0;
  const sample = () => {
    for (const pid of childrenOf(process.pid)) peak = Math.max(peak, terraformPeak(pid));
  };
  const self = statOf('self');
  const awsBefore = localAwsDescendantsCpu();
  const timer = setInterval(sample, MEMORY_SAMPLE_MS);
  try {
    const result = await run();
    const selfAfter = statOf('self');
    let awsMs = selfAfter.ownMs - self.ownMs;
    for (const [pid, ms] of localAwsDescendantsCpu()) awsMs += ms - (awsBefore.get(pid) ?? 0);
    return { result, peakBytes: peak, terraformCpuMs: selfAfter.childrenMs - self.childrenMs, localAwsCpuMs: awsMs };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Bytes of each part of a state snapshot per credential, as Terraform writes it (indented JSON): each
 * resource type's entries, and the outputs.
 */
export function stateProfile(text: string, count: number): Record<string, number> {
  const state = JSON.parse(text) as { outputs?: Record<string, unknown>; resources?: Array<{ mode: string; type: string }> };
  const profile: Record<string, number> = {};
  for (const resource of state.resources ?? []) {
    const key = `${resource.mode}.${resource.type}`;
    // At the depth Terraform writes it: two more spaces on each line than at the top level.
    const text = JSON.stringify(resource, null, 2);
    profile[key] = (profile[key] ?? 0) + (text.length + 2 * text.split('\n').length) / count;
  }
  profile.outputs = JSON.stringify(state.outputs ?? {}, null, 2).length / count;
  return profile;
}

async function measure(count: number, counter: InvocationCounter, env: Parameters<typeof withPair>[2], backend: StateBackend, run = 0): Promise<Measured> {
  // Each run its own names: the stacks above DESTROY_MAX_COUNT stay on the local AWS until it stops.
  const suffix = run === 0 ? '' : `-r${run + 1}`;
  const ids: Record<Side, string> = { hand: `scale-hand-${count}${suffix}`, ours: `scale-ours-${count}${suffix}` };
  const providerFunction = `${ids.ours}-Credentials-provider`;
  const destroy = count <= DESTROY_MAX_COUNT;
  return withPair(
    ids,
    { hand: baselineStack(count), ours: OURS(count) },
    env,
    async (pair) => {
      const times: Record<Side, Partial<Record<TimeFigure, number>>> = { hand: {}, ours: {} };
      const peak: Record<Side, number> = { hand: 0, ours: 0 };
      const terraformCpu: Record<Side, Partial<Record<TimeFigure, number>>> = { hand: {}, ours: {} };
      const localAwsCpu: Record<Side, Partial<Record<TimeFigure, number>>> = { hand: {}, ours: {} };
      const state: Record<Side, number> = { hand: 0, ours: 0 };
      const profile: Record<Side, Record<string, number>> = { hand: {}, ours: {} };
      const planExitCodes: Record<Side, number> = { hand: 0, ours: 0 };
      let driftReadMs: number[] = [];
      let commands = 0;
      /** Both sides, one after the other; the side that goes first alternates from command to command. */
      const bothSides = () => (commands++ % 2 === 0 ? SIDES : [...SIDES].reverse());
      /** Times one command on one side, keeping the largest terraform peak memory of the side. */
      const timed = async (side: Side, figure: TimeFigure, args: string[], okCodes?: number[]) => {
        const usage = await withUsage(() => pair[side].timed(args, okCodes));
        const { result } = usage;
        times[side][figure] = result.ms;
        terraformCpu[side][figure] = usage.terraformCpuMs;
        localAwsCpu[side][figure] = usage.localAwsCpuMs;
        peak[side] = Math.max(peak[side], usage.peakBytes);
        // As it goes: an interrupted run still tells something.
        console.error(
          `bench: scale: ${plural(count)}, ${side}: ${FIGURE_NAMES[figure]} ${formatMs(result.ms)}, terraform peak ${formatBytes(usage.peakBytes)}, ` +
            `CPU terraform ${formatMs(usage.terraformCpuMs)}, local AWS ${formatMs(usage.localAwsCpuMs)}`,
        );
        return result;
      };

      for (const side of bothSides()) await timed(side, 'apply', ['apply', '-auto-approve']);
      for (const side of SIDES) {
        const text = await pair[side].stateText();
        state[side] = Buffer.byteLength(text) / count;
        profile[side] = stateProfile(text, count);
      }
      for (const side of bothSides()) {
        planExitCodes[side] = (await timed(side, 'plan', ['plan', '-detailed-exitcode'], [0, 2])).code;
      }
      for (const side of bothSides()) await timed(side, 'planNoRefresh', ['plan', '-refresh=false', '-detailed-exitcode'], [0, 2]);
      // The opt-in drift check: the same plans of ours with it on (a check block; no apply), against
      // the baseline's plain plans (it has nothing of the kind).
      pair.ours.synth(oursStack(count, {}, { driftCheck: true }));
      const drift = await counter.during(providerFunction, () => timed('ours', 'planDrift', ['plan', '-detailed-exitcode'], [0, 2]));
      driftReadMs = drift.durationsMs;
      await timed('ours', 'planNoRefreshDrift', ['plan', '-refresh=false', '-detailed-exitcode'], [0, 2]);
      for (const record of [times, terraformCpu, localAwsCpu]) {
        record.hand.planDrift = record.hand.plan;
        record.hand.planNoRefreshDrift = record.hand.planNoRefresh;
      }
      for (const side of bothSides()) {
        pair[side].synth(side === 'ours' ? OURS(count, { changeFirst: true }) : baselineStack(count, { changeFirst: true }));
        await timed(side, 'change', ['apply', '-auto-approve']);
      }
      if (destroy) for (const side of bothSides()) await timed(side, 'destroy', ['destroy', '-auto-approve']);

      const figures = (side: Side): Figures => ({
        times: times[side],
        stateBytesPerCredential: state[side],
        stateProfile: profile[side],
        peakMemoryBytes: peak[side],
        terraformCpu: terraformCpu[side],
        localAwsCpu: localAwsCpu[side],
      });
      return { count, sides: { hand: figures('hand'), ours: figures('ours') }, driftReadMs, planExitCodes };
    },
    { timeoutMs: COMMAND_TIMEOUT_MS, backend, destroy },
  );
}

/** One count's runs as one: each time and the state per credential their median, memory the largest, the first run's profile and exit codes. */
export function medianOfRuns(runs: readonly Measured[]): Measured {
  const [first] = runs;
  const side = (s: Side): Figures => {
    const medians = (of: (f: Figures) => Partial<Record<TimeFigure, number>>) => {
      const out: Partial<Record<TimeFigure, number>> = {};
      for (const figure of TIME_FIGURES) {
        const values = runs.flatMap((r) => of(r.sides[s])[figure] ?? []);
        if (values.length > 0) out[figure] = median(values);
      }
      return out;
    };
    return {
      times: medians((f) => f.times),
      terraformCpu: medians((f) => f.terraformCpu),
      localAwsCpu: medians((f) => f.localAwsCpu),
      stateBytesPerCredential: median(runs.map((r) => r.sides[s].stateBytesPerCredential)),
      stateProfile: first.sides[s].stateProfile,
      peakMemoryBytes: Math.max(...runs.map((r) => r.sides[s].peakMemoryBytes)),
    };
  };
  const reads = runs.flatMap((r) => (r.driftReadMs.length > 0 ? [Math.max(...r.driftReadMs)] : []));
  return { count: first.count, sides: { hand: side('hand'), ours: side('ours') }, driftReadMs: reads.length > 0 ? [median(reads)] : [], planExitCodes: first.planExitCodes };
}

const plural = (count: number) => `${count.toLocaleString('en-US')} credential${count === 1 ? '' : 's'}`;

/** The value of each figure on one side; destroy is absent above DESTROY_MAX_COUNT. */
function valuesOf(figures: Figures): Partial<Record<TimeFigure | 'state' | 'memory', number>> {
  return { ...figures.times, state: figures.stateBytesPerCredential, memory: figures.peakMemoryBytes };
}

function format(figure: TimeFigure | 'state' | 'memory', value: number): string {
  return figure === 'state' || figure === 'memory' ? formatBytes(value) : formatMs(value);
}

const FIGURES = [...TIME_FIGURES, 'state', 'memory'] as const;
/**
 * Terraform's CPU is shown for the figures with a time target, held to the same targets: it is what
 * the pipeline's machine pays whatever else shares it (on AWS, the local AWS's part runs elsewhere).
 */
const CPU_FIGURES = ['apply', 'plan', 'planNoRefresh', 'change'] as const;

/**
 * The table's rows: every figure at every count (the targets at the largest), where the state's bytes
 * go at the largest count, then each figure's growth from the first count to the last.
 */
export function scaleRows(measured: readonly Measured[]): BenchRow[] {
  const rows: BenchRow[] = [];
  const last = measured[measured.length - 1];
  for (const m of measured) {
    const ours = valuesOf(m.sides.ours);
    const hand = valuesOf(m.sides.hand);
    for (const figure of FIGURES) {
      const [o, h] = [ours[figure], hand[figure]];
      if (o === undefined || h === undefined) continue;
      const target = m === last && figure !== 'memory' && figure !== 'destroy' ? TARGETS[figure] : undefined;
      rows.push(ratioRow(SECTION, `${FIGURE_NAMES[figure]}, ${plural(m.count)}`, { value: o, text: format(figure, o) }, { value: h, text: `${format(figure, h)} (${BASELINE})` }, target));
    }
    for (const figure of CPU_FIGURES) {
      const [o, h] = [m.sides.ours.terraformCpu[figure], m.sides.hand.terraformCpu[figure]];
      if (o === undefined || h === undefined) continue;
      const target = m === last ? TARGETS[figure] : undefined;
      rows.push(ratioRow(SECTION, `CPU of terraform: ${FIGURE_NAMES[figure]}, ${plural(m.count)}`, { value: o, text: formatMs(o) }, { value: h, text: `${formatMs(h)} (${BASELINE})` }, target));
    }
    const [awsO, awsH] = [m.sides.ours.localAwsCpu.apply, m.sides.hand.localAwsCpu.apply];
    if (awsO !== undefined && awsH !== undefined) {
      rows.push(ratioRow(SECTION, `CPU of the local AWS: apply from nothing, ${plural(m.count)}`, { value: awsO, text: formatMs(awsO) }, { value: awsH, text: `${formatMs(awsH)} (${BASELINE})` }));
    }
    rows.push({
      section: SECTION,
      what: `drift check read (one provider invocation), ${plural(m.count)}`,
      ours: m.driftReadMs.length === 0 ? 'not invoked' : `${m.driftReadMs.map(formatMs).join(', ')} (${m.driftReadMs.length} invocation${m.driftReadMs.length === 1 ? '' : 's'})`,
      baseline: '-',
    });
  }
  if (last !== undefined) {
    // Where each side's state goes, per credential, largest first.
    const parts = (side: Side) => last.sides[side].stateProfile;
    const keys = [...new Set([...Object.keys(parts('ours')), ...Object.keys(parts('hand'))])].sort(
      (a, b) => (parts('ours')[b] ?? 0) + (parts('hand')[b] ?? 0) - (parts('ours')[a] ?? 0) - (parts('hand')[a] ?? 0),
    );
    for (const key of keys) {
      const [o, h] = [parts('ours')[key] ?? 0, parts('hand')[key] ?? 0];
      if (o < 1 && h < 1) continue;
      rows.push({ section: SECTION, what: `state per credential, ${plural(last.count)}: ${key}`, ours: `${Math.round(o)} B`, baseline: `${Math.round(h)} B` });
    }
  }
  if (measured.length > 1) {
    const first = measured[0];
    const span = `${first.count.toLocaleString('en-US')} → ${last.count.toLocaleString('en-US')}`;
    for (const figure of FIGURES) {
      const growth = (side: Side) => {
        const [to, from] = [valuesOf(last.sides[side])[figure], valuesOf(first.sides[side])[figure]];
        return to === undefined || from === undefined ? undefined : to / from;
      };
      const [ours, hand] = [growth('ours'), growth('hand')];
      if (ours === undefined || hand === undefined) continue;
      rows.push({
        section: SECTION,
        what: `growth ${span}: ${FIGURE_NAMES[figure]}`,
        ours: `${ours.toFixed(2)}x`,
        baseline: `${hand.toFixed(2)}x (${BASELINE})`,
        ratio: ours / hand,
        // The opt-in drift check's figures are shown, not held to a target.
        ...(figure === 'memory' || figure === 'planDrift' || figure === 'planNoRefreshDrift' ? {} : { target: `<= ${BASELINE}'s`, met: ours <= hand }),
      });
    }
    for (const figure of CPU_FIGURES) {
      const growth = (side: Side) => {
        const [to, from] = [last.sides[side].terraformCpu[figure], first.sides[side].terraformCpu[figure]];
        return to === undefined || from === undefined ? undefined : to / from;
      };
      const [ours, hand] = [growth('ours'), growth('hand')];
      if (ours === undefined || hand === undefined) continue;
      rows.push({
        section: SECTION,
        what: `growth ${span}: CPU of terraform: ${FIGURE_NAMES[figure]}`,
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
export async function runScaleBench(options: { counts: number[]; functionConcurrency?: number; runs?: number } = { counts: DEFAULT_SCALE_COUNTS }): Promise<BenchSection> {
  const runs = options.runs ?? 1;
  const counter = new InvocationCounter();
  const local = await startLocalAws({
    log: counter.log,
    ...(options.functionConcurrency === undefined ? {} : { functionConcurrency: options.functionConcurrency }),
  });
  const notes: string[] = [];
  const started = Date.now();
  const byCount = new Map<number, Measured[]>(options.counts.map((count) => [count, []]));
  try {
    const backend = await createStateBucket(local.env, 'bench-scale-state');
    // The first terraform run of a process reads the provider binary from disk: not timed.
    await withPair({ hand: 'scale-warm-up', ours: 'scale-warm-up-ours' }, { hand: baselineStack(0), ours: OURS(0) }, local.env, (pair) =>
      Promise.all([pair.hand.run(['validate']), pair.ours.run(['validate'])]),
    );
    notes.push(`scale: load average ${loadavg()[0].toFixed(1)} at the start`);
    // Runs in turn, each through every count, so a slow spell of the machine falls on one run of each.
    for (let run = 0; run < runs; run++) for (const count of options.counts) {
      const sectionStarted = Date.now();
      console.error(`bench: scale: ${plural(count)}${runs > 1 ? `, run ${run + 1} of ${runs}` : ''}...`);
      const m = await retriedOnce(`scale, ${plural(count)}`, notes, () => measure(count, counter, local.env, backend, run));
      byCount.get(count)!.push(m);
      console.error(`bench: scale: ${plural(count)} took ${((Date.now() - sectionStarted) / 1000).toFixed(0)} s`);
      if (m.planExitCodes.ours !== m.planExitCodes.hand) {
        notes.push(
          `scale, ${plural(count)}: our no-change plan -detailed-exitcode exits ${m.planExitCodes.ours}, the ${BASELINE} one ` +
            `${m.planExitCodes.hand}`,
        );
      }
    }
    notes.push(
      `scale: ours is one store with its defaults (the drift check off) and N credentials (both auth types, one or two scopes); ` +
        'the drift check rows plan the same stack with the check on, against the baseline\'s plain plans; ' +
        `${BASELINE}: ` +
        'per credential a secret, a secret version with a literal value and a DynamoDB item, and one table; default parallelism (10); ' +
        `one terraform command at a time, ${runs === 1 ? 'one run of each (no medians: a run of 1,000 takes minutes)' : `the median of ${runs} runs of each (state: the first run's profile; memory: the largest)`}, the side that goes first alternating; the local Lambda runner runs up to ${options.functionConcurrency ?? 'its default number of'} invocations of a function at once`,
      'scale: state in S3 on the local AWS on both sides (the local backend rewrites and syncs the whole file after every resource); ' +
        `destroy measured up to ${DESTROY_MAX_COUNT} credentials, larger stacks thrown away with the local AWS`,
      "scale: state per credential is the state snapshot's size over N (the store's own resources included); its parts as Terraform writes them (indented JSON)",
      `scale: load average ${loadavg()[0].toFixed(1)} at the end, ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
    );
  } finally {
    await local.stop();
  }
  return { rows: scaleRows([...byCount.values()].filter((ms) => ms.length > 0).map(medianOfRuns)), notes };
}
