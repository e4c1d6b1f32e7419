/**
 * `npm run bench`, cold start: each Lambda the library deploys, bundled by `bundleHandler` as the
 * package build does, beside a hello-world handler bundled and loaded the same way. Per handler: the bundle's
 * size, and its module load in fresh `node` processes (a cold start always gets a fresh one):
 * - init: from spawning `node` until the handler is exported and ready, as a Lambda cold start
 *   pays it (runtime start plus module init); the target, at most 2x hello-world, is on this;
 * - require: the `require()` of the bundle alone, timed inside the process. Hello-world's is about
 *   a millisecond, so this ratio is large for any handler with an AWS SDK client in it; it is
 *   reported as it is, without a target.
 * Runs are interleaved across the bundles, so a busy moment of the machine hits all of them alike.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_RECORDS_BACKEND_ENTRY } from '../../examples/sample-records-backend';
import { HANDLER_SOURCES } from '../../providers';
import { bundleHandler, REPO_ROOT } from '../../scripts/bundle';
import { freshNode } from './fresh-node';
import { BenchRow, BenchSection, formatBytes, formatMs, median, ratioRow } from './report';

const SECTION = 'cold start';
const BASELINE = { name: 'hello-world', entry: join(__dirname, 'hello-world-handler.ts'), target: false };
/** Every handler the library deploys, by the entries its constructs bundle, and the example's backend. */
const HANDLERS = [
  { name: 'credential provider', entry: join(REPO_ROOT, HANDLER_SOURCES['credential-provider']), target: true },
  { name: 'token endpoint', entry: join(REPO_ROOT, HANDLER_SOURCES['gateway-token']), target: true },
  { name: 'records verifier', entry: join(REPO_ROOT, HANDLER_SOURCES['gateway-records']), target: true },
  { name: 'sample records backend (example)', entry: SAMPLE_RECORDS_BACKEND_ENTRY, target: true },
  // Not ours: the SDK's DynamoDB client alone, to show how much of the above is the SDK's.
  { name: 'reference, DynamoDB client alone', entry: join(__dirname, 'dynamodb-client-handler.ts'), target: false },
];
const RUNS = 15;
const PROCESS_TIMEOUT_MS = 10_000;
const INIT_TARGET = 2;

/**
 * What the child runs: load the bundle as Lambda's runtime does (`require` of `index.js`), check
 * that `handler` is a function, and say so on stdout with the require time.
 */
const LOADER = `
const started = process.hrtime.bigint();
const mod = require(process.argv[1]);
const requireMs = Number(process.hrtime.bigint() - started) / 1e6;
if (typeof mod.handler !== 'function') { console.error('no handler export'); process.exit(3); }
process.stdout.write(JSON.stringify({ requireMs }) + '\\n');
`;

interface LoadTiming {
  /** Spawn until the ready line arrives, measured by this process. */
  readonly initMs: number;
  /** The `require()` alone, measured in the child. */
  readonly requireMs: number;
}

/** One cold load of `file` in a fresh node, bounded by PROCESS_TIMEOUT_MS. */
async function loadOnce(file: string): Promise<LoadTiming> {
  const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1' };
  const { readyMs, output } = await freshNode<{ requireMs: number }>(LOADER, [file], { env, timeoutMs: PROCESS_TIMEOUT_MS });
  return { initMs: readyMs, requireMs: output.requireMs };
}

export async function runColdStartBench(): Promise<BenchSection> {
  const bundles = [BASELINE, ...HANDLERS].map(({ name, entry, target }) => {
    const file = join(bundleHandler(entry), 'index.js');
    return { name, file, target, bytes: statSync(file).size, timings: [] as LoadTiming[] };
  });
  // One unrecorded load each first: the bundles' files into the page cache, as on a deployed Lambda.
  for (const bundle of bundles) await loadOnce(bundle.file);
  for (let run = 0; run < RUNS; run++) {
    for (const bundle of bundles) bundle.timings.push(await loadOnce(bundle.file));
  }

  const [hello, ...ours] = bundles.map((b) => ({
    ...b,
    initMs: median(b.timings.map((t) => t.initMs)),
    requireMs: median(b.timings.map((t) => t.requireMs)),
  }));
  const ms = (value: number, what = '') => ({ value, text: `${formatMs(value)}${what}` });
  const rows: BenchRow[] = [];
  for (const handler of ours) {
    rows.push(
      ratioRow(
        SECTION,
        `${handler.name}: init, node start to handler ready`,
        ms(handler.initMs),
        ms(hello.initMs, ' hello-world'),
        handler.target ? INIT_TARGET : undefined,
      ),
      ratioRow(SECTION, `${handler.name}: require() of the bundle alone`, ms(handler.requireMs), ms(hello.requireMs, ' hello-world')),
      ratioRow(
        SECTION,
        `${handler.name}: bundle size`,
        { value: handler.bytes, text: formatBytes(handler.bytes) },
        { value: hello.bytes, text: `${formatBytes(hello.bytes)} hello-world` },
      ),
    );
  }
  const sdk = ours[ours.length - 1];
  return {
    rows,
    notes: [
      `cold start: medians of ${RUNS} fresh node ${process.versions.node} processes per bundle, interleaved. The <= ${INIT_TARGET}x target is on ` +
        'the init (node start to handler ready): that is what a Lambda cold start pays before the first request (runtime start plus ' +
        "module init). Lambda's own runtime start is heavier than a bare node's, so on Lambda the ratio is lower than here.",
      `cold start: the require()-only ratio is against hello-world's ${formatMs(hello.requireMs)} of loading nearly nothing, so it is ` +
        `large for any handler with an AWS SDK client: the DynamoDB client alone (reference rows) is ${formatBytes(sdk.bytes)} and ` +
        `${formatMs(sdk.requireMs)} to require, parsing and running some 300 SDK modules; our own code adds little on top. ` +
        'The handlers create their SDK clients on the first request, as before; that request is not measured here.',
    ],
  };
}
