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
