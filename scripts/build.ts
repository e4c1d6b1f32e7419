/**
 * `npm run build` (also run by `prepack`): what the published package holds, in `dist/`.
 *
 * 1. The TypeScript of lib, providers, handlers, cli and local compiled to JavaScript with `.d.ts`.
 * 2. The Lambda handlers bundled into deterministic deployment zips in `dist/assets/`.
 * 3. The CDK Terrain variant, `dist/cdktn/`: the constructs compiled a second time by `tsc` with
 *    `tsconfig.cdktn.json`, where `moduleSuffixes` resolves `./framework` to `lib/framework.cdktn.ts`
 *    (the one module that imports the framework: `cdktn` and `@cdktn/provider-aws` instead of
 *    cdktf's). So what ships is what tsc type-checked against cdktn's own declarations; the build
 *    then only renames the emitted twin to `framework.js`/`.d.ts`, the name its importers require.
 *    The framework-free code the constructs import (the contract, the errors, the secret formats)
 *    is compiled into `dist/cdktn/handlers/` with them: the twin is one folder deeper, so
 *    `../handlers` must be there (test/unit/scripts/build.test.ts checks the result).
 *
 * `npm run build -- --handlers` does step 2 alone (what the demo needs).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HANDLER_ASSET_DIR, HANDLER_SOURCES } from '../providers/handler-assets';
import { bundleHandler, deploymentZip, REPO_ROOT } from './bundle';

const DIST = join(REPO_ROOT, 'dist');
const CDKTN_DIR = join(DIST, 'cdktn');
/** The framework module and its CDK Terrain twin, as compiled (without the extension). */
const FRAMEWORK_MODULE = join('lib', 'framework');
const FRAMEWORK_TWIN = join('lib', 'framework.cdktn');

function step(text: string, run: () => void): void {
  const started = Date.now();
  run();
  console.log(`build: ${text} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function tsc(project: string): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(REPO_ROOT, project)], {
    stdio: 'inherit',
    timeout: 300_000,
  });
}

export function buildHandlerAssets(): void {
  const out = join(REPO_ROOT, HANDLER_ASSET_DIR);
  mkdirSync(out, { recursive: true });
  for (const [name, source] of Object.entries(HANDLER_SOURCES)) {
    const code = readFileSync(join(bundleHandler(join(REPO_ROOT, source)), 'index.js'));
    writeFileSync(join(out, `${name}.zip`), deploymentZip(code));
  }
}

/**
 * The CDK Terrain variant: tsc emits the twin under its own name (`framework.cdktn.js`) while its
 * importers require `./framework`, so it takes that name; `framework.ts` itself is not compiled here.
 */
function buildCdktnVariant(): void {
  tsc('tsconfig.cdktn.json');
  for (const extension of ['.js', '.d.ts']) {
    renameSync(join(CDKTN_DIR, FRAMEWORK_TWIN + extension), join(CDKTN_DIR, FRAMEWORK_MODULE + extension));
  }
}

function main(argv: readonly string[]): void {
  if (argv.includes('--handlers')) {
    step(`handler bundles in ${HANDLER_ASSET_DIR}`, buildHandlerAssets);
    return;
  }
  rmSync(DIST, { recursive: true, force: true });
  step('compiled lib, providers, handlers, cli, local', () => tsc('tsconfig.build.json'));
  copyFileSync(join(REPO_ROOT, 'local', 'lambda-worker.js'), join(DIST, 'local', 'lambda-worker.js'));
  step(`handler bundles in ${HANDLER_ASSET_DIR}`, buildHandlerAssets);
  step(`CDK Terrain variant, compiled against cdktn, in ${relative(REPO_ROOT, CDKTN_DIR)}`, buildCdktnVariant);
}

if (require.main === module) main(process.argv.slice(2));
