/**
 * A synthesized policy, read back: the constructs write each policy as `${jsonencode({...})}` of
 * its IAM JSON (lib/store-policies.ts), or `${local.<id>}` of one. This evaluates that expression
 * as Terraform would, with each reference to a resource or data source left as its `${address}`
 * text: the IAM JSON with the values known only at apply in place, which the tests compare. A
 * `reverse(sort(...))` of references sorts their addresses, not their ARNs: tests of such a list
 * compare it as a set.
 */
import { Synthesized } from './synth';

type Value = string | Value[] | { [key: string]: Value };

/** The functions cdktf's policies use, as Terraform evaluates them. */
const FUNCTIONS: Record<string, (...args: any[]) => Value> = {
  jsonencode: (value: Value) => value,
  reverse: (list: Value[]) => [...list].reverse(),
  sort: (list: string[]) => [...list].sort(),
  distinct: (list: Value[]) => [...new Set(list)],
  join: (separator: string, list: string[]) => list.join(separator),
};

/** The policy's IAM JSON, from the synthesized value of a `policy` argument or an output. */
export function synthesizedPolicy(s: Synthesized, text: string): { Version: string; Statement: Array<Record<string, any>> } {
  const local = /^\$\{local\.(\w+)\}$/.exec(text);
  if (local) {
    const locals = (s.config as { locals?: Record<string, string> }).locals ?? {};
    if (!(local[1] in locals)) throw new Error(`no local ${local[1]} in the synthesized stack`);
    return synthesizedPolicy(s, locals[local[1]]);
  }
  const whole = /^\$\{(jsonencode\([\s\S]*\))\}$/.exec(text);
  if (!whole) throw new Error(`not a policy expression: ${text.slice(0, 120)}`);
  const parser = new Parser(whole[1]);
  const value = parser.expression();
  parser.end();
  return value as never;
}

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  end(): void {
    this.space();
    if (this.at !== this.text.length) throw new Error(`unexpected text at ${this.at}: ${this.text.slice(this.at, this.at + 40)}`);
  }

  expression(): Value {
    this.space();
    const c = this.text[this.at];
    if (c === '"') return this.string();
    if (c === '{') return this.object();
    if (c === '[') return this.list('[', ']');
    const name = /^[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\]|\["[^"]*"\])*/.exec(this.text.slice(this.at))?.[0];
    if (!name) throw new Error(`unexpected text at ${this.at}: ${this.text.slice(this.at, this.at + 40)}`);
    this.at += name.length;
    if (this.text[this.at] !== '(') return `\${${name}}`;
    const fn = FUNCTIONS[name];
    if (!fn) throw new Error(`function ${name}() is not known to ${__filename}`);
    return fn(...this.list('(', ')'));
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at++;
  }

  private expect(c: string): void {
    this.space();
    if (this.text[this.at] !== c) throw new Error(`expected ${c} at ${this.at}: ${this.text.slice(this.at, this.at + 40)}`);
    this.at++;
  }

  /** A quoted string, its templates (`${...}`) kept as text. */
  private string(): string {
    this.expect('"');
    let out = '';
    while (this.text[this.at] !== '"') {
      if (this.at >= this.text.length) throw new Error('unterminated string');
      if (this.text.startsWith('${', this.at)) {
        const close = this.text.indexOf('}', this.at);
        out += this.text.slice(this.at, close + 1);
        this.at = close + 1;
      } else if (this.text[this.at] === '\\') {
        out += JSON.parse(`"${this.text.slice(this.at, this.at + 2)}"`);
        this.at += 2;
      } else {
        out += this.text[this.at++];
      }
    }
    this.at++;
    return out;
  }

  private list(open: string, close: string): Value[] {
    this.expect(open);
    const values: Value[] = [];
    for (this.space(); this.text[this.at] !== close; this.space()) {
      values.push(this.expression());
      this.space();
      if (this.text[this.at] === ',') this.at++;
    }
    this.at++;
    return values;
  }

  private object(): Record<string, Value> {
    this.expect('{');
    const entries: Record<string, Value> = {};
    for (this.space(); this.text[this.at] !== '}'; this.space()) {
      const key = this.string();
      this.expect('=');
      entries[key] = this.expression();
      this.space();
      if (this.text[this.at] === ',') this.at++;
    }
    this.at++;
    return entries;
  }
}
