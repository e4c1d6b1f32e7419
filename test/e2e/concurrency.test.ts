/**
 * Reserved concurrency on the local AWS (issue 20), with real terraform and the bundled handlers:
 * the gateway's records verifier is bounded, the provider keeps its own share. With the verifier
 * saturated at its bound (requests held in a backend that waits for this test), a further records
 * request is throttled by Lambda (429 TooManyRequestsException on Invoke; API Gateway maps a Lambda
 * throttle to 500 Internal Server Error, as the local gateway does), while `terraform apply` still
 * creates a credential through the provider.
 */
import { GetFunctionConcurrencyCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, TerraformAsset, TerraformOutput } from 'cdktf';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthStack } from '../../examples/synth-stack';
import { AuthType, DataApiCredential, DataApiGateway, DataApiScope } from '../../lib';
import { PROVIDER_RUNTIME } from '../../providers';
import { terraform } from '../../local/terraform';
import { bundleHandlerZip } from '../../scripts/bundle';
import { localAwsEnv } from '../support/local-aws';
import { credentialsStack } from '../support/stacks';

jest.setTimeout(300_000);

const STACK = 'e2e-concurrency';
const RECORDS_BOUND = 2;
const env = localAwsEnv();
const lambda = new LambdaClient({ maxAttempts: 1 });
const secretsManager = new SecretsManagerClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-concurrency-'));
const outdir = join(work, 'cdktf.out');
const statePath = join(work, 'terraform.tfstate');
let cwd = '';

/** Holds `GET /<id>` until released (or 25 s): the backend's wait, and so the verifier's. */
class HoldServer {
  private readonly pending = new Map<string, http.ServerResponse>();
  private readonly server = http.createServer((req, res) => {
    const id = decodeURIComponent((req.url ?? '/').slice(1));
    this.pending.set(id, res);
    const timer = setTimeout(() => this.release(id), 25_000);
    res.on('close', () => clearTimeout(timer));
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  held(): string[] {
    return [...this.pending.keys()].sort();
  }

  release(id?: string): void {
    for (const [key, res] of [...this.pending]) {
      if (id !== undefined && key !== id) continue;
      this.pending.delete(key);
      res.writeHead(200).end('released');
    }
  }

  /** Waits until `count` requests are held. */
  async untilCount(count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size < count) {
      if (Date.now() > deadline) throw new Error(`held after ${timeoutMs / 1000} s: ${this.held().join(', ') || 'none'}; expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const hold = new HoldServer();

function synth(withSecond: boolean): void {
  cwd = synthStack(outdir, (app) =>
    credentialsStack(app, STACK, statePath, (stack, store) => {
      new DataApiCredential(stack, 'Reporting', { store, name: 'Reporting', authType: AuthType.API_KEY, scopes: [DataApiScope.USERS] });
      if (withSecond) new DataApiCredential(stack, 'Second', { store, name: 'Second', authType: AuthType.API_KEY, scopes: [DataApiScope.USERS] });
      const assumeRole = new DataAwsIamPolicyDocument(stack, 'BackendAssumeRole', {
        statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] }],
      });
      const role = new IamRole(stack, 'BackendRole', { name: `${STACK}-backend`, assumeRolePolicy: assumeRole.json });
      const code = new TerraformAsset(stack, 'BackendCode', {
        path: bundleHandlerZip(join(__dirname, '..', 'fixtures', 'lambda', 'held-records-backend.ts')),
        type: AssetType.FILE,
      });
      const backend = new LambdaFunction(stack, 'Backend', {
        functionName: `${STACK}-backend`,
        runtime: PROVIDER_RUNTIME,
        handler: 'index.handler',
        filename: code.path,
        sourceCodeHash: code.assetHash,
        role: role.arn,
        timeout: 30,
        environment: { variables: { HOLD_URL: hold.url } },
      });
      const gateway = new DataApiGateway(stack, 'DataApi', {
        store,
        backend: { functionArn: backend.arn },
        recordsReservedConcurrency: RECORDS_BOUND,
        logRetentionDays: 1,
      });
      new TerraformOutput(stack, 'ApiId', { value: gateway.apiId });
    }),
  );
}

const tf = (args: string[], okCodes?: number[]) => terraform([...args, '-no-color'], { cwd, env, okCodes });

async function output(name: string): Promise<string> {
  return JSON.parse((await tf(['output', '-json', name])).stdout);
}

async function apiKey(construct: string): Promise<string> {
  const outputs = JSON.parse((await tf(['output', '-json'])).stdout) as Record<string, { value: any }>;
  const declared = Object.entries(outputs).find(([key]) => key.includes('DeclaredCredentials'))![1].value;
  const arn = declared.credentials[construct].secretArn as string;
  return JSON.parse((await secretsManager.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!).apiKey;
}

async function records(base: string, key: string, holdId?: string): Promise<{ status: number; body: string }> {
  const query = holdId === undefined ? '' : `?hold=${holdId}`;
  const response = await fetch(`${base}/export/v1/records/users${query}`, {
    headers: { authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(40_000),
  });
  return { status: response.status, body: await response.text() };
}

const reserved = async (functionName: string) =>
  (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: functionName }))).ReservedConcurrentExecutions;

beforeAll(() => hold.start());

afterAll(async () => {
  await hold.stop();
  if (cwd) await tf(['destroy', '-auto-approve'], [0, 1]).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('reserved concurrency on the local AWS', () => {
  let base = '';
  let key = '';

  test('apply reserves 10 for the provider and bounds the gateway functions; the next plan is empty', async () => {
    synth(false);
    await tf(['init']);
    await tf(['apply', '-auto-approve']);
    expect(await reserved(`${STACK}-Credentials-provider`)).toBe(10);
    expect(await reserved(`${STACK}-DataApi-token`)).toBe(20);
    expect(await reserved(`${STACK}-DataApi-records`)).toBe(RECORDS_BOUND);
    // moto reports the reservation back (GetFunction's Concurrency), so Terraform sees no drift.
    expect((await tf(['plan', '-detailed-exitcode'], [0, 2])).code).toBe(0);
    base = `${env.DATA_API_URL}/_api/${await output('ApiId')}`;
    key = await apiKey('Reporting');
    expect(await records(base, key)).toMatchObject({ status: 200 });
  });

  test('with the records verifier saturated at its bound, more records requests are throttled while the provider still serves terraform apply', async () => {
    // A hold ends after 25 s (the verifier waits up to 29 s for its backend), so the verifier is kept
    // saturated by one request per slot, each followed by the next as soon as it is answered,
    // however long the apply takes on a loaded machine.
    let stopping = false;
    const answers: Array<{ status: number; body: string }> = [];
    const slots = ['one', 'two'].map(async (slot) => {
      for (let round = 0; !stopping && round < 100; round++) answers.push(await records(base, key, `${slot}-${round}`));
    });
    await hold.untilCount(RECORDS_BOUND);

    // Lambda throttles the verifier's next invocation; API Gateway answers a Lambda throttle 500.
    const throttled = await records(base, key);
    expect(throttled).toEqual({ status: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });
    const direct = lambda.send(new InvokeCommand({ FunctionName: `${STACK}-DataApi-records`, Payload: Buffer.from('{}') }));
    await expect(direct).rejects.toMatchObject({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });

    // The provider has its own reservation: a credential is created meanwhile.
    synth(true);
    const started = Date.now();
    await tf(['apply', '-auto-approve']);
    const applySeconds = (Date.now() - started) / 1000;
    expect(await apiKey('Second')).toMatch(/^dak_/);
    process.stdout.write(`concurrency e2e: terraform apply took ${applySeconds.toFixed(1)} s with the records verifier saturated\n`);

    // Still saturated after the apply: fresh holds (25 s ahead), and a further request is throttled.
    hold.release();
    await hold.untilCount(RECORDS_BOUND);
    expect(await records(base, key)).toEqual({ status: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });

    stopping = true;
    hold.release();
    await Promise.all(slots);
    // Every request that held a slot was answered by the backend: none of them was throttled.
    expect(answers.length).toBeGreaterThanOrEqual(RECORDS_BOUND);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(await records(base, key)).toMatchObject({ status: 200 });
  });
});
