/**
 * Synth helpers for construct tests: cdktf's Testing with its jest matchers, plus clean-up of the
 * `/tmp/cdktf.outdir.*` folders every `Testing.*` call leaves behind.
 */
import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { Construct } from 'constructs';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

Testing.setupJest();

const OUTDIR_PREFIX = 'cdktf.outdir.';
const before = new Set(outdirs());

function outdirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(OUTDIR_PREFIX));
}

afterAll(() => {
  for (const name of outdirs()) {
    if (!before.has(name)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
});

export interface Synthesized {
  /** The synthesized stack as cdktf's Testing returns it (a JSON string), for the matchers. */
  readonly json: string;
  /** The same, parsed. */
  readonly config: {
    resource: Record<string, Record<string, Record<string, any>>>;
    data?: Record<string, Record<string, Record<string, any>>>;
    output?: Record<string, { value: string }>;
  };
}

export function synth(build: (scope: Construct) => void): Synthesized {
  const json = Testing.synthScope(build);
  return { json, config: JSON.parse(json) };
}

/** The resources of one type, by logical id. */
export function resources(s: Synthesized, type: string): Record<string, Record<string, any>> {
  return s.config.resource[type] ?? {};
}

/** The single resource of a type whose logical id starts with `prefix`. */
export function resource(s: Synthesized, type: string, prefix: string): Record<string, any> {
  const matches = Object.entries(resources(s, type)).filter(([id]) => id.startsWith(prefix));
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} starting with ${prefix}, found ${matches.map(([id]) => id).join(', ') || 'none'}`);
  }
  return matches[0][1];
}

/**
 * Every resource address `address` waits for in Terraform's graph: the ones it references in an
 * expression or names in `depends_on`, and theirs, transitively (data sources included).
 */
export function dependenciesOf(s: Synthesized, address: string): Set<string> {
  const blockOf = (a: string): unknown => {
    const [kind, type, name] = a.startsWith('data.') ? a.split('.') : ['resource', ...a.split('.')];
    return kind === 'data' ? s.config.data?.[type]?.[name] : s.config.resource[type]?.[name];
  };
  const found = new Set<string>();
  const pending = [address];
  while (pending.length > 0) {
    const text = JSON.stringify(blockOf(pending.pop()!) ?? {});
    for (const [ref] of text.matchAll(/\b(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*(?=[.}"\]])/g)) {
      if (!found.has(ref) && ref !== address && blockOf(ref) !== undefined) {
        found.add(ref);
        pending.push(ref);
      }
    }
  }
  return found;
}

/** The entries of the store's `DeclaredCredentials` output (one per credential, by construct path below the stack). */
export function credentialOutputs(s: Synthesized, store = 'Credentials'): Record<string, Record<string, any>> {
  const [, output] = Object.entries(s.config.output ?? {}).find(([id]) => id.startsWith(`${store}_DeclaredCredentials_`)) ?? [];
  if (output === undefined) throw new Error(`no ${store}_DeclaredCredentials output`);
  const value = output.value as unknown as { kind: string; credentials: Record<string, Record<string, any>> };
  expect(value.kind).toBe('data-api-credential-declarations');
  return value.credentials;
}
