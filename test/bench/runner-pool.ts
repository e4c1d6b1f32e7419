/**
 * `npx tsx test/bench/runner-pool.ts [count] [concurrency...]`: what the local Lambda runner's pool
 * of workers per function buys on this machine. For each pool size, a local AWS of its own, the
 * credential provider created through the runner (the package's prebuilt zip), a table, and `count`
 * credentials created by invoking the provider 10 at a time (terraform's default parallelism): the
 * wall time and the rate. No terraform: only the runner, the functions and moto. Nothing asserted.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { PROVIDER_ENV } from '../../handlers/contract/credential';
import { declarationTags } from '../../handlers/lifecycle/secret-binding';
import { TABLE } from '../../handlers/contract/table';
import { startLocalAws } from '../../local';
import { handlerAssetPath } from '../../providers/handler-assets';
import { ensureLambdaNode } from '../../scripts/lambda-node';

const IN_FLIGHT = 10;

async function measure(count: number, functionConcurrency: number): Promise<number> {
  const local = await startLocalAws({ functionConcurrency });
  try {
    const env = local.env;
    const common = {
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    };
    const dynamodb = new DynamoDBClient({ ...common, endpoint: env.AWS_ENDPOINT_URL });
    const secrets = new SecretsManagerClient({ ...common, endpoint: env.AWS_ENDPOINT_URL });
    const lambda = new LambdaClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_LAMBDA });
    const store = 'runner-pool';
    const prefix = 'data-api/credentials/runner-pool/';
    await dynamodb.send(
      new CreateTableCommand({
        TableName: store,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: TABLE.PARTITION_KEY, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: TABLE.PARTITION_KEY, AttributeType: 'S' }],
      }),
    );
    // moto wants the function's role to exist: IAM's query API, as moto routes it by the credential scope.
    const role = await fetch(env.AWS_ENDPOINT_URL, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${env.AWS_ACCESS_KEY_ID}/20000101/${env.AWS_REGION}/iam/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: new URLSearchParams({
        Action: 'CreateRole',
        Version: '2010-05-08',
        RoleName: 'runner-pool',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }).toString(),
    });
    if (!role.ok) throw new Error(`CreateRole answered ${role.status}: ${(await role.text()).slice(0, 300)}`);
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: `${store}-provider`,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: 'arn:aws:iam::123456789012:role/runner-pool',
        Timeout: 30,
        Code: { ZipFile: readFileSync(handlerAssetPath('credential-provider')) },
        Environment: { Variables: { [PROVIDER_ENV.TABLE_NAME]: store, [PROVIDER_ENV.SECRET_PREFIX]: prefix } },
      }),
    );
    // What Terraform does before each invocation: the secret, tagged with the store and the declaration's digest.
    const inputs = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const declared = { instanceId: randomUUID(), name: `Pool credential ${i}`, authType: i % 2 ? ('api_key' as const) : ('oauth2' as const), scopes: ['users' as const] };
        const { ARN } = await secrets.send(
          new CreateSecretCommand({
            Name: `${prefix}credential-${i}`,
            Tags: Object.entries(declarationTags(store, declared)).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
        return { ...declared, secretArn: ARN! };
      }),
    );
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < inputs.length) {
          const input = inputs[next++];
          const out = await lambda.send(
            new InvokeCommand({
              FunctionName: `${store}-provider`,
              Payload: Buffer.from(JSON.stringify({ ...input, tf: { action: 'create', prev_input: null } })),
            }),
          );
          if (out.FunctionError) throw new Error(`create failed: ${Buffer.from(out.Payload ?? []).toString('utf8').slice(0, 300)}`);
        }
      }),
    );
    const ms = performance.now() - started;
    for (const client of [dynamodb, secrets, lambda]) client.destroy();
    return ms;
  } finally {
    await local.stop();
  }
}

async function main(): Promise<void> {
  const [countText, ...sizes] = process.argv.slice(2);
  const count = Number(countText ?? 200);
  const pools = sizes.length > 0 ? sizes.map(Number) : [1, 2, 4];
  ensureLambdaNode((line) => console.error(line));
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  // Alternating, twice, so load from elsewhere falls on every size alike.
  const results = new Map<number, number[]>();
  for (let round = 0; round < 2; round++) {
    for (const size of round % 2 ? [...pools].reverse() : pools) {
      const ms = await measure(count, size);
      results.set(size, [...(results.get(size) ?? []), ms]);
      console.log(`pool ${size}: ${count} creates, ${IN_FLIGHT} in flight: ${(ms / 1000).toFixed(1)} s (${((count * 1000) / ms).toFixed(1)} /s)`);
    }
  }
  for (const [size, runs] of results) {
    const best = Math.min(...runs);
    console.log(`pool ${size}: best ${(best / 1000).toFixed(1)} s, ${((count * 1000) / best).toFixed(1)} creates/s`);
  }
  console.log(`load average at the end ${loadavg()[0].toFixed(1)}`);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
