import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where bundles are cached: keyed by content, so one folder per distinct build. */
const CACHE_ROOT = join(tmpdir(), 'data-api-credentials', 'bundles');

const bundled = new Map<string, string>();

/**
 * Bundles a handler entry point (TypeScript, with the AWS SDK v3 inside) into a folder holding a
 * single `index.js`, and returns that folder. Lambda's own SDK copy is not relied on, so the
 * bundle runs the same on `nodejs22.x` and on the local Lambda runner's Node 20.
 *
 * esbuild runs in a child process: its JS API refuses to run inside jest's sandboxed realms, and a
 * child keeps synth free of esbuild's service process. The result is cached per process and the
 * folder is named by the content hash, so repeated synths reuse it and the asset hash is stable.
 */
export function bundleHandler(entry: string): string {
  const cached = bundled.get(entry);
  if (cached) return cached;

  const scratch = join(CACHE_ROOT, `build-${process.pid}-${Date.now()}`);
  const outfile = join(scratch, 'index.js');
  mkdirSync(scratch, { recursive: true });
  try {
    execFileSync(
      require.resolve('esbuild/bin/esbuild'),
      [
        entry,
        '--bundle',
        '--platform=node',
        '--target=node20',
        '--format=cjs',
        '--minify',
        '--legal-comments=none',
        '--log-level=error',
        `--outfile=${outfile}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 },
    );
    const code = readFileSync(outfile);
    const folder = join(CACHE_ROOT, createHash('sha256').update(code).digest('hex').slice(0, 16));
    if (!existsSync(join(folder, 'index.js'))) {
      mkdirSync(dirname(folder), { recursive: true });
      const staged = `${folder}.${process.pid}`;
      mkdirSync(staged, { recursive: true });
      writeFileSync(join(staged, 'index.js'), code);
      try {
        renameSync(staged, folder);
      } catch {
        // Another process published the same content first: identical bytes, keep theirs.
        rmSync(staged, { recursive: true, force: true });
      }
    }
    bundled.set(entry, folder);
    return folder;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`Could not bundle the Lambda handler ${entry}${stderr ? `: ${stderr}` : ''}`, { cause: error });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
