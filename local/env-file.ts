import * as fs from 'node:fs';

/**
 * A file of `export NAME='value'` lines that a shell can `source` and `readEnvFile` can read
 * back. It is written whole or not at all, so its appearance can serve as a readiness signal.
 */
export function writeEnvFile(
  file: string,
  env: Readonly<Record<string, string>>,
  preamble: readonly string[] = [],
): void {
  const exports = Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  const text = [...preamble, ...exports, ''].join('\n');
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, text);
  fs.renameSync(partial, file);
}

/** The `export` lines of a file written by `writeEnvFile`; anything else is ignored. */
export function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^export ([A-Za-z_][A-Za-z0-9_]*)='(.*)'$/.exec(line);
    if (match) env[match[1]] = match[2].replace(/'\\''/g, "'");
  }
  return env;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
