/**
 * `installed-synth`: synth and module load from the package as a user gets it. The repository is
 * built if `dist/` is missing or older than its sources, packed as `npm pack` packs it, and the
 * tarball installed with npm into a temporary project beside cdktf, its AWS bindings and
 * constructs (the versions this repository develops against; constructs by the peer range, as
 * npm resolves it for a user). There, plain `node` runs JavaScript, no tsx:
 *
 * - synth: stacks.js, copied into the project, builds and synthesizes a store with 1, 100 and
 *   1,000 credentials and the hand-written equivalent (one table, per credential a secret, a
 *   secret version and a table item) with `app.synth()`, in one process: warm-up first, runs
 *   interleaved, medians. Target: ours at most 1.5x the hand-written stack.
 * - module load: `require('data-api-credentials')` against what a hand-written stack requires
 *   (`cdktf` and the provider bindings it uses, by their deep paths), each in fresh `node`
 *   processes, interleaved, medians.
 *
 * The temporary project is removed at the end, whatever happens.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/bundle';
import { freshNode } from './fresh-node';
import { BenchRow, BenchSection, formatBytes, formatMs, median, ratioRow } from './report';
import { HAND_WRITTEN_MODULES, LIBRARY, type SynthResult } from './stacks';
import { SYNTH_PLAN, synthNotes, synthRows } from './synth';

const SYNTH_SECTION = 'installed synth';
const LOAD_SECTION = 'installed load';
/** Fresh processes per side for the module load. */
const LOAD_RUNS = 21;
const TIMEOUT_MS = { build: 600_000, pack: 120_000, install: 300_000, synth: 300_000, load: 30_000 };

/** What `npm run build` compiles or bundles into `dist/`, and what decides how. */
const BUILD_INPUTS = ['lib', 'providers', 'handlers', 'cli', 'local', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.cdktn.json'];
const BUILD_OUTPUTS = ['dist/lib/index.js', 'dist/cdktn/lib/index.js', 'dist/cli/index.js', 'dist/assets/credential-provider.zip'];

function mtimes(path: string): number[] {
  const stat = statSync(path);
  if (!stat.isDirectory()) return [stat.mtimeMs];
  return readdirSync(path).flatMap((name) => mtimes(join(path, name)));
}

/** Why `dist/` must be built again, or undefined when it is newer than everything it is built from. */
function staleDist(): string | undefined {
  const missing = BUILD_OUTPUTS.find((file) => !existsSync(join(REPO_ROOT, file)));
  if (missing !== undefined) return `${missing} is missing`;
  // The build empties dist/ first, so its oldest file is about when the build started.
  const built = Math.min(...mtimes(join(REPO_ROOT, 'dist')));
  const newer = BUILD_INPUTS.find((input) => existsSync(join(REPO_ROOT, input)) && Math.max(...mtimes(join(REPO_ROOT, input))) > built);
  return newer === undefined ? undefined : `${newer} changed since the last build`;
}

/** Runs a command to its end within `timeoutMs`; its stdout, or an error with its output. */
function run(command: string, args: string[], options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): string {
  try {
    return execFileSync(command, args, { ...options, timeout: options.timeoutMs, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr, stdout, signal } = error as { stderr?: string; stdout?: string; signal?: string };
    throw new Error(`${command} ${args.slice(0, 3).join(' ')} failed${signal ? ` (${signal})` : ''}: ${(stderr || stdout || String(error)).slice(-2000)}`);
  }
}

interface Installed {
  readonly project: string;
  readonly tarballBytes: number;
  /** Installed versions of the package and of what it was installed beside. */
  readonly versions: Record<string, string>;
}

/** Packs the repository and installs the tarball into a fresh project under `work`, as a user would. */
function install(work: string): Installed {
  const reason = staleDist();
  if (reason !== undefined) {
    console.error(`bench: ${reason}: npm run build...`);
    run('npm', ['run', 'build'], { cwd: REPO_ROOT, timeoutMs: TIMEOUT_MS.build });
  }
  // As `npm pack` packs for a publish, except the build (its prepack), which is current now.
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO_ROOT, timeoutMs: TIMEOUT_MS.pack });
  const tarball = join(work, (JSON.parse(packed) as [{ filename: string }])[0].filename);

  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bench-consumer', version: '1.0.0', private: true, license: 'UNLICENSED' }, null, 2));
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
  };
  const beside = {
    cdktf: manifest.devDependencies.cdktf,
    '@cdktf/provider-aws': manifest.devDependencies['@cdktf/provider-aws'],
    constructs: manifest.peerDependencies.constructs,
  };
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...Object.entries(beside).map(([name, range]) => `${name}@${range}`)], {
    cwd: project,
    timeoutMs: TIMEOUT_MS.install,
  });
  const version = (name: string) => (JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    project,
    tarballBytes: statSync(tarball).size,
    versions: Object.fromEntries([LIBRARY, ...Object.keys(beside)].map((name) => [name, version(name)])),
  };
}

/**
 * What each fresh process runs: require the modules named in its arguments, and say how long that
 * took and how many module files it loaded.
 */
const LOADER = `
const started = process.hrtime.bigint();
for (const name of process.argv.slice(1)) require(name);
const requireMs = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(JSON.stringify({ requireMs, modules: Object.keys(require.cache).length }) + '\\n');
`;

interface LoadTimings {
  /** The require() of the modules, timed in the process. */
  readonly requireMs: number[];
  /** From spawning node until the modules are loaded. */
  readonly readyMs: number[];
  /** Module files loaded (the same in every run). */
  modules: number;
}

async function measureLoad(project: string, env: NodeJS.ProcessEnv): Promise<Record<'ours' | 'handWritten', LoadTimings>> {
  const sides = { ours: [LIBRARY], handWritten: [...HAND_WRITTEN_MODULES] };
  const timings = {
    ours: { requireMs: [] as number[], readyMs: [] as number[], modules: 0 },
    handWritten: { requireMs: [] as number[], readyMs: [] as number[], modules: 0 },
  };
  const once = (modules: string[]) => freshNode<{ requireMs: number; modules: number }>(LOADER, modules, { env, cwd: project, timeoutMs: TIMEOUT_MS.load });
  // One unrecorded load each first: the modules' files into the page cache.
  for (const modules of Object.values(sides)) await once(modules);
  for (let i = 0; i < LOAD_RUNS; i++) {
    const order = i % 2 ? (['handWritten', 'ours'] as const) : (['ours', 'handWritten'] as const);
    for (const side of order) {
      const { readyMs, output } = await once(sides[side]);
      timings[side].requireMs.push(output.requireMs);
      timings[side].readyMs.push(readyMs);
      timings[side].modules = output.modules;
    }
  }
  return timings;
}

function loadRows(timings: Record<'ours' | 'handWritten', LoadTimings>): BenchRow[] {
  const ms = (values: number[], what = '') => {
    const value = median(values);
    return { value, text: `${formatMs(value)}${what}` };
  };
  return [
    ratioRow(
      LOAD_SECTION,
      `require('${LIBRARY}') (in the process)`,
      ms(timings.ours.requireMs, `, ${timings.ours.modules} module files`),
      ms(timings.handWritten.requireMs, `, ${timings.handWritten.modules} files: cdktf + ${HAND_WRITTEN_MODULES.length - 1} provider-aws modules`),
    ),
    ratioRow(LOAD_SECTION, 'node start to modules loaded', ms(timings.ours.readyMs), ms(timings.handWritten.readyMs)),
  ];
}

export async function runInstalledSynthBench(): Promise<BenchSection> {
  const work = mkdtempSync(join(tmpdir(), 'dac-bench-installed-'));
  try {
    const started = performance.now();
    const { project, tarballBytes, versions } = install(work);
    const installMs = performance.now() - started;
    // Only PATH: no tsx hooks, NODE_OPTIONS or cdktf settings from the environment the bench runs in.
    const env = { PATH: process.env.PATH ?? '' };

    copyFileSync(join(__dirname, 'stacks.js'), join(project, 'stacks.js'));
    const synthOutput = run(process.execPath, ['--expose-gc', 'stacks.js', JSON.stringify({ plan: SYNTH_PLAN })], {
      cwd: project,
      env,
      timeoutMs: TIMEOUT_MS.synth,
    });
    const synth = JSON.parse(synthOutput.trim().split('\n').pop()!) as SynthResult;
    const load = await measureLoad(project, env);

    const installed = Object.entries(versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ');
    return {
      rows: [...synthRows(SYNTH_SECTION, synth), ...loadRows(load)],
      notes: [
        `${SYNTH_SECTION}: plain node on JavaScript in a temporary project with ${installed} installed by npm ` +
          `(tarball ${formatBytes(tarballBytes)}; build check, pack and install ${formatMs(installMs)}).`,
        ...synthNotes(SYNTH_SECTION, synth),
        `${LOAD_SECTION}: medians of ${LOAD_RUNS} fresh node processes per side, interleaved, in the same project; the hand-written side ` +
          `requires ${HAND_WRITTEN_MODULES.join(', ')}. Ours requires cdktf and the provider-aws modules of all its constructs ` +
          '(the gateway\'s too, used or not).',
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
