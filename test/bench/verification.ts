/**
 * `npm run bench`, verification: how fast a warm records verifier tells who is calling, against
 * the physical limit of any hash-based check on the same machine: a bare loop of SHA-256 of the
 * value and `crypto.timingSafeEqual` with a stored digest. Then the verifier's request paths
 * (tinybench, in-memory stores) as costs relative to a SHA-256 of an API key, and the heap after
 * many distinct keys, to show the verification cache stays bounded.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Bench } from 'tinybench';
import { generateApiKey, hashSecret, secretMatchesHash } from '../../handlers/secret-format';
import { handleRecordsRequest, handleTokenRequest, VerificationCache } from '../../handlers/verifier';
import { HttpApiEvent } from '../../handlers/verifier/http';
import { RecordsDeps, verifyRequest } from '../../handlers/verifier/records';
import { KEY_ID, OAUTH_ID, recordsRequest, tokenRequest, World } from '../support/verifier-world';
import { BenchRow, BenchSection, median, ratioRow } from './report';

const SECTION = 'verification';
/** Throughput: alternating rounds of the bare loop and ours, the median of each. */
const ROUNDS = 7;
const ROUND_MS = 300;
const BATCH = 1000;
const THROUGHPUT_TARGET = 2;
const HEAP_REQUESTS = 50_000;

/** Operations per second of `op` run back to back for about ROUND_MS (whole batches). */
async function opsPerSecond(op: () => unknown): Promise<number> {
  let ops = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (let i = 0; i < BATCH; i++) await op();
    ops += BATCH;
    elapsed = performance.now() - started;
  }
  return (ops / elapsed) * 1000;
}

/** The same for a synchronous op, without an `await` per call: the bare loop. */
function opsPerSecondSync(op: () => unknown): number {
  let ops = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (let i = 0; i < BATCH; i++) op();
    ops += BATCH;
    elapsed = performance.now() - started;
  }
  return (ops / elapsed) * 1000;
}

/** Verifications per second of `event` with a warm cache, and of the bare loop over its bearer value. */
async function throughput(event: HttpApiEvent, bearer: string, deps: RecordsDeps): Promise<{ ours: number; bare: number }> {
  const stored = createHash('sha256').update(bearer, 'utf8').digest();
  const bare = () => timingSafeEqual(createHash('sha256').update(bearer, 'utf8').digest(), stored);
  const ours = async () => {
    if (!(await verifyRequest(event, deps)).ok) throw new Error('the benchmark credential was refused');
  };
  await ours(); // fills the cache
  const oursRuns: number[] = [];
  const bareRuns: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating which goes first, so a trend in the machine's load favours neither.
    if (round % 2 === 0) bareRuns.push(opsPerSecondSync(bare));
    oursRuns.push(await opsPerSecond(ours));
    if (round % 2 === 1) bareRuns.push(opsPerSecondSync(bare));
  }
  return { ours: median(oursRuns), bare: median(bareRuns) };
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

export async function runVerificationBench(): Promise<BenchSection> {
  const world = new World();
  const client = world.addOAuthClient(OAUTH_ID, ['conversations', 'users']);
  const apiKey = world.addApiKey(KEY_ID, ['conversations', 'interactions']);
  const backend = async () => ({ statusCode: 200, headers: {}, body: '{}' });
  const recordsDeps: RecordsDeps = { readCredential: world.readCredential, readToken: world.readToken, findAdoptedKey: world.findAdoptedKey, now: world.now, backend };
  const cachedDeps: RecordsDeps = { ...recordsDeps, cache: new VerificationCache(60, world.now) };
  const tokenDeps = { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes };
  const tokenBody = { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret };
  const token: string = JSON.parse((await handleTokenRequest(tokenRequest(tokenBody), tokenDeps)).response.body).access_token;
  const rows: BenchRow[] = [];
  const notes: string[] = [];

  // 1. Verifications per second with a warm cache (what a records request does before its scope
  //    check: header, bearer value, cache key, cache hit), against the bare digest loop.
  const perSecond = (opsPerSec: number, what: string) => ({ value: 1 / opsPerSec, text: `${Math.round(opsPerSec).toLocaleString('en')}/s${what}` });
  for (const [what, event, bearer] of [
    ['API keys verified, warm cache', recordsRequest('conversations', `Bearer ${apiKey}`), apiKey],
    ['access tokens verified, warm cache', recordsRequest('users', `Bearer ${token}`), token],
  ] as const) {
    const { ours, bare } = await throughput(event, bearer, cachedDeps);
    rows.push(ratioRow(SECTION, what, perSecond(ours, ''), perSecond(bare, ' SHA-256 + timingSafeEqual'), THROUGHPUT_TARGET));
  }
  notes.push(
    `verification: throughput is the median of ${ROUNDS} rounds of ${ROUND_MS} ms, alternating with the bare loop; the ratio is a cost ` +
      `(bare ops/s / ours), so <= ${THROUGHPUT_TARGET}x means at least half the bare loop's throughput.`,
  );

  // 2. The verifier's request paths, each as a cost relative to a SHA-256 of an API key.
  const apiKeyHash = hashSecret(apiKey);
  const bench = new Bench({ time: 500, warmupTime: 100 });
  bench
    .add('baseline: SHA-256 of an API key', () => {
      hashSecret(apiKey);
    })
    .add('constant-time check of an API key', () => {
      secretMatchesHash(apiKey, apiKeyHash);
    })
    .add('generate an API key', () => {
      generateApiKey(KEY_ID);
    })
    .add('token endpoint: issue a token', async () => {
      await handleTokenRequest(tokenRequest(tokenBody), tokenDeps);
    })
    .add('records: API key, allowed', async () => {
      await handleRecordsRequest(recordsRequest('conversations', `Bearer ${apiKey}`), recordsDeps);
    })
    .add('records: access token, allowed', async () => {
      await handleRecordsRequest(recordsRequest('users', `Bearer ${token}`), recordsDeps);
    })
    .add('records: API key, cached verification', async () => {
      await handleRecordsRequest(recordsRequest('conversations', `Bearer ${apiKey}`), cachedDeps);
    })
    .add('records: garbage header, 401', async () => {
      await handleRecordsRequest(recordsRequest('conversations', 'Bearer not-a-key'), recordsDeps);
    });
  await bench.run();
  const [baselineTask, ...tasks] = bench.tasks;
  const baseline = baselineTask.result;
  if (baseline.state !== 'completed') throw new Error(`the SHA-256 baseline did not complete: ${baseline.state}`);
  const perOp = (meanMs: number, p99Ms: number, what = '') => ({
    value: meanMs,
    text: `${(meanMs * 1000).toFixed(1)} µs${what} (p99 ${(p99Ms * 1000).toFixed(1)} µs)`,
  });
  for (const task of tasks) {
    const result = task.result;
    if (result.state !== 'completed') {
      rows.push({ section: SECTION, what: task.name, ours: result.state, baseline: '' });
      continue;
    }
    rows.push(ratioRow(SECTION, `${task.name}, mean`, perOp(result.latency.mean, result.latency.p99), perOp(baseline.latency.mean, baseline.latency.p99, ' SHA-256')));
  }

  // 3. Many distinct bearer values through a caching verifier: the cache keeps at most 1000 entries.
  const before = heapMb();
  for (let i = 0; i < HEAP_REQUESTS; i++) {
    await handleRecordsRequest(recordsRequest('conversations', `Bearer ${generateApiKey(KEY_ID)}`), cachedDeps);
  }
  const after = heapMb();
  rows.push(
    ratioRow(
      SECTION,
      `heap after ${HEAP_REQUESTS.toLocaleString('en')} distinct API keys through the cached verifier`,
      { value: after, text: `${after.toFixed(1)} MB` },
      { value: before, text: `${before.toFixed(1)} MB before` },
    ),
  );
  if ((globalThis as { gc?: unknown }).gc === undefined) notes.push('verification: heap measured without a forced GC (run node with --expose-gc for a tighter number)');
  return { rows, notes };
}
