/**
 * Bundling of Lambda handlers, for the package build and for development only: the published
 * package ships the zips this writes (`dist/assets/`), so a consumer's synth never bundles.
 */
import AdmZip from 'adm-zip';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..');

/** Development bundles, keyed by content; inside the repository (gitignored), never in a shared temp folder. */
const CACHE_ROOT = join(REPO_ROOT, '.build', 'bundles');

/** Credentials from the environment only, in place of the SDK's default chain (see the module). */
const LAMBDA_CREDENTIALS = join(REPO_ROOT, 'handlers', 'lambda-credentials.ts');

const bundled = new Map<string, string>();

/**
 * Bundles a handler entry point (TypeScript, with the AWS SDK v3 inside) into a folder holding a
 * single `index.js`, and returns that folder. Lambda's own SDK copy is not relied on, so the
 * bundle runs the same on `nodejs22.x` and on the local Lambda runner.
 *
 * esbuild runs in a child process: its JS API refuses to run inside jest's sandboxed realms. The
 * folder is named by the content hash, so repeated builds reuse it.
 *
 * `--main-fields=module,main` makes esbuild take the ES module build of packages that have one
 * (the AWS SDK v3 and Smithy packages do): their `dist-cjs` builds are one file per package that
 * cannot be tree-shaken, so each client would bring every command's schemas along. The SDK's
 * default credential chain is replaced by `handlers/lambda-credentials.ts` (environment only,
 * which is where Lambda puts a function's credentials).
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
        '--main-fields=module,main',
        `--alias:@aws-sdk/credential-provider-node=${LAMBDA_CREDENTIALS}`,
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

/** Entry time of the files in a bundle's zip: fixed, so the same code gives the same bytes. */
const ZIP_ENTRY_TIME = new Date('2000-01-01T00:00:00Z');

/** `index.js` as a deployment package whose bytes depend on the code alone (fixed entry time). */
export function deploymentZip(code: Buffer): Buffer {
  const zip = new AdmZip();
  zip.addFile('index.js', code);
  zip.getEntry('index.js')!.header.time = ZIP_ENTRY_TIME;
  return zip.toBuffer();
}

/** The bundle of `entry` as a deployment package `<bundle folder>/lambda.zip`, built once per content. */
export function bundleHandlerZip(entry: string): string {
  const folder = bundleHandler(entry);
  const zipPath = join(folder, 'lambda.zip');
  if (existsSync(zipPath)) return zipPath;
  const staged = `${zipPath}.${process.pid}`;
  mkdirSync(dirname(zipPath), { recursive: true });
  writeFileSync(staged, deploymentZip(readFileSync(join(folder, 'index.js'))));
  renameSync(staged, zipPath); // atomic: a concurrent build wrote the same bytes
  return zipPath;
}
