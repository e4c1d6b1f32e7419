/**
 * The "terraform" part of `npm run bench`: real `terraform` against its own local AWS.
 *
 * - For each count N, our stack (a CredentialStore with `driftCheck`, N DataApiCredentials)
 *   beside the stack a team would write by hand (per credential a secret, a secret version with
 *   a literal value and a table item; one table), built with cdktf and the same provider settings
 *   so only the resources differ, both at terraform's default parallelism: apply from empty, a
 *   no-change plan (median of a few, alternating between the two stacks so load from elsewhere
 *   falls on both alike) and destroy.
 * - The same N added to an existing store and to an existing table: the apply a team runs after
 *   day one, without the store's fixed cost (which the first N also reports on its own).
 * - The Lambda invocations our no-change plan makes (the drift check reads through the provider),
 *   counted from the local Lambda runner's one log line per invocation.
 * - Access tokens issued per second through the local gateway, on a small stack with a gateway.
 *
 * Nothing is asserted: it measures. It never prints a secret or a token.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, S3Backend, TerraformStack } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SampleRecordsBackend } from '../../examples/sample-records-backend';
import { DataApiCredential, DataApiGateway, DataApiScope } from '../../lib';
import { type LocalAwsEnv, startLocalAws } from '../../local';
import { synthStack } from '../../examples/synth-stack';
import { flatOutputs, type RawOutputs } from '../../examples/stack-outputs';
import { terraform } from '../../local/terraform';
import { credentialsStack, type StackState, withState } from '../support/stacks';
import { type BenchRow, type BenchSection, formatMs, median, ratioRow } from './report';
import { loadFromSource } from './source-modules';
import { addCredentials, addHandWritten, type StackVariant } from './stacks';

const SECTION = 'terraform';
const BASELINE = 'hand-written';
/** Bounds each terraform command; the whole module takes about 3.5 minutes at [10, 50] here. */
const COMMAND_TIMEOUT_MS = 240_000;
/** No-change plans per stack and count; the row shows their median. */
const PLAN_RUNS = 3;
const TOKENS = 200;
const TOKEN_WARMUP = 10;
const TOKEN_CONCURRENCY = 4;
const REQUEST_TIMEOUT_MS = 20_000;

export const DEFAULT_TERRAFORM_BENCH_COUNTS = [10, 50];

/**
 * Counts Lambda invocations from the runner's log lines (`lambda <function> <type> <ms> ms <outcome>`),
 * and keeps each one's duration (from its arrival at the runner to its answer).
 */
export class InvocationCounter {
  private readonly counts = new Map<string, number>();
  private readonly durations = new Map<string, number[]>();

  readonly log = (line: string): void => {
    const match = /^lambda (\S+) \S+ (\d+) ms /.exec(line);
    if (!match) return;
    this.counts.set(match[1], (this.counts.get(match[1]) ?? 0) + 1);
    this.durations.set(match[1], [...(this.durations.get(match[1]) ?? []), Number(match[2])]);
  };

  /** `run`'s result, and how many times `functionName` was invoked meanwhile, and for how long each. */
  async during<T>(functionName: string, run: () => Promise<T>): Promise<{ result: T; invocations: number; durationsMs: number[] }> {
    const before = this.counts.get(functionName) ?? 0;
    const result = await run();
    const invocations = (this.counts.get(functionName) ?? 0) - before;
    return { result, invocations, durationsMs: (this.durations.get(functionName) ?? []).slice(before) };
  }
}

export type Side = 'hand' | 'ours';
export type BuildStack = (app: App, id: string, state: StackState) => TerraformStack;

/**
 * Where a deployment keeps its state: a local state file (the default), or an S3 bucket on the
 * local AWS, as teams keep a large stack's state. Terraform's local backend writes and syncs the
 * whole state file after every resource it changes (its `statemgr.Filesystem.WriteState`), which at
 * a thousand credentials is most of an apply on either side; the S3 backend keeps the state in
 * memory and uploads a snapshot every 20 s and at the end.
 */
export type StateBackend = { readonly kind: 'file' } | { readonly kind: 's3'; readonly bucket: string };

/** Creates the local AWS's bucket for S3 state (moto needs no signature for a bucket of its own). */
export async function createStateBucket(env: LocalAwsEnv, bucket: string): Promise<StateBackend> {
  const response = await fetch(`${env.AWS_ENDPOINT_URL}/${bucket}`, { method: 'PUT', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`creating the state bucket ${bucket} on the local AWS answered ${response.status}`);
  return { kind: 's3', bucket };
}

/**
 * Our stack: a store and `count` credentials of both auth types, one or two scopes; the store's
 * drift check on unless `driftCheck` is false (the store's default is off).
 */
export function oursStack(count: number, variant: StackVariant = {}, { driftCheck = true }: { driftCheck?: boolean } = {}): BuildStack {
  return (app, id, state) =>
    credentialsStack(app, id, state, (stack, store) => addCredentials(loadFromSource, stack, store, count, variant), { driftCheck });
}

/**
 * The hand-written baseline (stacks.js, as the synth sections use it). The provider settings are
 * test/support/stacks.ts's and the table has the store table's settings, so what differs is the
 * store's function and its kin, and the resources per credential.
 */
export function baselineStack(count: number, variant: StackVariant = {}): BuildStack {
  return (app, id, state) => {
    const stack = new TerraformStack(app, id);
    new AwsProvider(stack, 'aws', { region: process.env.AWS_REGION ?? 'us-east-1' });
    stack.addOverride('terraform.required_providers.aws.version', '~> 5.0');
    withState(stack, state);
    addHandWritten(loadFromSource, stack, id, count, variant);
    return stack;
  };
}

const STACKS: Record<Side, (count: number) => BuildStack> = { hand: baselineStack, ours: oursStack };

/**
 * One stack in its own folder under the temporary directory, with its own state. It can be
 * synthesized again (another count, the same state), so an apply can add to what is deployed.
 */
export class Deployment {
  private applied = false;
  private cwd = '';

  private constructor(
    readonly id: string,
    private readonly work: string,
    private readonly env: LocalAwsEnv,
    private readonly timeoutMs: number,
    private readonly backend: StateBackend,
  ) {}

  /** Synthesizes and inits; neither is timed. */
  static async create(id: string, build: BuildStack, env: LocalAwsEnv, timeoutMs = COMMAND_TIMEOUT_MS, backend: StateBackend = { kind: 'file' }): Promise<Deployment> {
    const deployment = new Deployment(id, mkdtempSync(join(tmpdir(), 'dac-bench-tf-')), env, timeoutMs, backend);
    try {
      deployment.synth(build);
      await deployment.run(['init']);
    } catch (error) {
      await deployment.dispose();
      throw error;
    }
    return deployment;
  }

  /** Synthesizes into the same folder: `.terraform/` and the state stay. */
  synth(build: BuildStack): void {
    this.cwd = synthStack(join(this.work, 'cdktf.out'), (app) => build(app, this.id, this.state()));
  }

  private state(): StackState {
    const backend = this.backend;
    if (backend.kind === 'file') return join(this.work, 'terraform.tfstate');
    return (stack) =>
      new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${this.id}.tfstate`,
        region: this.env.AWS_REGION,
        endpoints: { s3: this.env.AWS_ENDPOINT_URL },
        usePathStyle: true,
        skipCredentialsValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
        skipRegionValidation: true,
        skipS3Checksum: true,
      });
  }

  /** The state as its backend stores it (the local file, or the object `terraform state pull` prints). */
  async stateText(): Promise<string> {
    if (this.backend.kind === 'file') return readFileSync(join(this.work, 'terraform.tfstate'), 'utf8');
    return (await this.run(['state', 'pull'])).stdout;
  }

  run(args: string[], okCodes?: number[]) {
    return terraform([...args, '-no-color'], { cwd: this.cwd, env: this.env, okCodes, timeoutMs: this.timeoutMs });
  }

  /** Runs a command; its wall time in ms and its exit code. */
  async timed(args: string[], okCodes?: number[]): Promise<{ ms: number; code: number }> {
    // Set before the apply, so that a failed, partial apply is destroyed too.
    if (args[0] === 'apply') this.applied = true;
    const started = performance.now();
    const { code } = await this.run(args, okCodes);
    if (args[0] === 'destroy') this.applied = false;
    return { ms: performance.now() - started, code };
  }

  /**
   * Destroys whatever is left and removes the folder. A failure here costs nothing: the local AWS
   * is thrown away at the end anyway.
   */
  async dispose(options: { destroy?: boolean } = {}): Promise<void> {
    if (this.applied && options.destroy !== false) await this.run(['destroy', '-auto-approve']).catch(() => undefined);
    rmSync(this.work, { recursive: true, force: true });
  }
}

/**
 * Creates one deployment per side, runs `use` on them, and always disposes of them: destroyed, or
 * with `destroy: false` left for the local AWS's stop to throw away.
 */
export async function withPair<T>(
  ids: Record<Side, string>,
  builds: Record<Side, BuildStack>,
  env: LocalAwsEnv,
  use: (pair: Record<Side, Deployment>) => Promise<T>,
  options: { timeoutMs?: number; backend?: StateBackend; destroy?: boolean } = {},
): Promise<T> {
  const made: Deployment[] = [];
  try {
    for (const side of ['hand', 'ours'] as const) made.push(await Deployment.create(ids[side], builds[side], env, options.timeoutMs, options.backend));
    return await use({ hand: made[0], ours: made[1] });
  } finally {
    for (const deployment of made) await deployment.dispose({ destroy: options.destroy });
  }
}

interface Measured {
  apply: Record<Side, number>;
  plan: Record<Side, number>;
  destroy: Record<Side, number>;
  /** `plan -detailed-exitcode` of each side: 0 no changes, 2 changes. */
  planExitCode: Record<Side, number>;
  /** The most provider invocations one of our no-change plans made. */
  planInvocations: number;
}

/** Apply from empty, `PLAN_RUNS` no-change plans of each side alternating, destroy. */
async function fromEmpty(count: number, env: LocalAwsEnv, counter: InvocationCounter): Promise<Measured> {
  const ids = { hand: `bench-hand-${count}`, ours: `bench-ours-${count}` };
  return withPair(ids, { hand: baselineStack(count), ours: oursStack(count) }, env, async (pair) => {
    const measured: Measured = {
      apply: { hand: 0, ours: 0 },
      plan: { hand: 0, ours: 0 },
      destroy: { hand: 0, ours: 0 },
      planExitCode: { hand: 0, ours: 0 },
      planInvocations: 0,
    };
    for (const side of ['hand', 'ours'] as const) measured.apply[side] = (await pair[side].timed(['apply', '-auto-approve'])).ms;
    const plans: Record<Side, number[]> = { hand: [], ours: [] };
    for (let run = 0; run < PLAN_RUNS; run++) {
      for (const side of ['hand', 'ours'] as const) {
        const { result: plan, invocations } = await counter.during(`${ids.ours}-Credentials-provider`, () =>
          pair[side].timed(['plan', '-detailed-exitcode'], [0, 2]),
        );
        plans[side].push(plan.ms);
        measured.planExitCode[side] = Math.max(measured.planExitCode[side], plan.code);
        if (side === 'ours') measured.planInvocations = Math.max(measured.planInvocations, invocations);
      }
    }
    for (const side of ['hand', 'ours'] as const) {
      measured.plan[side] = median(plans[side]);
      measured.destroy[side] = (await pair[side].timed(['destroy', '-auto-approve'])).ms;
    }
    return measured;
  });
}

/** The store alone and the table alone applied, then `count` credentials added to each. */
async function addedToExisting(count: number, env: LocalAwsEnv): Promise<{ alone: Record<Side, number>; added: Record<Side, number> }> {
  const ids = { hand: `bench-hand-added-${count}`, ours: `bench-ours-added-${count}` };
  return withPair(ids, { hand: baselineStack(0), ours: oursStack(0) }, env, async (pair) => {
    const alone = { hand: 0, ours: 0 };
    const added = { hand: 0, ours: 0 };
    for (const side of ['hand', 'ours'] as const) alone[side] = (await pair[side].timed(['apply', '-auto-approve'])).ms;
    for (const side of ['hand', 'ours'] as const) {
      pair[side].synth(STACKS[side](count));
      added[side] = (await pair[side].timed(['apply', '-auto-approve'])).ms;
    }
    return { alone, added }; // withPair destroys both
  });
}

/**
 * Runs a measurement again, once, if it fails, and says so in `notes`. moto now and then loses
 * the answer to a request it has processed; the provider's SDK sends it again, and where the
 * request is not idempotent (the baseline's `aws_dynamodb_table_item`, a conditional PutItem, or a
 * DeleteTable) the second answer fails the apply or destroy.
 */
export async function retriedOnce<T>(what: string, notes: string[], measure: () => Promise<T>): Promise<T> {
  try {
    return await measure();
  } catch (error) {
    const lines = (error as Error).message.split('\n');
    const cause = lines.find((line) => line.trim().startsWith('Error:'))?.trim().slice(0, 240);
    notes.push(`${what}: measured again after a failure: ${lines[0]}${cause ? ` ${cause}` : ''}`);
    return measure();
  }
}

const ms = (value: number) => ({ value, text: formatMs(value) });
const baseline = (value: number, what = BASELINE) => ({ value, text: `${formatMs(value)} (${what})` });
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Access tokens through the local gateway: a store, one OAuth client and a DataApiGateway. */
async function tokenRate(env: LocalAwsEnv): Promise<{ row: BenchRow; note: string }> {
  const deployment = await Deployment.create(
    'bench-tokens',
    (app, id, state) =>
      credentialsStack(app, id, state, (stack, store) => {
        new DataApiCredential(stack, 'Client', { store, name: 'Bench token client', scopes: [DataApiScope.CONVERSATIONS] });
        const backend = new SampleRecordsBackend(stack, 'SampleBackend', { functionName: `${id}-sample-records` });
        new DataApiGateway(stack, 'DataApi', { store, backend: { functionArn: backend.functionArn }, logRetentionDays: 1 });
      }),
    env,
  );
  try {
    await deployment.timed(['apply', '-auto-approve']);
    const outputs = flatOutputs(JSON.parse((await deployment.run(['output', '-json'])).stdout) as RawOutputs);
    // The SDK warns once per process about Node 20 (its end-of-support notice); the local AWS's own processes are quiet already.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const secrets = new SecretsManagerClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: outputs['Client.SecretArn'] }));
    secrets.destroy();
    const client = JSON.parse(SecretString!) as { clientId: string; clientSecret: string };
    const url = `${env.DATA_API_URL}/_api/${outputs['DataApi.ApiId']}/oauth/v1/token`;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }).toString();

    /** One token request and its latency. The token is read and dropped, never kept or printed. */
    const issue = async (): Promise<number> => {
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`the token endpoint answered ${response.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < TOKEN_WARMUP; i++) await issue();
    const latencies: number[] = [];
    let issued = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: TOKEN_CONCURRENCY }, async () => {
        while (issued < TOKENS) {
          issued++;
          latencies.push(await issue());
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const p95 = [...latencies].sort((a, b) => a - b)[Math.ceil(latencies.length * 0.95) - 1];
    return {
      row: {
        section: SECTION,
        what: `access tokens issued per second, local AWS (${TOKENS}, ${TOKEN_CONCURRENCY} at a time)`,
        ours: `${(TOKENS / seconds).toFixed(1)} tokens/s (median ${formatMs(median(latencies))}, p95 ${formatMs(p95)})`,
        baseline: '-',
      },
      note:
        `tokens: POST /oauth/v1/token through the local gateway, Lambda runner and moto, after ${TOKEN_WARMUP} warm-up ` +
        "requests; the local runner runs a few invocations of a function at once (DEFAULT_FUNCTION_CONCURRENCY): the local stack's rate, not AWS's",
    };
  } finally {
    await deployment.dispose();
  }
}

/**
 * Runs the terraform part of the bench on a local AWS of its own, which it stops again. `counts`
 * are the numbers of credentials; 50 takes about two minutes here.
 */
export async function runTerraformBench(options: { counts: number[] } = { counts: DEFAULT_TERRAFORM_BENCH_COUNTS }): Promise<BenchSection> {
  const counter = new InvocationCounter();
  const local = await startLocalAws({ log: counter.log });
  const rows: BenchRow[] = [];
  const load = () => loadavg()[0].toFixed(1);
  const notes: string[] = [];
  const started = Date.now();
  try {
    const env = local.env;
    // The first terraform run of a process reads the 700 MB provider binary from disk: not timed.
    await withPair({ hand: 'bench-warm-up', ours: 'bench-warm-up-ours' }, { hand: baselineStack(0), ours: oursStack(0) }, env, (pair) =>
      Promise.all([pair.hand.run(['validate']), pair.ours.run(['validate'])]),
    );
    notes.push(`terraform: load average ${load()} at the start`);

    for (const [index, count] of options.counts.entries()) {
      const what = plural(count, 'credential');
      const empty = await retriedOnce(`${what}, from empty`, notes, () => fromEmpty(count, env, counter));
      const existing = await retriedOnce(`${what}, added to existing`, notes, () => addedToExisting(count, env));
      if (index === 0) {
        rows.push(ratioRow(SECTION, 'apply, store alone (no credential)', ms(existing.alone.ours), baseline(existing.alone.hand, 'table alone')));
      }
      rows.push(
        ratioRow(SECTION, `apply, ${what}`, ms(empty.apply.ours), baseline(empty.apply.hand), 1.5),
        ratioRow(SECTION, `apply, ${what} added to an existing store`, ms(existing.added.ours), baseline(existing.added.hand, `${BASELINE}, existing table`)),
        ratioRow(SECTION, `no-change plan, ${what} (median of ${PLAN_RUNS})`, ms(empty.plan.ours), baseline(empty.plan.hand), 1.2),
        ratioRow(SECTION, `destroy, ${what}`, ms(empty.destroy.ours), baseline(empty.destroy.hand)),
        {
          section: SECTION,
          what: `Lambda invocations of a no-change plan, ${what}`,
          ours: `${empty.planInvocations} (1 store)`,
          baseline: `0 (${BASELINE}: no Lambda)`,
          target: '<= 1 per store',
          met: empty.planInvocations <= 1,
        },
      );
      if (empty.planExitCode.ours !== empty.planExitCode.hand) {
        notes.push(
          `${what}: our no-change plan -detailed-exitcode exits ${empty.planExitCode.ours}, the ${BASELINE} one ` +
            `${empty.planExitCode.hand}` +
            (empty.planExitCode.ours === 2 ? ": Terraform always re-reads a check block's data source at apply" : ''),
        );
      }
    }

    const tokens = await retriedOnce('tokens', notes, () => tokenRate(env));
    rows.push(tokens.row);
    notes.push(
      `terraform: default parallelism (10) on both sides; ${BASELINE}: per credential a secret, a secret version with a ` +
        "literal value and a DynamoDB item, and one table with the store table's settings",
      tokens.note,
      `terraform: load average ${load()} at the end, ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
    );
  } finally {
    await local.stop();
  }
  return { rows, notes };
}
