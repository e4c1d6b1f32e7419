import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The Lambda handlers the constructs deploy, by asset name, with their source entry points
 * (relative to the package root). `npm run build` bundles each into `dist/assets/<name>.zip`
 * with deterministic bytes; the package ships those zips, so a consumer's synth only copies one
 * into its own output folder: no bundler, no TypeScript sources, nothing written elsewhere, and
 * the same `source_code_hash` on every machine.
 */
export const HANDLER_SOURCES = {
  'credential-provider': 'handlers/credential-provider/index.ts',
  'gateway-token': 'handlers/verifier/token-handler.ts',
  'gateway-records': 'handlers/verifier/records-handler.ts',
} as const;

export type HandlerName = keyof typeof HANDLER_SOURCES;

/** Where the built zips are, relative to the package root. */
export const HANDLER_ASSET_DIR = join('dist', 'assets');

const PACKAGE_NAME = 'data-api-credentials';

let root: string | undefined;

/**
 * The package's root folder: the nearest `package.json` of this package above this file. The
 * compiled code sits one or two levels deeper than the sources (`dist/providers`,
 * `dist/cdktn/providers`), so the path is found rather than written.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = __dirname;
  for (let level = 0; level < 5; level++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
      root = dir;
      return dir;
    }
    dir = dirname(dir);
  }
  throw new Error(`${PACKAGE_NAME}: no package.json of this package above ${__dirname}; the installation is incomplete`);
}

/** The deployment zip of one handler; an error saying how to build it when it is missing. */
export function handlerAssetPath(name: HandlerName): string {
  const path = join(packageRoot(), HANDLER_ASSET_DIR, `${name}.zip`);
  if (!existsSync(path)) {
    throw new Error(
      `${PACKAGE_NAME}: the Lambda bundle ${path} is missing. In a clone of the repository, run ` +
        '`npm run build` (it bundles the handlers); in an installed package, reinstall it.',
    );
  }
  return path;
}
