/**
 * `npm run bench`: the verifier's hot paths, measured in one run against in-memory stores, and
 * reported as ratios to a SHA-256 of a secret (the cheapest thing every verification does), so
 * numbers from a noisy shared machine stay comparable. Then the heap after many distinct
 * requests, to show the verification cache stays bounded. Nothing here is asserted: it measures.
 */
import Table from 'cli-table3';
import { Bench } from 'tinybench';
import { generateApiKey, hashSecret, secretMatchesHash } from '../../handlers/secret-format';
import { handleRecordsRequest, handleTokenRequest, VerificationCache } from '../../handlers/verifier';
import { KEY_ID, OAUTH_ID, recordsRequest, tokenRequest, World } from '../unit/verifier/support';

const world = new World();
const client = world.addOAuthClient(OAUTH_ID, ['conversations', 'users']);
const apiKey = world.addApiKey(KEY_ID, ['conversations', 'interactions']);
const backend = async () => ({ statusCode: 200, headers: {}, body: '{}' });
const recordsDeps = { readCredential: world.readCredential, readToken: world.readToken, findAdoptedKey: world.findAdoptedKey, now: world.now, backend };
const cachedDeps = { ...recordsDeps, cache: new VerificationCache(60, world.now) };
const tokenDeps = { readCredential: world.readCredential, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes };
const tokenBody = { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret };
const apiKeyHash = hashSecret(apiKey);

async function accessToken(): Promise<string> {
  const { response } = await handleTokenRequest(tokenRequest(tokenBody), tokenDeps);
  return JSON.parse(response.body).access_token;
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function main(): Promise<void> {
  const token = await accessToken();
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

  const baseline = bench.tasks[0].result;
  if (baseline.state !== 'completed') throw new Error(`baseline did not complete: ${baseline.state}`);
  const table = new Table({ head: ['task', 'ops/s', 'mean µs', 'p99 µs', 'x baseline'], style: { head: [], border: [] } });
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed') {
      table.push([task.name, result.state, '', '', '']);
      continue;
    }
    table.push([
      task.name,
      Math.round(result.throughput.mean).toLocaleString('en'),
      (result.latency.mean * 1000).toFixed(1),
      (result.latency.p99 * 1000).toFixed(1),
      (result.latency.mean / baseline.latency.mean).toFixed(1),
    ]);
  }
  console.log(table.toString());

  // Many distinct bearer values through a caching verifier: the cache keeps at most 1000 entries.
  const requests = 50_000;
  const before = heapMb();
  for (let i = 0; i < requests; i++) {
    await handleRecordsRequest(recordsRequest('conversations', `Bearer ${generateApiKey(KEY_ID)}`), cachedDeps);
  }
  const after = heapMb();
  const gc = (globalThis as { gc?: unknown }).gc ? 'after a forced GC' : 'without a forced GC (run node with --expose-gc for a tighter number)';
  console.log(`heap: ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after ${requests.toLocaleString('en')} distinct API keys through the cached verifier, ${gc}`);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
