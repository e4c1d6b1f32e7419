/**
 * One row of `npm run bench`'s table: a figure of ours beside the same figure of a baseline,
 * measured in the same run, and their ratio. Every ratio is a cost ratio (ours / baseline, time
 * or size, lower is better), so targets read the same way: "at most 1.5x the baseline".
 */
export interface BenchRow {
  /** The section: "synth", "terraform", "verification", "cold start". */
  readonly section: string;
  /** What was measured, e.g. "100 credentials, ms per credential". */
  readonly what: string;
  /** Our figure, with its unit. */
  readonly ours: string;
  /** The baseline's figure, with its unit and, briefly, what the baseline is. */
  readonly baseline: string;
  /** ours / baseline as a cost (lower is better); undefined where there is no baseline. */
  readonly ratio?: number;
  /** The target, e.g. "<= 1.5x" or "<= 1 per store"; undefined where the issue sets none. */
  readonly target?: string;
  /** Whether the target was met; undefined where there is no target. */
  readonly met?: boolean;
}

/** A row with a ratio target: `ours` and `baseline` are costs in the same unit (lower is better). */
export function ratioRow(
  section: string,
  what: string,
  ours: { value: number; text: string },
  baseline: { value: number; text: string },
  maxRatio?: number,
): BenchRow {
  const ratio = ours.value / baseline.value;
  return {
    section,
    what,
    ours: ours.text,
    baseline: baseline.text,
    ratio,
    ...(maxRatio === undefined ? {} : { target: `<= ${maxRatio}x`, met: ratio <= maxRatio }),
  };
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(2)} ms`;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** What one part of the benchmark returns: its rows, and lines worth printing under the table. */
export interface BenchSection {
  readonly rows: BenchRow[];
  readonly notes: string[];
}
