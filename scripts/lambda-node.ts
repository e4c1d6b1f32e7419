/**
 * For this repository's tests and demo: a Node.js 22 for the local Lambda runner when the machine's
 * `node` is another version. It is installed (by local/lambda-node.ts, as the `local` command
 * installs it into the per-user cache) from the npm registry into `.build/lambda-node`, not into
 * the project's node_modules, whose `.bin/node` would then take over every npm script.
 */
import { join } from 'node:path';
import { LAMBDA_NODE_VARIABLE, resolveLambdaNode } from '../local/lambda-node';
import { REPO_ROOT } from './bundle';

const PREFIX = join(REPO_ROOT, '.build', 'lambda-node');

/** Sets `DATA_API_CREDENTIALS_LAMBDA_NODE` for this process and its children, installing Node.js 22 once if needed. */
export function ensureLambdaNode(log: (line: string) => void = console.log): string {
  // The tests and the demo always may install: into the repository, never into the user's cache.
  const found = resolveLambdaNode({ install: true, installPrefix: PREFIX, prefixes: [PREFIX], log });
  if ('problem' in found) throw new Error(found.problem);
  process.env[LAMBDA_NODE_VARIABLE] = found.path;
  return found.path;
}
