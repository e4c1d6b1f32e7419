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
const INVOCATION = '@cdktf/provider-aws/lib/lambda-invocation';
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
 * The floor: per credential, the same Terraform blocks a `DataApiCredential` writes (its instance, an
 * OAuth 2.0 client's `terraform_data`, the secret with the store's tags, its binding digest and the
 * store's policy text, the CRUD invocation with its `jsonencode` input, lifecycle and `depends_on`,
 * the ids Terraform derives, and one entry of one map output), written with cdktf and provider-aws
 * alone, in the store of `store` (the store is ours on both sides). What is left between ours and
 * this is what the library's code costs; what is left between this and the hand-written stack is
 * what the resources cost cdktf. `terraform_data` is a plain `TerraformResource` here, as in the
 * library (cdktf's `DataResource` runs `terraform version` for each one).
 */
function addSameResources(load, stack, store, count) {
  const { createHash } = require('node:crypto');
  const { Fn, TerraformOutput, TerraformResource } = load('cdktf');
  const { SecretsmanagerSecret } = load(SECRET);
  const { LambdaInvocation } = load(INVOCATION);
  const { DataApiScope } = load(LIBRARY);
  const scopes = DataApiScope.ALL;
  // The store's policy text for secrets without readers (internal to the store: the same document).
  const policy = store.policies.sharedSecretPolicyText();
  const functionName = `${store.name}-provider`;
  const idOf = (instanceId) => Fn.substr(Fn.sha256(Fn.join('', ['data-api-credential:', instanceId])), 0, 32);
  const entries = {};
  for (let i = 0; i < count; i++) {
    const id = `Credential${i}`;
    const authType = i % 2 ? 'api_key' : 'oauth2';
    const declared = { name: `Bench credential ${i}`, scopes: i % 3 ? [scopes[i % 5]] : [scopes[i % 5], scopes[(i + 1) % 5]], authType };
    const secretName = `${store.secretPrefix}${id}`;
    const replacedWith = { authType, secretName, functionName };
    const instance = new TerraformResource(stack, `${id}_Instance`, { terraformResourceType: 'terraform_data', lifecycle: { createBeforeDestroy: true } });
    instance.addOverride('triggers_replace', replacedWith);
    const instanceId = instance.getStringAttribute('id');
    let clientId = null;
    if (authType === 'oauth2') {
      const client = new TerraformResource(stack, `${id}_Client`, {
        terraformResourceType: 'terraform_data',
        lifecycle: { createBeforeDestroy: true, ignoreChanges: ['input'] },
      });
      client.addOverride('input', instanceId);
      client.addOverride('triggers_replace', `${authType} ${functionName} ${secretName}`);
      clientId = `dci_${idOf(client.getStringAttribute('output'))}`;
    }
    const digest = createHash('sha256').update(JSON.stringify([store.name, declared])).digest('hex');
    const secret = new SecretsmanagerSecret(stack, `${id}_Secret`, {
      name: secretName,
      description: `Data API credential "${declared.name}"; its value is written only by the credential provider`,
      kmsKeyId: store.kmsKeyArn,
      recoveryWindowInDays: store.secretRecoveryWindowDays,
      policy,
      tags: { 'data-api-credentials:store': store.name, 'data-api-credentials:declaration': Fn.sha256(Fn.join('\n', [instanceId, digest])) },
    });
    const instanceAddress = `terraform_data.${instance.friendlyUniqueId}`;
    const invocation = new LambdaInvocation(stack, `${id}_Provider`, {
      functionName: store.functionName,
      lifecycleScope: 'CRUD',
      input: Fn.jsonencode({ instanceId, ...declared, secretArn: secret.arn }),
      dependsOn: store.providerDependables,
      lifecycle: { createBeforeDestroy: true, replaceTriggeredBy: [instanceAddress] },
    });
    entries[id] = {
      authType,
      name: declared.name,
      scopes: Fn.tolist(declared.scopes),
      options: Fn.tomap({}),
      instance: instanceAddress,
      invocation: `aws_lambda_invocation.${invocation.friendlyUniqueId}`,
      secret: `aws_secretsmanager_secret.${secret.friendlyUniqueId}`,
      credentialId: idOf(instanceId),
      secretArn: secret.arn,
      clientId,
    };
  }
  new TerraformOutput(stack, 'SameResources', { value: { kind: 'same-resources', credentials: Fn.tomap(entries) } });
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
    } else if (side === 'sameResources') {
      const { CredentialStore } = load(LIBRARY);
      addSameResources(load, stack, new CredentialStore(stack, 'Credentials'), count);
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
  const sides = ['ours', 'sameResources', 'handWritten'];
  for (const side of sides) synthOnce(load, side, warmUpCount, outRoot);
  const shape = { count: shapeCount };
  for (const side of sides) {
    const { resources, dataSources, outputs } = synthOnce(load, side, shapeCount, outRoot, true);
    shape[side] = { resources, dataSources, outputs };
  }
  const results = plan.map(({ count, runs }) => {
    const timings = { count, ours: [], sameResources: [], handWritten: [] };
    for (let run = 0; run < runs; run++) {
      // Each side goes first, second and last in turn.
      const order = sides.map((_, k) => sides[(run + k) % sides.length]);
      for (const side of order) timings[side].push(synthOnce(load, side, count, outRoot));
    }
    return timings;
  });
  return { node: process.version, results, shape };
}

module.exports = { HAND_WRITTEN_MODULES, LIBRARY, addCredentials, addHandWritten, addSameResources, measureSynth };

if (require.main === module) {
  const options = JSON.parse(process.argv[2] ?? '{}');
  process.stdout.write(`${JSON.stringify(measureSynth(require, { outRoot: process.cwd(), ...options }))}\n`);
}
