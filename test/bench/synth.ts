/**
 * Synth: a stack of one store and N credentials against a stack of N plain
 * `aws_secretsmanager_secret` resources, built and synthesized in this process, each the median
 * of a few runs after a warm-up (module loading and the handler bundles, which are cached).
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { App, TerraformStack } from 'cdktf';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthType, CredentialStore, DataApiCredential, DataApiScope } from '../../lib';
import { BenchRow, BenchSection, formatMs, median, ratioRow } from './report';

export const SYNTH_TARGET = 1.5;

type Kind = 'credentials' | 'secrets';

/** Milliseconds to build and synthesize one stack of `n` credentials (with their store) or `n` plain secrets. */
function synthOnce(kind: Kind, n: number): number {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  try {
    const started = performance.now();
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'bench');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    if (kind === 'credentials') {
      const store = new CredentialStore(stack, 'Credentials');
      for (let i = 0; i < n; i++) {
        new DataApiCredential(stack, `Credential${i}`, {
          store,
          name: `credential-${i}`,
          authType: i % 2 === 0 ? AuthType.API_KEY : AuthType.OAUTH2,
          scopes: i % 3 === 0 ? [DataApiScope.USERS, DataApiScope.CONVERSATIONS] : [DataApiScope.INTERACTIONS],
        });
      }
    } else {
      for (let i = 0; i < n; i++) new SecretsmanagerSecret(stack, `Secret${i}`, { name: `data-api/credentials/bench/Secret${i}` });
    }
    app.synth();
    return performance.now() - started;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function medianOf(kind: Kind, n: number, runs: number): number {
  return median(Array.from({ length: runs }, () => synthOnce(kind, n)));
}

export async function runSynthBench(counts: readonly number[] = [1, 100, 1000]): Promise<BenchSection> {
  synthOnce('credentials', 2); // warm-up: loads the modules, bundles the handlers once
  synthOnce('secrets', 2);
  const rows: BenchRow[] = [];
  for (const n of counts) {
    const runs = n >= 1000 ? 2 : n >= 100 ? 3 : 5;
    // Interleaved, so a burst of load on the shared machine hits both sides alike.
    const ours = medianOf('credentials', n, runs);
    const baseline = medianOf('secrets', n, runs);
    rows.push(
      ratioRow(
        'synth',
        `${n.toLocaleString('en')} credential${n === 1 ? '' : 's'} (ms per credential)`,
        { value: ours, text: `${formatMs(ours)} (${(ours / n).toFixed(2)})` },
        { value: baseline, text: `${formatMs(baseline)} (${(baseline / n).toFixed(2)}) plain secrets` },
        SYNTH_TARGET,
      ),
    );
  }
  return {
    rows,
    notes: [
      'synth: ours is one store (table, provider function, role, table policy) plus per credential a secret, a terraform_data instance, ' +
        'a CRUD aws_lambda_invocation and 3-4 outputs; the baseline is one aws_secretsmanager_secret per credential.',
    ],
  };
}
