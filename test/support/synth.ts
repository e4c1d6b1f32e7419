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
import { withOptionsExpanded } from '../../handlers/contract/declaration';

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
 * expression or names in `depends_on`, and theirs, transitively (data sources included, and the
 * locals in between: `local.<name>` is listed too).
 */
export function dependenciesOf(s: Synthesized, address: string): Set<string> {
  const blockOf = (a: string): unknown => {
    const [kind, type, name] = a.startsWith('data.') ? a.split('.') : ['resource', ...a.split('.')];
    if (kind === 'resource' && type === 'local') return (s.config as { locals?: Record<string, unknown> }).locals?.[name];
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

/**
 * The entries of the store's `DeclaredCredentials` output (one per credential, by construct path below
 * the stack), their `options` expanded as the review reads them; with `raw`, as written.
 */
export function credentialOutputs(s: Synthesized, store = 'Credentials', raw = false): Record<string, Record<string, any>> {
  const [, output] = Object.entries(s.config.output ?? {}).find(([id]) => id.startsWith(`${store}_DeclaredCredentials_`)) ?? [];
  if (output === undefined) throw new Error(`no ${store}_DeclaredCredentials output`);
  const value = output.value as unknown as { kind: string; credentials: string };
  expect(value.kind).toBe('data-api-credential-declarations');
  const match = /^\$\{tomap\(([\s\S]*)\)\}$/.exec(value.credentials);
  if (match === null) throw new Error(`DeclaredCredentials: credentials is not a tomap(...) expression: ${value.credentials.slice(0, 80)}`);
  const entries = parseHcl(match[1]) as Record<string, Record<string, any>>;
  return raw ? entries : Object.fromEntries(Object.entries(entries).map(([key, entry]) => [key, withOptionsExpanded(entry)]));
}

/**
 * The value of the HCL expression cdktf writes for an object inside a function call: objects,
 * quoted strings, numbers, null, `tomap({...})` as an object, `tolist([...])` as an array; any other expression (a reference, a
 * function call, a string with an interpolation) as its text in `${...}`, as cdktf writes it elsewhere.
 */
export function parseHcl(text: string): unknown {
  let at = 0;
  const space = () => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const expect_ = (token: string) => {
    space();
    if (!text.startsWith(token, at)) throw new Error(`HCL: expected ${token} at ${at}: ${text.slice(at, at + 40)}`);
    at += token.length;
  };
  const unquote = (literal: string) =>
    literal.slice(1, -1).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  let interpolated = false;
  /** Past the string that starts at `at`, its interpolations included; notes whether it has any. */
  const skipString = () => {
    at++;
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\\') at += 2;
      else if (text.startsWith('$${', at) || text.startsWith('%%{', at)) at += 3;
      else if (text.startsWith('${', at)) {
        interpolated = true;
        at += 2;
        skipExpression('}');
        at++;
      } else at++;
    }
    at++;
  };
  /** Up to a closing bracket (or, with `','`, a comma too) outside brackets and strings. */
  const skipExpression = (stops: string) => {
    let depth = 0;
    while (at < text.length) {
      const c = text[at];
      if (c === '"') {
        skipString();
        continue;
      }
      if (depth === 0 && stops.includes(c)) break;
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
      at++;
    }
  };
  /** The raw text of an expression up to a `,`, `}`, `]` or `)` outside brackets and strings. */
  const raw = (): string => {
    const start = at;
    interpolated = false;
    skipExpression(',)]}');
    return text.slice(start, at).trim();
  };
  const value = (): unknown => {
    space();
    if (text[at] === '{') {
      at++;
      const object: Record<string, unknown> = {};
      for (space(); text[at] !== '}'; space()) {
        const start = at;
        skipString();
        const key = unquote(text.slice(start, at));
        expect_('=');
        object[key] = value();
        space();
        if (text[at] === ',') at++;
        space();
      }
      at++;
      return object;
    }
    if (text.startsWith('tomap(', at)) {
      at += 'tomap('.length;
      const map = value();
      expect_(')');
      return map;
    }
    if (text.startsWith('tolist([', at)) {
      at += 'tolist(['.length;
      const list: unknown[] = [];
      for (space(); text[at] !== ']'; space()) {
        list.push(value());
        space();
        if (text[at] === ',') at++;
        space();
      }
      expect_(']');
      expect_(')');
      return list;
    }
    const expression = raw();
    if (expression === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(expression)) return Number(expression);
    if (/^"[\s\S]*"$/.test(expression) && !interpolated) return unquote(expression);
    return /^"[\s\S]*"$/.test(expression) ? expression.slice(1, -1) : `\${${expression}}`;
  };
  const parsed = value();
  space();
  if (at !== text.length) throw new Error(`HCL: unexpected ${text.slice(at, at + 40)}`);
  return parsed;
}
