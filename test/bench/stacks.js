'use strict';
/**
 * The two sides `npm run bench` compares, in plain CommonJS JavaScript so that one file serves
 * every section: the in-repo sections import it (under tsx, with the library's TypeScript
 * sources), and `installed-synth` copies it into a temporary consumer project, where plain `node`
 * runs it as a script against the installed package.
 *
 * - ours: N `DataApiCredential`s of both auth types, one or two scopes each, in a store;
 * - hand-written: what a team would write instead, with cdktf alone: one table, and per
 *   credential a secret, a secret version holding a literal (a dummy: the hand-written side has no
 *   generator) and a table item with the fields of our records.
 *
 * Modules are resolved through `load(name)`, so the caller decides where `data-api-credentials`
 * comes from: the sources in this repository, or the installed package.
 *
 * Run as a script (`node stacks.js '<options JSON>'`): synthesizes both sides as `measureSynth`
 * does and prints the result as one line of JSON.
 */

const LIBRARY = 'data-api-credentials';
const PROVIDER = '@cdktf/provider-aws/lib/provider';
const SECRET = '@cdktf/provider-aws/lib/secretsmanager-secret';
const SECRET_VERSION = '@cdktf/provider-aws/lib/secretsmanager-secret-version';
const TABLE = '@cdktf/provider-aws/lib/dynamodb-table';
const TABLE_ITEM = '@cdktf/provider-aws/lib/dynamodb-table-item';
/** What a hand-written stack imports: cdktf and the provider bindings it uses, by their deep paths. */
const HAND_WRITTEN_MODULES = ['cdktf', PROVIDER, SECRET, SECRET_VERSION, TABLE, TABLE_ITEM];

/**
 * `count` credentials in `store`: both auth types, one or two scopes each. With `changeFirst`, the
 * first credential has one more scope (an in-place update of a deployed stack).
 */
function addCredentials(load, stack, store, count, { changeFirst = false } = {}) {
  const { AuthType, DataApiCredential, DataApiScope } = load(LIBRARY);
  const scopes = DataApiScope.ALL;
  for (let i = 0; i < count; i++) {
    const base = i % 3 ? [scopes[i % 5]] : [scopes[i % 5], scopes[(i + 1) % 5]];
    new DataApiCredential(stack, `Credential${i}`, {
      store,
      name: `Bench credential ${i}`,
      authType: i % 2 ? AuthType.API_KEY : AuthType.OAUTH2,
      scopes: changeFirst && i === 0 ? [...base, scopes[(i + 2) % 5]] : base,
    });
  }
}

/**
 * The hand-written equivalent of a store and `count` credentials: the table has the store
 * table's settings; names are under `id`, so stacks side by side do not collide. With
 * `changeFirst`, the first item has one more scope.
 */
function addHandWritten(load, stack, id, count, { changeFirst = false } = {}) {
  const { DynamodbTable } = load(TABLE);
  const { DynamodbTableItem } = load(TABLE_ITEM);
  const { SecretsmanagerSecret } = load(SECRET);
  const { SecretsmanagerSecretVersion } = load(SECRET_VERSION);
  const table = new DynamodbTable(stack, 'Table', {
    name: `${id}-table`,
    billingMode: 'PAY_PER_REQUEST',
    hashKey: 'pk',
    attribute: [{ name: 'pk', type: 'S' }],
    ttl: { attributeName: 'expiresAt', enabled: true },
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true },
    deletionProtectionEnabled: false,
  });
  const scopes = ['conversations', 'interactions', 'plugin-calls', 'plugin-resources', 'users'];
  for (let i = 0; i < count; i++) {
    const secret = new SecretsmanagerSecret(stack, `Secret${i}`, { name: `bench/hand-written/${id}/credential-${i}`, recoveryWindowInDays: 0 });
    new SecretsmanagerSecretVersion(stack, `SecretValue${i}`, {
      secretId: secret.id,
      secretString: JSON.stringify({ apiKey: `bench-dummy-value-${i}` }),
    });
    new DynamodbTableItem(stack, `Record${i}`, {
      tableName: table.name,
      hashKey: table.hashKey,
      item: JSON.stringify({
        pk: { S: `CRED#${i}` },
        name: { S: `Bench credential ${i}` },
        authType: { S: i % 2 ? 'api_key' : 'oauth2' },
        scopes: { SS: changeFirst && i === 0 ? [scopes[i % 5], scopes[(i + 2) % 5]] : [scopes[i % 5]] },
        status: { S: 'active' },
        secretArn: { S: secret.arn },
      }),
    });
  }
}

/**
 * Builds and synthesizes one stack of `count` credentials on one side, into a fresh folder under
 * `outRoot` (removed afterwards, untimed). Milliseconds spent building the constructs and in
 * `app.synth()`; with `shape`, also what the stack holds.
 */
function synthOnce(load, side, count, outRoot, shape = false) {
  const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
  const { join } = require('node:path');
  const { App, TerraformStack } = load('cdktf');
  const { AwsProvider } = load(PROVIDER);
  const outdir = mkdtempSync(join(outRoot, `synth-${side}-`));
  try {
    if (typeof global.gc === 'function') global.gc();
    const started = performance.now();
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'bench');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    if (side === 'ours') {
      const { CredentialStore } = load(LIBRARY);
      addCredentials(load, stack, new CredentialStore(stack, 'Credentials'), count);
    } else {
      addHandWritten(load, stack, 'bench', count);
    }
    const built = performance.now();
    app.synth();
    const result = { constructMs: built - started, synthMs: performance.now() - built };
    if (!shape) return result;
    const config = JSON.parse(readFileSync(join(outdir, 'stacks', 'bench', 'cdk.tf.json'), 'utf8'));
    const blocks = (kind) => Object.values(config[kind] ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
    return { ...result, resources: blocks('resource'), dataSources: blocks('data'), outputs: Object.keys(config.output ?? {}).length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes both sides for each `{ count, runs }` of `plan`: a warm-up of both first (module
 * loading, the JIT), then `runs` runs each, interleaved (the order alternates from run to run),
 * so a burst of load on a shared machine falls on both alike. Every run's timings, and the
 * stacks' shape at `shapeCount` credentials.
 */
function measureSynth(load, { plan, outRoot, warmUpCount = 100, shapeCount = 10 }) {
  const sides = ['ours', 'handWritten'];
  for (const side of sides) synthOnce(load, side, warmUpCount, outRoot);
  const shape = { count: shapeCount };
  for (const side of sides) {
    const { resources, dataSources, outputs } = synthOnce(load, side, shapeCount, outRoot, true);
    shape[side] = { resources, dataSources, outputs };
  }
  const results = plan.map(({ count, runs }) => {
    const timings = { count, ours: [], handWritten: [] };
    for (let run = 0; run < runs; run++) {
      for (const side of run % 2 ? [...sides].reverse() : sides) timings[side].push(synthOnce(load, side, count, outRoot));
    }
    return timings;
  });
  return { node: process.version, results, shape };
}

module.exports = { HAND_WRITTEN_MODULES, LIBRARY, addCredentials, addHandWritten, measureSynth };

if (require.main === module) {
  const options = JSON.parse(process.argv[2] ?? '{}');
  process.stdout.write(`${JSON.stringify(measureSynth(require, { outRoot: process.cwd(), ...options }))}\n`);
}
