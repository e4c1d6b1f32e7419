import AdmZip from 'adm-zip';
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { CallerRegistry, CallRecorder } from './call-recorder';
import { Sandbox } from './sandbox';
import { FunctionConfiguration, sandboxSpec } from './sandbox-spec';
import type { Outcome } from './sandbox-worker';

/**
 * The Lambda endpoint of the local AWS. moto serves the Lambda control plane but cannot run a
 * function without Docker, so this server forwards every Lambda API call to moto unchanged and
 * answers Invoke itself, running the deployed bundle in a warm Node worker per function.
 *
 * moto never hands the code back, so the zip is captured on its way to moto (CreateFunction,
 * UpdateFunctionCode) and unpacked under `<dataDir>/lambda-code/<CodeSha256>`: the sha256 that
 * moto reports for the function then names the folder to run.
 *
 * A function's reserved concurrency (PutFunctionConcurrency, which moto keeps and answers in
 * GetFunctionConcurrency) is enforced as Lambda does: a synchronous invocation while that many of
 * the function's invocations are in flight (running or waiting for a worker) is answered 429
 * `TooManyRequestsException` without running; 0 throttles every one. Asynchronous (`Event`)
 * invocations are accepted, as Lambda queues them. A function without a reservation is never
 * throttled.
 *
 * This file is the HTTP side (routing, the code capture, throttling, forwarding to moto); the
 * workers are a `Sandbox` per function (local/sandbox.ts, the pool) of `SandboxWorker`s
 * (local/sandbox-worker.ts, one Node process each), given a `SandboxSpec` (local/sandbox-spec.ts).
 */
export interface LambdaRunnerOptions {
  readonly motoUrl: string;
  readonly dataDir: string;
  /** Everything the functions print goes to `<logDir>/<function name>.log`. */
  readonly logDir: string;
  /** Region for requests that carry no SigV4 credential scope (moto routes by it). */
  readonly defaultRegion: string;
  /** Environment of every worker, on top of the function's own variables (credentials, endpoints). */
  readonly sandboxEnv: Readonly<Record<string, string>>;
  /** One line per invocation: never payloads or results. */
  readonly log: (line: string) => void;
  /** The Node.js binary the functions run on (`findLambdaNode`). */
  readonly nodePath: string;
  /** Gives each function its own access key, so its AWS calls can be told apart. */
  readonly callers?: CallerRegistry;
  /** Records a function's invocations of other functions. */
  readonly recorder?: CallRecorder;
  /**
   * Invocations of one function that run at once, each in its own warm worker (started when all
   * the function's workers are busy); more wait in arrival order. AWS runs them concurrently too.
   * @default DEFAULT_FUNCTION_CONCURRENCY
   */
  readonly functionConcurrency?: number;
}

/** Workers per function by default: see README, Performance, for what more bought on 2 cores. */
export const DEFAULT_FUNCTION_CONCURRENCY = 4;

export interface LambdaRunner {
  readonly url: string;
  /** Pids of the live workers. */
  pids(): number[];
  /**
   * Kills a function's warm worker, as a crashed runtime: the invocation in flight on it fails.
   * With `eventContains`, only the workers whose invocation's event holds that text (the one that
   * made the call); when none does, or without it, every worker of the function.
   */
  crash(functionName: string, eventContains?: string): Promise<void>;
  stop(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'expect', 'upgrade', 'proxy-connection'];

export async function startLambdaRunner(options: LambdaRunnerOptions): Promise<LambdaRunner> {
  const codeRoot = path.join(options.dataDir, 'lambda-code');
  fs.mkdirSync(codeRoot, { recursive: true });
  fs.mkdirSync(options.logDir, { recursive: true });
  const codeDir = (sha256: string): string => path.join(codeRoot, Buffer.from(sha256, 'base64').toString('base64url'));
  const sandboxes = new Map<string, Sandbox>();
  /** Invocations accepted and not finished, by unqualified function ARN: what reserved concurrency bounds. */
  const running = new Map<string, number>();
  let runnerUrl = '';

  function captureCode(zipBase64: unknown): void {
    if (typeof zipBase64 !== 'string') return;
    const zip = Buffer.from(zipBase64, 'base64');
    const dir = codeDir(createHash('sha256').update(zip).digest('base64'));
    if (fs.existsSync(dir)) return;
    // Unpack beside the final folder and rename, so an invocation never sees half a bundle.
    const partial = `${dir}.partial-${randomUUID()}`;
    try {
      new AdmZip(zip).extractAllTo(partial, true);
      fs.renameSync(partial, dir);
    } catch (err) {
      fs.rmSync(partial, { recursive: true, force: true });
      options.log(`lambda code not captured: ${(err as Error).message}`);
    }
  }

  async function invoke(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    encodedName: string,
    query: URLSearchParams,
    body: Buffer,
  ): Promise<void> {
    const { name, qualifier } = parseFunctionName(decodeURIComponent(encodedName));
    // moto understands neither `name:qualifier` nor partial ARNs in the path, only `?Qualifier=`.
    const version = query.get('Qualifier') ?? qualifier;
    const authorization = req.headers.authorization ?? fakeAuthorization(options.defaultRegion);
    const [lookup, reserved] = await Promise.all([
      motoRequest(
        options.motoUrl,
        `/2015-03-31/functions/${encodeURIComponent(name)}/configuration` + (version ? `?Qualifier=${encodeURIComponent(version)}` : ''),
        authorization,
      ),
      reservedConcurrency(options.motoUrl, name, authorization),
    ]);
    if (lookup.status !== 200) {
      res.writeHead(lookup.status, lookup.headers).end(lookup.body);
      return;
    }
    const config = JSON.parse(lookup.body.toString('utf8')) as FunctionConfiguration;
    options.recorder?.record({ authorization: req.headers.authorization, method: req.method, path: req.url, body: '', invokedFunctionArn: config.FunctionArn }, 200, '');
    const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (invocationType === 'DryRun') {
      res.writeHead(204).end();
      return;
    }
    const payload = body.length > 0 ? body.toString('utf8') : '{}';
    try {
      JSON.parse(payload);
    } catch {
      sendError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
      return;
    }
    const dir = codeDir(config.CodeSha256);
    if (!fs.existsSync(dir)) {
      sendError(
        res,
        500,
        'ServiceException',
        `local Lambda runner has no code for ${config.FunctionName} (CodeSha256 ${config.CodeSha256}): ` +
          'create or update the function through AWS_ENDPOINT_URL_LAMBDA, not moto directly',
      );
      return;
    }
    // Reserved concurrency is the function's, whatever the version: a synchronous invocation beyond it
    // is throttled before it runs, as Lambda does. An asynchronous one is accepted (AWS queues it).
    const unqualified = config.FunctionArn.split(':').slice(0, 7).join(':');
    const inFlight = running.get(unqualified) ?? 0;
    if (invocationType !== 'Event' && reserved !== undefined && inFlight >= reserved) {
      options.log(`lambda ${config.FunctionName} ${invocationType} throttled (${inFlight} running, reserved concurrency ${reserved})`);
      sendThrottle(res);
      return;
    }
    running.set(unqualified, inFlight + 1);
    const key = `${unqualified}:${config.Version}`;
    let sandbox = sandboxes.get(key);
    if (!sandbox) {
      sandbox = new Sandbox(path.join(options.logDir, `${config.FunctionName}.log`), options.nodePath, options.functionConcurrency ?? DEFAULT_FUNCTION_CONCURRENCY);
      sandboxes.set(key, sandbox);
    }
    const requestId = randomUUID();
    const started = Date.now();
    const run = sandbox
      // Functions that invoke other functions (the Data API verifier calls its backend) reach them through the runner.
      .run(sandboxSpec(config, dir, { AWS_ENDPOINT_URL_LAMBDA: runnerUrl, ...options.sandboxEnv, ...ownKey(config) }), payload, requestId)
      .catch((err: Error): Outcome => ({
        ok: false,
        errorType: 'Runtime.Unknown',
        errorMessage: `local runner: ${err.message}`,
      }))
      .then((outcome) => {
        const left = (running.get(unqualified) ?? 1) - 1;
        if (left > 0) running.set(unqualified, left);
        else running.delete(unqualified);
        const status = outcome.ok ? 'ok' : `error ${outcome.errorType}`;
        options.log(`lambda ${config.FunctionName} ${invocationType} ${Date.now() - started} ms ${status}`);
        return outcome;
      });
    const headers = {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amz-executed-version': config.Version,
    };
    if (invocationType === 'Event') {
      res.writeHead(202, headers).end();
      return;
    }
    const outcome = await run;
    if (outcome.ok) {
      res.writeHead(200, headers).end(outcome.body);
    } else {
      res
        .writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' })
        .end(JSON.stringify({ errorType: outcome.errorType, errorMessage: outcome.errorMessage, trace: [] }));
    }
  }

  /** The function's own access key id (its secret key stays the shared test one), as the role it runs as. */
  function ownKey(config: FunctionConfiguration): Record<string, string> {
    if (options.callers === undefined || config.Role === undefined) return {};
    return { AWS_ACCESS_KEY_ID: options.callers.register({ functionName: config.FunctionName, functionArn: config.FunctionArn, roleArn: config.Role }) };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://runner');
    const invocation = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/.exec(url.pathname);
    if (req.method === 'POST' && invocation) return invoke(req, res, invocation[1], url.searchParams, body);
    if (req.method === 'POST' && /^\/2015-03-31\/functions\/?$/.test(url.pathname)) {
      captureCode(parseJson(body)?.Code?.ZipFile);
    } else if (req.method === 'PUT' && /^\/2015-03-31\/functions\/[^/]+\/code\/?$/.test(url.pathname)) {
      captureCode(parseJson(body)?.ZipFile);
    }
    // A function's Lambda call other than Invoke is one the recorder cannot judge: recorded as such, so
    // the IAM evaluation fails on it rather than never seeing it.
    if (options.recorder !== undefined && options.callers?.identityOf(req.headers.authorization) !== undefined) {
      options.recorder.record({ authorization: req.headers.authorization, method: req.method, path: req.url, body: '' }, 200, '');
    }
    forward(options.motoUrl, req, body, res);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      options.log(`lambda runner error: ${err.message}`);
      if (!res.headersSent) sendError(res, 500, 'ServiceException', `local Lambda runner: ${err.message}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  runnerUrl = `http://127.0.0.1:${port}`;

  return {
    url: runnerUrl,
    pids: () => [...sandboxes.values()].flatMap((s) => s.pids()),
    async crash(functionName, eventContains) {
      const ofFunction = [...sandboxes].filter(([key]) => key.includes(`:function:${functionName}:`));
      await Promise.all(ofFunction.map(([, sandbox]) => sandbox.crash(eventContains)));
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // SDK clients keep connections alive; they would hold close() open indefinitely.
      server.closeAllConnections();
      await Promise.all([closed, ...[...sandboxes.values()].map((s) => s.stop())]);
    },
  };
}

/** Accepts a name, `name:qualifier`, a partial ARN (`123456789012:function:name`) or a full ARN. */
function parseFunctionName(value: string): { name: string; qualifier?: string } {
  const parts = value.split(':');
  const [name, qualifier] = value.startsWith('arn:')
    ? parts.slice(6, 8)
    : /^\d{12}$/.test(parts[0]) && parts[1] === 'function'
      ? parts.slice(2, 4)
      : parts.slice(0, 2);
  return qualifier ? { name, qualifier } : { name };
}

/** moto picks the service and region from the SigV4 credential scope and ignores the signature. */
function fakeAuthorization(region: string): string {
  return `AWS4-HMAC-SHA256 Credential=test/20000101/${region}/lambda/aws4_request, SignedHeaders=host, Signature=0`;
}

function parseJson(body: Buffer): { Code?: { ZipFile?: unknown }; ZipFile?: unknown } | undefined {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.includes(name)));
}

/** Lambda's answer to an invocation beyond the function's reserved concurrency (the SDKs retry it). */
function sendThrottle(res: http.ServerResponse): void {
  res
    .writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' })
    .end(JSON.stringify({ Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' }));
}

/**
 * The function's reserved concurrency from moto (GetFunctionConcurrency), or undefined when it has
 * none (or moto cannot say: the invocation then runs as without one, and the configuration lookup
 * reports a missing function).
 */
async function reservedConcurrency(motoUrl: string, name: string, authorization: string): Promise<number | undefined> {
  const answer = await motoRequest(motoUrl, `/2019-09-30/functions/${encodeURIComponent(name)}/concurrency`, authorization);
  if (answer.status !== 200) return undefined;
  const value = (JSON.parse(answer.body.toString('utf8')) as { ReservedConcurrentExecutions?: unknown }).ReservedConcurrentExecutions;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function sendError(res: http.ServerResponse, status: number, type: string, message: string): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
    .end(JSON.stringify({ __type: type, message }));
}

/** The whole request went to moto already buffered: its length is known, so no chunked encoding. */
function forward(motoUrl: string, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
  const upstream = http.request(
    `${motoUrl}${req.url ?? '/'}`,
    { method: req.method, headers: { ...endToEndHeaders(req.headers), 'content-length': body.length } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEndHeaders(answer.headers));
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (!res.headersSent) sendError(res, 502, 'ServiceException', `moto unreachable: ${err.message}`);
    else res.destroy();
  });
  upstream.end(body);
}

function motoRequest(
  motoUrl: string,
  pathAndQuery: string,
  authorization: string,
): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${motoUrl}${pathAndQuery}`, { headers: { authorization }, timeout: 10_000 }, (answer) => {
      readBody(answer).then(
        (body) => resolve({ status: answer.statusCode ?? 502, headers: endToEndHeaders(answer.headers), body }),
        reject,
      );
    });
    request.on('timeout', () => request.destroy(new Error(`moto did not answer GET ${pathAndQuery.split('?')[0]} within 10 s`)));
    request.on('error', reject);
  });
}
