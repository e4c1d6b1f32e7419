/**
 * Synth, from the sources: the three sides of stacks.js (a store with N credentials; the same
 * Terraform blocks written with cdktf alone, the floor; and the hand-written equivalent: one table,
 * per credential a secret, a secret version and a table item),
 * built and synthesized in this process from the library's TypeScript sources as tsx runs them,
 * with no build, pack or install: the figure a contributor takes while changing `lib/`, in
 * seconds. `installed-synth` measures the same stacks the same way from the installed package,
 * on plain node, as a user runs them; the target is for that one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchRow, BenchSection, formatMs, median, ratioRow } from './report';
import { loadFromSource } from './source-modules';
import { measureSynth, type Side, type SynthResult, type SynthTiming } from './stacks';

export const SYNTH_TARGET = 1.5;
/** Credentials per stack, and runs per side (the median is reported): fewer runs where one takes seconds. */
export const SYNTH_PLAN = [
  { count: 1, runs: 21 },
  { count: 100, runs: 9 },
  { count: 1000, runs: 5 },
];

const total = (t: SynthTiming) => t.constructMs + t.synthMs;

/**
 * Two rows per count: the median build-and-synth time of ours against the hand-written equivalent,
 * and against the floor (the same Terraform blocks per credential written with cdktf alone, in the
 * same store).
 */
export function synthRows(section: string, result: SynthResult): BenchRow[] {
  return result.results.flatMap((timings) => {
    const n = timings.count;
    const what = `${n.toLocaleString('en')} credential${n === 1 ? '' : 's'} (ms per credential)`;
    const [ours, floor, hand] = (['ours', 'sameResources', 'handWritten'] as const).map((side) => median(timings[side].map(total)));
    const text = (ms: number, label = '') => ({ value: ms, text: `${formatMs(ms)} (${(ms / n).toFixed(2)})${label}` });
    return [
      ratioRow(section, what, text(ours), text(hand, ' hand-written'), SYNTH_TARGET),
      ratioRow(section, `${what}, against the same resources`, text(ours), text(floor, ' same blocks by hand'), SYNTH_TARGET),
    ];
  });
}

/** What the two stacks hold, and where the time of the largest count goes (building the constructs, or `app.synth()`). */
export function synthNotes(section: string, result: SynthResult): string[] {
  const { shape } = result;
  const holds = (side: Side) =>
    `${shape[side].resources} resources, ${shape[side].dataSources} data sources, ${shape[side].outputs} outputs`;
  const largest = result.results[result.results.length - 1];
  const split = (side: Side) => {
    const construct = median(largest[side].map((t) => t.constructMs));
    const synth = median(largest[side].map((t) => t.synthMs));
    return `${formatMs(construct)} building the constructs, ${formatMs(synth)} in app.synth()`;
  };
  const runs = result.results.map((r) => `${r.ours.length} at ${r.count.toLocaleString('en')}`).join(', ');
  return [
    `${section}: each figure is the median of interleaved runs per side (${runs}) after a warm-up of each, timed from new App() ` +
      `to the end of app.synth() (which writes cdk.tf.json), Node ${result.node}. At ${shape.count} credentials ours holds ` +
      `${holds('ours')}; the same resources by hand ${holds('sameResources')}; the hand-written stack ${holds('handWritten')}.`,
    `${section}: "the same resources" is the floor: our store, and per credential the Terraform blocks a DataApiCredential writes ` +
      '(instance, OAuth 2.0 client, secret with the same tags and policy, invocation, the ids, one map output) written with cdktf and provider-aws alone.',
    `${section}: at ${largest.count.toLocaleString('en')} credentials ours spends ${split('ours')}; the same resources ${split('sameResources')}; ` +
      `the hand-written stack ${split('handWritten')}.`,
  ];
}

export async function runSynthBench(): Promise<BenchSection> {
  const outRoot = mkdtempSync(join(tmpdir(), 'dac-bench-synth-'));
  try {
    const result = measureSynth(loadFromSource, { plan: SYNTH_PLAN, outRoot });
    return {
      rows: synthRows('synth', result),
      notes: [
        'synth: from the TypeScript sources in this process (tsx), no build or install; the installed-synth rows are the same stacks from the installed package.',
        ...synthNotes('synth', result),
      ],
    };
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}
