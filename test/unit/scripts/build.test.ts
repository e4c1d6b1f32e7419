/**
 * The package build's two variants of the constructs (scripts/build.ts): `dist/{lib,providers}` for
 * CDK for Terraform and `dist/cdktn/` for CDK Terrain differ only in the framework module, and each
 * loads only its own framework. It reads what `npm run build` wrote, the bytes that ship.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../../../scripts/bundle';

const DIST = join(REPO_ROOT, 'dist');
const FRAMEWORK_PACKAGE = /^(cdktf|cdktn|@cdktf\/|@cdktn\/)/;

/** Every compiled module (`.js` and `.d.ts`) under `folder`, relative to dist/. */
function compiled(folder: string): string[] {
  const root = join(DIST, folder);
  if (!existsSync(root)) throw new Error(`${root} is missing: run \`npm run build\` first`);
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(js|d\.ts)$/.test(file))
    .map((file) => join(folder, file));
}

/** The module specifiers a compiled file loads: `require(...)`, `import(...)`, `from '...'`. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(DIST, file), 'utf8');
  return [...text.matchAll(/(?:require\(|import\(|from )["']([^"']+)["']/g)].map((m) => m[1]);
}

/** The names a compiled framework module declares it exports (`export { A, B } from '...'`). */
function exportedNames(file: string): string[] {
  const text = readFileSync(join(DIST, file), 'utf8');
  return [...text.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((n) => n.trim()).filter(Boolean)).sort();
}

const CDKTF_BUILD = [...compiled('lib'), ...compiled('providers')];
const CDKTN_BUILD = compiled(join('cdktn', 'lib')).concat(compiled(join('cdktn', 'providers')));

describe('the CDK for Terraform and CDK Terrain builds of the constructs', () => {
  test.each([
    ['dist/lib and dist/providers', CDKTF_BUILD, /^(cdktf|@cdktf\/provider-aws\/lib\/[a-z0-9-]+)$/],
    ['dist/cdktn', CDKTN_BUILD, /^(cdktn|@cdktn\/provider-aws\/lib\/[a-z0-9-]+)$/],
  ])('%s load only their own framework, and only from lib/framework', (_, files, own) => {
    const loads = files.flatMap((file) => specifiers(file).filter((s) => FRAMEWORK_PACKAGE.test(s)).map((s) => `${file} -> ${s}`));
    expect(loads.filter((line) => !own.test(line.split(' -> ')[1]))).toEqual([]);
    const importers = new Set(loads.map((line) => relative('cdktn', line.split(' -> ')[0]).replace(/^(\.\.\/)+/, '')));
    expect([...importers].sort()).toEqual(['lib/framework.d.ts', 'lib/framework.js']);
  });

  test('the CDK Terrain build is the CDK for Terraform one with the framework module swapped', () => {
    const twin = CDKTN_BUILD.map((file) => relative('cdktn', file)).sort();
    expect(twin).toEqual([...CDKTF_BUILD].sort());
    expect(twin.filter((file) => file.includes('framework.cdktn'))).toEqual([]);
    for (const file of twin.filter((f) => !f.startsWith('lib/framework.'))) {
      expect([file, readFileSync(join(DIST, 'cdktn', file), 'utf8')]).toEqual([file, readFileSync(join(DIST, file), 'utf8')]);
    }
    expect(exportedNames(join('cdktn', 'lib', 'framework.d.ts'))).toEqual(exportedNames(join('lib', 'framework.d.ts')));
  });

  test('every relative import of the CDK Terrain build stays inside dist/cdktn', () => {
    const escaping = CDKTN_BUILD.flatMap((file) =>
      specifiers(file)
        .filter((s) => s.startsWith('.'))
        .filter((s) => {
          const target = resolve(DIST, dirname(file), s);
          const inside = !relative(join(DIST, 'cdktn'), target).startsWith('..');
          return !inside || !['.js', '.d.ts', '/index.js'].some((ext) => existsSync(target + ext));
        })
        .map((s) => `${file} -> ${s}`),
    );
    expect(escaping).toEqual([]);
  });
});
