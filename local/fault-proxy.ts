/**
 * The front door of the local AWS to moto: everything but Lambda (Terraform, the CLI, tests and
 * the functions) reaches moto through it. It records the functions' calls and every policy change
 * for the IAM evaluation (`call-recorder.ts`), and injects faults into the functions' calls, for
 * tests that must prove the handlers converge after a failed or interrupted AWS call. Without
 * rules it forwards every request unchanged. Tests add rules over HTTP at `<LOCAL_AWS_FAULTS_URL>` (`POST` a rule,
 * `GET` the rules with their hit counts, `DELETE` those of a scope).
 *
 * Rules match the AWS JSON protocol's `X-Amz-Target` (e.g. `secretsmanager.PutSecretValue`,
 * `DynamoDB_20120810.PutItem`) and, so that test files running in parallel never hit each
 * other, a text the request body must contain (a table or secret name).
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import type { CallerRegistry, CallRecorder } from './call-recorder';

export const FAULT_ACTIONS = ['fail', 'fail-after', 'crash-after'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

export interface FaultRule {
  /** `X-Amz-Target` of the call. */
  readonly target: string;
  /** Only requests whose body contains this text. */
  readonly bodyContains: string;
  /**
   * `fail`: answer an error without forwarding (the call did not happen);
   * `fail-after`: forward, then answer an error (the call happened, the caller thinks it failed);
   * `crash-after`: forward, then kill the calling function's worker: the one whose invocation's event
   *   also holds `bodyContains`, else all of them (a crash between two steps).
   */
  readonly action: FaultAction;
  /** Let this many matching requests through first. @default 0 */
  readonly skip?: number;
  /** Fault this many matching requests, then pass again. @default 1 */
  readonly times?: number;
  /** With `crash-after`: the function whose worker is killed. */
  readonly functionName?: string;
}

interface ActiveRule extends FaultRule {
  seen: number;
  faulted: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly controlUrl: string;
  stop(): Promise<void>;
}

const CONTROL_PATH = '/_local/faults';

export async function startFaultProxy(options: {
  readonly targetUrl: string;
  /** Kills the function's worker whose invocation's event holds `eventContains` (its invocation fails as a crashed runtime's would). */
  readonly crash: (functionName: string, eventContains: string) => Promise<void>;
  /** Tells a Lambda function's calls from everyone else's: rules apply to the functions' calls only. */
  readonly callers?: CallerRegistry;
  /** Records the functions' calls and every policy or tag change (see call-recorder.ts). */
  readonly recorder?: CallRecorder;
}): Promise<FaultProxy> {
  let rules: ActiveRule[] = [];
  const target = new URL(options.targetUrl);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url === CONTROL_PATH) return control(req.method ?? 'GET', body, res);
      const amzTarget = req.headers['x-amz-target'] === undefined ? undefined : String(req.headers['x-amz-target']);
      const authorization = req.headers.authorization;
      // Terraform, the CLI and the tests come through here too: only the functions' calls are faulted.
      const fromFunction = options.callers === undefined || options.callers.identityOf(authorization) !== undefined;
      const rule = fromFunction ? match(amzTarget ?? '', body.toString('utf8')) : undefined;
      if (rule?.action === 'fail') {
        options.recorder?.record({ authorization, amzTarget, method: req.method, path: req.url, body: body.toString('utf8') }, 400, '');
        return injectedError(res, rule);
      }
      forward(req, body, (status, headers, answer) => {
        options.recorder?.record(
          { authorization, amzTarget, method: req.method, path: req.url, body: body.toString('utf8') },
          status,
          amzTarget === 'secretsmanager.CreateSecret' ? answer.toString('utf8') : '',
        );
        if (rule?.action === 'fail-after') return injectedError(res, rule);
        if (rule?.action === 'crash-after') {
          // The caller never hears back: its process is gone.
          void options.crash(rule.functionName ?? '', rule.bodyContains).finally(() => res.destroy());
          return;
        }
        res.writeHead(status, headers).end(answer);
      }, (error) => {
        res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: error.message }));
      });
    });
  });

  function match(amzTarget: string, body: string): ActiveRule | undefined {
    for (const rule of rules) {
      if (rule.target !== amzTarget || !body.includes(rule.bodyContains)) continue;
      rule.seen += 1;
      if (rule.seen > (rule.skip ?? 0) && rule.faulted < (rule.times ?? 1)) {
        rule.faulted += 1;
        return rule;
      }
    }
    return undefined;
  }

  function control(method: string, body: Buffer, res: http.ServerResponse): void {
    if (method === 'POST') {
      const rule = JSON.parse(body.toString('utf8')) as FaultRule;
      const problem = invalid(rule);
      if (problem) return void res.writeHead(400, { 'content-type': 'text/plain' }).end(problem);
      rules.push({ ...rule, seen: 0, faulted: 0 });
    } else if (method === 'DELETE') {
      // `{"bodyContains": "x"}` removes the rules scoped to names containing x; no body removes all.
      const scope = body.length > 0 ? (JSON.parse(body.toString('utf8')) as { bodyContains?: string }).bodyContains : undefined;
      rules = scope === undefined ? [] : rules.filter((rule) => !rule.bodyContains.includes(scope));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rules));
  }

  function forward(
    req: http.IncomingMessage,
    body: Buffer,
    onAnswer: (status: number, headers: http.IncomingHttpHeaders, answer: Buffer) => void,
    onError: (error: Error) => void,
  ): void {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => parts.push(chunk));
        answer.on('end', () => onAnswer(answer.statusCode ?? 502, answer.headers, Buffer.concat(parts)));
      },
    );
    upstream.on('error', onError);
    upstream.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    controlUrl: `${url}${CONTROL_PATH}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function invalid(rule: FaultRule): string | undefined {
  if (typeof rule.target !== 'string' || !rule.target) return 'target: an X-Amz-Target such as secretsmanager.PutSecretValue';
  if (typeof rule.bodyContains !== 'string' || rule.bodyContains.length < 3) return 'bodyContains: at least 3 characters';
  if (!(FAULT_ACTIONS as readonly string[]).includes(rule.action)) return `action: one of ${FAULT_ACTIONS.join(', ')}`;
  if (rule.action === 'crash-after' && !rule.functionName) return 'functionName: required with crash-after';
  return undefined;
}

/** A non-retryable client error, so the SDK gives up at once instead of retrying past the fault. */
function injectedError(res: http.ServerResponse, rule: FaultRule): void {
  res
    .writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'injected-fault' })
    .end(JSON.stringify({ __type: 'InjectedFault', message: `injected fault (${rule.action}) on ${rule.target}` }));
}
