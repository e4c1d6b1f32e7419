/**
 * `npm run build` (also run by `prepack`): what the published package holds, in `dist/`.
 *
 * 1. The TypeScript of lib, providers, handlers, cli and local compiled to JavaScript with `.d.ts`.
 * 2. The Lambda handlers bundled into deterministic deployment zips in `dist/assets/`.
 * 3. The CDK Terrain variant, `dist/cdktn/{lib,providers}`: the same compiled constructs with
 *    `cdktf` and `@cdktf/provider-aws` imports pointed at `cdktn` and `@cdktn/provider-aws`
 *    (the fork keeps cdktf's API), type-checked against cdktn's own declarations first.
 *
 * `npm run build -- --handlers` does step 2 alone (what the demo needs).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HANDLER_ASSET_DIR, HANDLER_SOURCES } from '../providers/handler-assets';
import { bundleHandler, deploymentZip, REPO_ROOT } from './bundle';

const DIST = join(REPO_ROOT, 'dist');
/** The folders whose compiled code imports the framework: each gets a CDK Terrain twin. */
const FRAMEWORK_FOLDERS = ['lib', 'providers'];
const CDKTN_DIR = join(DIST, 'cdktn');

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

/** Module specifiers of cdktf and its AWS bindings, as they appear in compiled `.js` and `.d.ts`. */
const CDKTN_REWRITES: readonly [RegExp, string][] = [
  [/(require\(|from |import\()(["'])cdktf(["'/])/g, '$1$2cdktn$3'],
  [/(require\(|from |import\()(["'])@cdktf\/provider-aws\//g, '$1$2@cdktn/provider-aws/'],
  // The twin sits one level deeper; the framework-free code it imports stays where it is.
  [/(require\(|from |import\()(["'])\.\.\/(?!lib\/|lib["']|providers\/|providers["'])/g, '$1$2../../'],
];

export function cdktnVariant(code: string): string {
  return CDKTN_REWRITES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), code);
}

function writeCdktnVariant(): void {
  for (const folder of FRAMEWORK_FOLDERS) {
    const from = join(DIST, folder);
    for (const file of readdirSync(from, { recursive: true, encoding: 'utf8' })) {
      const source = join(from, file);
      if (statSync(source).isDirectory() || !/\.(js|d\.ts)$/.test(file)) continue;
      const target = join(CDKTN_DIR, folder, file);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, cdktnVariant(readFileSync(source, 'utf8')));
    }
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
  step('type-checked the constructs against cdktn', () => tsc('tsconfig.cdktn.json'));
  step(`CDK Terrain variant in ${relative(REPO_ROOT, CDKTN_DIR)}`, writeCdktnVariant);
}

if (require.main === module) main(process.argv.slice(2));
