/**
 * Runs `oauth-clients.mjs` (one OAuth client library against the gateway) in a plain Node process:
 * both libraries are ESM only, which jest's CommonJS runtime cannot import without
 * `--experimental-vm-modules`. The input goes on stdin, the report comes back on stdout; the
 * process is killed (by its own pid) if it outlives `timeoutMs`.
 */
import { join } from 'node:path';
import { runToCompletion } from '../../local/processes';

const SCRIPT = join(__dirname, 'oauth-clients.mjs');

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface InteropInput {
  readonly library: 'openid-client' | 'oauth4webapi';
  /** The base URL clients are given: the issuer. */
  readonly base: string;
  /** The client that gets tokens, reads records and revokes. */
  readonly consumer: ClientCredentials;
  /** Another OAuth client of the store, which may not revoke the consumer's tokens. */
  readonly other: ClientCredentials;
  /** A client listed in the gateway's introspectionClients. */
  readonly introspector: ClientCredentials;
  /** An API key of the store: introspectable, not revocable. */
  readonly apiKey: string;
}

/** A step's value, or the error the library raised: its class, code, status and what it parsed. */
export type InteropStep = { readonly value: any; readonly error?: undefined } | { readonly value?: undefined; readonly error: Record<string, any> };

export interface InteropReport {
  readonly library: string;
  readonly steps: Record<string, InteropStep>;
  /** The access tokens the library got, for the leak checks only: never asserted on, so never printed. */
  readonly secrets: string[];
}

export async function runOAuthClient(input: InteropInput, timeoutMs = 90_000): Promise<InteropReport> {
  const { code, signal, stdout, stderr } = await runToCompletion(process.execPath, [SCRIPT], {
    env: { PATH: process.env.PATH ?? '' },
    input: JSON.stringify(input),
    timeoutMs,
  });
  if (code !== 0) {
    const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`;
    throw new Error(`${input.library}: ${why}: ${stderr.slice(-2000)}`);
  }
  try {
    return JSON.parse(stdout) as InteropReport;
  } catch (error) {
    throw new Error(`${input.library}: no JSON report (${(error as Error).message})`);
  }
}
