/**
 * The local AWS of the jest global setup, through the same endpoints Terraform and the SDK use:
 * Lambda functions created through the runner run for real, every other call reaches moto.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import AdmZip from 'adm-zip';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAMBDA_NODE_VARIABLE } from '../../local';
import { lambdaLog, localAwsEnv } from '../support/local-aws';

jest.setTimeout(30_000);

const env = localAwsEnv();
/** moto is shared by every test file of the run: names are unique to this one. */
const run = randomUUID().slice(0, 8);
const ROLE_ARN = `arn:aws:iam::123456789012:role/local-aws-test-${run}`;

/** moto ignores signatures but routes each request by the service of its SigV4 credential scope. */
function authorization(service: string): string {
  return `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body; `any` so assertions can reach into it. */
  json: () => any;
}

async function lambdaApi(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${env.AWS_ENDPOINT_URL_LAMBDA}/2015-03-31${path}`, {
    method,
    headers: { authorization: authorization('lambda'), 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** PutFunctionConcurrency / DeleteFunctionConcurrency, through the runner to moto as Terraform sends them. */
async function functionConcurrency(method: 'PUT' | 'DELETE', name: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${env.AWS_ENDPOINT_URL_LAMBDA}/2017-10-31/functions/${encodeURIComponent(name)}/concurrency`, {
    method,
    headers: { authorization: authorization('lambda'), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** Waits (at most 10 s) until the function's log shows `starts` invocations started. */
async function untilLogHas(name: string, starts: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  const count = () => lambdaLog(name).split('\n').filter((line) => line.startsWith('START RequestId')).length;
  while (count() < starts) {
    if (Date.now() > deadline) throw new Error(`${name}: ${count()} invocations started after 10 s, expected ${starts}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function zipBase64(handlerSource: string): string {
  const zip = new AdmZip();
  zip.addFile('index.js', Buffer.from(handlerSource));
  return zip.toBuffer().toString('base64');
}

async function createFunction(
  name: string,
  handlerSource: string,
  options: { timeout?: number; variables?: Record<string, string> } = {},
): Promise<void> {
  const created = await lambdaApi('POST', '/functions', {
    FunctionName: name,
    Runtime: 'nodejs22.x',
    Role: ROLE_ARN,
    Handler: 'index.handler',
    Code: { ZipFile: zipBase64(handlerSource) },
    Timeout: options.timeout ?? 3,
    Environment: { Variables: options.variables ?? {} },
  });
  expect(created.status).toBe(201);
}

const invoke = (name: string, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  lambdaApi('POST', `/functions/${encodeURIComponent(name)}/invocations`, payload, headers);

const ECHO = `
exports.handler = async (event, context) => {
  console.log('echo printed PRINTED-${run}');
  return { event, greeting: process.env.GREETING, region: process.env.AWS_REGION, name: context.functionName, node: process.version };
};`;
const THROWS = `
class QuotaError extends Error { constructor(m) { super(m); this.name = 'QuotaError'; } }
exports.handler = async () => { throw new QuotaError('quota of 3 reached'); };`;
const SLEEPS = `
exports.handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return { slept: event.sleepMs };
};`;
const version = (label: string): string =>
  `exports.handler = async () => ({ version: '${label}', flavour: process.env.FLAVOUR });`;

const echo = `echo-${run}`;
const throws = `throws-${run}`;
const sleeps = `sleeps-${run}`;

beforeAll(async () => {
  const response = await fetch(env.AWS_ENDPOINT_URL, {
    method: 'POST',
    headers: { authorization: authorization('iam'), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      Action: 'CreateRole',
      Version: '2010-05-08',
      RoleName: `local-aws-test-${run}`,
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
    }),
    signal: AbortSignal.timeout(15_000),
  });
  expect(response.status).toBe(200);
  await createFunction(echo, ECHO, { variables: { GREETING: 'hello' } });
  await createFunction(throws, THROWS);
  await createFunction(sleeps, SLEEPS, { timeout: 1 });
});

describe('the Lambda runner', () => {
  test('runs a function on Node.js 22 (nodejs22.x) and answers like Lambda; what it prints goes to its log file only', async () => {
    const answer = await invoke(echo, { a: 1 });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(answer.headers.get('x-amz-function-error')).toBeNull();
    expect(answer.json()).toEqual({ event: { a: 1 }, greeting: 'hello', region: 'us-east-1', name: echo, node: expect.stringMatching(/^v22\./) });
    expect(answer.text).not.toContain('PRINTED');
    expect(lambdaLog(echo)).toContain(`echo printed PRINTED-${run}`);
  });

  test('accepts an ARN, a qualifier in the name or in the query, Event and DryRun invocations', async () => {
    const arn = `arn:aws:lambda:us-east-1:123456789012:function:${echo}`;
    expect((await invoke(arn, { b: 2 })).json().event).toEqual({ b: 2 });
    expect((await invoke(`${echo}:$LATEST`, { c: 3 })).json().event).toEqual({ c: 3 });
    const queried = await lambdaApi('POST', `/functions/${echo}/invocations?Qualifier=%24LATEST`, { d: 4 });
    expect(queried.json().event).toEqual({ d: 4 });
    expect((await invoke(echo, {}, { 'x-amz-invocation-type': 'Event' })).status).toBe(202);
    expect((await invoke(echo, {}, { 'x-amz-invocation-type': 'DryRun' })).status).toBe(204);
  });

  test('reports a thrown error as an unhandled function error, without a stack', async () => {
    const answer = await invoke(throws, {});
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(answer.json()).toEqual({ errorType: 'QuotaError', errorMessage: 'quota of 3 reached', trace: [] });
  });

  test('stops a function at its timeout, then runs it again in a fresh worker', async () => {
    const started = Date.now();
    const answer = await invoke(sleeps, { sleepMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(answer.json()).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 1 seconds',
      trace: [],
    });
    expect((await invoke(sleeps, { sleepMs: 10 })).json()).toEqual({ slept: 10 });
  });

  test('runs different functions at the same time', async () => {
    const other = `sleeps-too-${run}`;
    await createFunction(other, SLEEPS);
    await Promise.all([invoke(sleeps, { sleepMs: 10 }), invoke(other, { sleepMs: 10 })]); // warm both
    const started = Date.now();
    const answers = await Promise.all([invoke(sleeps, { sleepMs: 700 }), invoke(other, { sleepMs: 700 })]);
    expect(answers.map((a) => a.json())).toEqual([{ slept: 700 }, { slept: 700 }]);
    expect(Date.now() - started).toBeLessThan(1_300);
  });

  test('runs the new code after UpdateFunctionCode and the new environment after UpdateFunctionConfiguration', async () => {
    const name = `versioned-${run}`;
    await createFunction(name, version('one'), { variables: { FLAVOUR: 'plain' } });
    expect((await invoke(name, {})).json()).toEqual({ version: 'one', flavour: 'plain' });
    const updated = await lambdaApi('PUT', `/functions/${name}/code`, { ZipFile: zipBase64(version('two')) });
    expect(updated.status).toBe(200);
    expect((await invoke(name, {})).json()).toEqual({ version: 'two', flavour: 'plain' });
    const configured = await lambdaApi('PUT', `/functions/${name}/configuration`, {
      Environment: { Variables: { FLAVOUR: 'salted' } },
    });
    expect(configured.status).toBe(200);
    expect((await invoke(name, {})).json()).toEqual({ version: 'two', flavour: 'salted' });
  });

  test("throttles a synchronous invocation beyond the function's reserved concurrency (429 TooManyRequestsException), as Lambda does", async () => {
    const name = `reserved-${run}`;
    await createFunction(name, SLEEPS, { timeout: 10 });
    expect((await functionConcurrency('PUT', name, { ReservedConcurrentExecutions: 2 })).status).toBe(200);
    expect((await invoke(name, { sleepMs: 10 })).json()).toEqual({ slept: 10 });
    const held = [invoke(name, { sleepMs: 3_000 }), invoke(name, { sleepMs: 3_000 })];
    await untilLogHas(name, 3);

    const throttled = await invoke(name, { sleepMs: 10 });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    expect(throttled.json()).toEqual({ Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' });
    // An asynchronous invocation is accepted: Lambda queues it.
    expect((await invoke(name, { sleepMs: 10 }, { 'x-amz-invocation-type': 'Event' })).status).toBe(202);
    expect((await Promise.all(held)).map((a) => a.json())).toEqual([{ slept: 3_000 }, { slept: 3_000 }]);
    expect((await invoke(name, { sleepMs: 10 })).status).toBe(200);

    // 0 throttles every invocation; without a reservation (DeleteFunctionConcurrency) nothing is throttled.
    expect((await functionConcurrency('PUT', name, { ReservedConcurrentExecutions: 0 })).status).toBe(200);
    expect((await invoke(name, { sleepMs: 10 })).status).toBe(429);
    expect((await functionConcurrency('DELETE', name)).status).toBe(204);
    const free = await Promise.all([1, 2, 3].map(() => invoke(name, { sleepMs: 500 })));
    expect(free.map((a) => a.status)).toEqual([200, 200, 200]);
  });

  test('forwards every other Lambda call to moto', async () => {
    const got = await lambdaApi('GET', `/functions/${echo}`);
    expect(got.status).toBe(200);
    expect(got.json().Configuration).toMatchObject({ FunctionName: echo, Handler: 'index.handler' });
    const listed = await lambdaApi('GET', '/functions/');
    expect(listed.json().Functions.map((f: { FunctionName: string }) => f.FunctionName)).toEqual(
      expect.arrayContaining([echo, throws, sleeps]),
    );
    const missing = await invoke(`missing-${run}`, {});
    expect(missing.status).toBe(404);
    expect(missing.json().__type).toBe('ResourceNotFoundException');
  });
});

test('DynamoDB answers on AWS_ENDPOINT_URL through the default SDK configuration', async () => {
  const dynamodb = new DynamoDBClient({});
  try {
    const tables = await dynamodb.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(15_000) });
    expect(Array.isArray(tables.TableNames)).toBe(true);
  } finally {
    dynamodb.destroy();
  }
});

test('the local command exits 1 with one line when moto_server is not installed', async () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'data-api-credentials.js');
  const child = spawn(process.execPath, [bin, 'local', '--write-env', path.join(os.tmpdir(), `never-written-${run}.sh`)], {
    env: { PATH: path.dirname(process.execPath) },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(1);
  expect(stderr).toBe("error: moto_server not found on PATH: install it with  pip install 'moto[server]'\n");
});

test("in this repository, the local command uses the tests' .build/lambda-node on another Node.js, installing nothing", async () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'data-api-credentials.js');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `dac-repo-local-${run}-`));
  const envFile = path.join(scratch, 'local.env');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: path.join(scratch, 'cache') };
  delete childEnv[LAMBDA_NODE_VARIABLE];
  const child = spawn(process.execPath, [bin, 'local', '--write-env', envFile], { cwd: scratch, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const deadline = Date.now() + 25_000;
    while (!fs.existsSync(envFile) && child.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect({ ready: fs.existsSync(envFile), stderr }).toEqual({ ready: true, stderr: '' });
    expect(fs.existsSync(path.join(scratch, 'cache'))).toBe(false);
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
