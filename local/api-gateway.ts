import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The execute-api side of API Gateway HTTP APIs, locally: moto stores the APIs Terraform creates
 * (routes, integrations, stages) but does not serve them, so this server does. For every request
 * it reads the deployed API from moto's apigatewayv2 API over HTTP, matches a route like API
 * Gateway does, and runs a Lambda proxy integration (payload format 2.0) through the local Lambda
 * runner, mapping the function's answer back as API Gateway would. Nothing about the Data API is
 * hard-coded here.
 *
 * Which API: `<url>/_api/<api id>/<path>` addresses one; `<url>/<path>` is the only HTTP API that
 * has a `$default` stage (404 when there is none or several, naming them). An addressed API's base
 * URL has a path, so its well-known documents are also found where RFC 8414 section 3.1 and RFC 9728
 * section 3.1 put them for such a URL: `<url>/.well-known/<name>/_api/<api id>`.
 *
 * `/_api/<api id>` behaves like a custom domain's API mapping key: `requestContext.http.path` keeps
 * it (as on AWS), `rawPath` does not (on AWS it would), so the functions' own path checks see the
 * API's paths either way. `requestContext.domainName` is the host the client addressed, as on AWS.
 *
 * Not emulated (answered 500 with a message saying so): routes with an authorizer, integrations
 * other than AWS_PROXY with payload format 2.0, named stages, custom domains, CORS, throttling.
 * Bodies over API Gateway's 10 MB payload limit are answered 413 without being read further.
 * A function answer that HTTP cannot carry (a status outside 100-599, a header name or value Node
 * refuses to write) is a 500, as API Gateway answers a malformed Lambda response: every request
 * gets an answer, and one function's answer never takes the server down.
 */
export interface LocalApiGatewayOptions {
  readonly motoUrl: string;
  /** The local Lambda runner (AWS_ENDPOINT_URL_LAMBDA): integrations are invoked through it. */
  readonly lambdaUrl: string;
  readonly region: string;
  /** One line per request: method, path, status, duration; never headers or bodies. */
  readonly log: (line: string) => void;
}

export interface LocalApiGateway {
  readonly url: string;
  stop(): Promise<void>;
}

interface Route {
  routeKey: string;
  target?: string;
  authorizationType?: string;
}
interface Integration {
  integrationId: string;
  integrationType: string;
  integrationUri?: string;
  payloadFormatVersion?: string;
  timeoutInMillis?: number;
}
interface Api {
  apiId: string;
  name: string;
  protocolType: string;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|[a-z.+-]*\+json|[a-z.+-]*\+xml))/i;
/** API Gateway HTTP APIs' payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Headers of a function's answer that API Gateway sets itself rather than pass on. */
const FRAMING_HEADERS = ['content-length', 'transfer-encoding', 'connection', 'keep-alive'];
/** What a Host header may be to become `requestContext.domainName`. */
const HOST = /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(:\d{1,5})?$/;

const message = (status: number, text: string): Reply => ({
  status,
  headers: { 'content-type': 'application/json', 'apigw-requestid': randomUUID() },
  body: Buffer.from(JSON.stringify({ message: text })),
});

export async function startLocalApiGateway(options: LocalApiGatewayOptions): Promise<LocalApiGateway> {
  const authorization = (service: string) =>
    `AWS4-HMAC-SHA256 Credential=test/20000101/${options.region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;

  async function moto<T>(path: string): Promise<T | undefined> {
    const answer = await fetch(`${options.motoUrl}${path}`, {
      headers: { authorization: authorization('apigateway') },
      signal: AbortSignal.timeout(5_000),
    });
    if (answer.status === 404) return undefined;
    if (!answer.ok) throw new Error(`moto answered ${answer.status} to GET ${path}`);
    return (await answer.json()) as T;
  }

  async function items<T>(path: string): Promise<T[]> {
    return (await moto<{ items?: T[] }>(path))?.items ?? [];
  }

  async function withDefaultStage(apiId: string): Promise<boolean> {
    return (await items<{ stageName: string }>(`/v2/apis/${apiId}/stages`)).some((s) => s.stageName === '$default');
  }

  async function pickApi(path: string): Promise<{ api?: Api; path: string; reply?: Reply }> {
    const apis = (await items<Api>('/v2/apis')).filter((a) => a.protocolType === 'HTTP');
    const explicit = /^\/_api\/([^/]+)(\/.*)?$/.exec(path);
    const wellKnown = /^(\/\.well-known\/[^/]+)\/_api\/([^/]+)$/.exec(path);
    if (explicit || wellKnown) {
      const apiId = explicit ? explicit[1] : wellKnown![2];
      const api = apis.find((a) => a.apiId === apiId);
      if (!api || !(await withDefaultStage(api.apiId))) return { path, reply: message(404, 'Not Found') };
      return { api, path: explicit ? (explicit[2] ?? '/') : wellKnown![1] };
    }
    const served: Api[] = [];
    for (const api of apis) if (await withDefaultStage(api.apiId)) served.push(api);
    if (served.length === 1) return { api: served[0], path };
    const names = served.map((a) => `${a.name} (/_api/${a.apiId})`).join(', ');
    return {
      path,
      reply: message(404, served.length === 0 ? 'Not Found (no HTTP API with a $default stage is deployed)' : `Not Found: several HTTP APIs are deployed, address one: ${names}`),
    };
  }

  async function handle(req: http.IncomingMessage, body: Buffer): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const picked = await pickApi(url.pathname);
    if (!picked.api) return picked.reply!;
    const { api } = picked;
    const method = (req.method ?? 'GET').toUpperCase();
    const routes = await items<Route>(`/v2/apis/${api.apiId}/routes`);
    const match = matchRoute(routes, method, picked.path);
    if (!match) return message(404, 'Not Found');
    if (match.route.authorizationType && match.route.authorizationType !== 'NONE') {
      return message(500, `local API gateway: authorizers (${match.route.authorizationType}) are not emulated`);
    }
    const integrationId = /^integrations\/(.+)$/.exec(match.route.target ?? '')?.[1];
    const integration = integrationId ? await moto<Integration>(`/v2/apis/${api.apiId}/integrations/${integrationId}`) : undefined;
    if (!integration) return message(500, 'Internal Server Error');
    if (integration.integrationType !== 'AWS_PROXY' || (integration.payloadFormatVersion ?? '2.0') !== '2.0') {
      return message(500, `local API gateway: only AWS_PROXY integrations with payload format 2.0 are emulated`);
    }
    const functionArn = lambdaOfIntegrationUri(integration.integrationUri ?? '');
    if (!functionArn) return message(500, 'Internal Server Error');
    const event = payloadEvent(req, url, body, api, match, picked.path, options.region);
    const invoked = await fetch(`${options.lambdaUrl}/2015-03-31/functions/${encodeURIComponent(functionArn)}/invocations`, {
      method: 'POST',
      headers: { authorization: authorization('lambda'), 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(integration.timeoutInMillis ?? 30_000),
    }).catch(() => undefined);
    if (!invoked) return message(503, 'Service Unavailable');
    const text = await invoked.text();
    if (invoked.status !== 200 || invoked.headers.get('x-amz-function-error')) return message(500, 'Internal Server Error');
    return replyOfResult(text, event.requestContext.requestId);
  }

  const server = http.createServer((req, res) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        const reply = message(413, 'Request Entity Too Large');
        res.writeHead(reply.status, { ...reply.headers, 'content-length': reply.body.length }).end(reply.body);
        return;
      }
      handle(req, Buffer.concat(chunks))
        .catch((err: Error): Reply => {
          options.log(`api gateway error: ${err.message}`);
          return message(500, 'Internal Server Error');
        })
        .then((reply) => {
          options.log(`api ${req.method} ${(req.url ?? '').split('?')[0]} ${reply.status} ${Date.now() - started} ms`);
          send(res, reply, options.log);
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Writes a reply; never throws. The write used to run in a `.then` with no handler after it: an
 * answer Node refuses to write (a header value with a line break or a character above U+00FF, an
 * invalid header name or status) rejected a promise nobody handled, which ends a Node 20 process,
 * so the whole local AWS died and every connection in flight was dropped (`UND_ERR_SOCKET`).
 * `replyOfResult` already turns such a function answer into API Gateway's 500; this is the last
 * guard: a 500 if nothing was sent yet, else the connection is closed, and either way a log line.
 */
function send(res: http.ServerResponse, reply: Reply, log: (line: string) => void): void {
  try {
    res.writeHead(reply.status, { ...reply.headers, 'content-length': reply.body.length }).end(reply.body);
  } catch (err) {
    log(`api gateway error: the reply could not be written (${(err as Error).message})`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    try {
      res.removeHeader('content-length');
      const fallback = message(500, 'Internal Server Error');
      res.writeHead(fallback.status, { ...fallback.headers, 'content-length': fallback.body.length }).end(fallback.body);
    } catch {
      res.destroy();
    }
  }
}

interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string>;
}

/**
 * API Gateway's route selection: the most specific route wins: exact method over ANY, literal
 * segments over `{param}`, `{param}` over a greedy `{proxy+}`; `$default` catches the rest.
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch | undefined {
  const segments = path.split('/').filter(Boolean).map(decodeSegment);
  let best: { match: RouteMatch; score: number[] } | undefined;
  for (const route of routes) {
    if (route.routeKey === '$default') continue;
    const [routeMethod, routePath] = route.routeKey.split(' ');
    if (routeMethod !== method && routeMethod !== 'ANY') continue;
    const parts = (routePath ?? '').split('/').filter(Boolean);
    const params: Record<string, string> = {};
    let literal = 0;
    let ok = true;
    let greedy = false;
    for (let i = 0; i < parts.length && ok; i++) {
      const part = parts[i];
      const greedyMatch = /^\{(.+)\+\}$/.exec(part);
      if (greedyMatch && i === parts.length - 1) {
        if (segments.length <= i) ok = false;
        else params[greedyMatch[1]] = segments.slice(i).join('/');
        greedy = true;
        break;
      }
      const param = /^\{(.+)\}$/.exec(part);
      if (i >= segments.length) ok = false;
      else if (param) params[param[1]] = segments[i];
      else if (part === segments[i]) literal++;
      else ok = false;
    }
    if (ok && !greedy && parts.length !== segments.length) ok = false;
    if (!ok) continue;
    const score = [greedy ? 0 : 1, literal, parts.length, routeMethod === 'ANY' ? 0 : 1];
    if (!best || compare(score, best.score) > 0) best = { match: { route, pathParameters: params }, score };
  }
  if (best) return best.match;
  const fallback = routes.find((r) => r.routeKey === '$default');
  return fallback ? { route: fallback, pathParameters: {} } : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `arn:aws:lambda:...:function:name` or the invoke ARN `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`. */
export function lambdaOfIntegrationUri(uri: string): string | undefined {
  const invoke = /^arn:[a-z-]+:apigateway:[a-z0-9-]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/.exec(uri);
  const arn = invoke ? invoke[1] : uri;
  return /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:.+$/.test(arn) ? arn : undefined;
}

/** The payload format 2.0 request event. */
function payloadEvent(
  req: http.IncomingMessage,
  url: URL,
  body: Buffer,
  api: Api,
  match: RouteMatch,
  path: string,
  region: string,
) {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'cookie') cookies.push(...value.split(/;\s*/).filter(Boolean));
    else headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  const contentType = headers['content-type'] ?? '';
  // API Gateway passes text bodies as they are and base64-encodes the rest (form posts included).
  const textBody = TEXT_TYPES.test(contentType);
  const now = new Date();
  const domainName = HOST.test(headers.host ?? '') ? headers.host : `${api.apiId}.execute-api.${region}.amazonaws.com`;
  return {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: path,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: api.apiId,
      domainName,
      domainPrefix: api.apiId,
      http: {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: textBody ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textBody,
  };
}

/**
 * A payload 2.0 function result as API Gateway maps it: an object with `statusCode` is the
 * response; any other JSON value is a 200 whose body is that JSON.
 */
function replyOfResult(text: string, requestId: string): Reply {
  let result: unknown;
  try {
    result = JSON.parse(text);
  } catch {
    return message(500, 'Internal Server Error');
  }
  const base = { 'apigw-requestid': requestId };
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const r = result as { statusCode: unknown; headers?: Record<string, unknown>; body?: unknown; isBase64Encoded?: boolean; cookies?: string[] };
    // What HTTP cannot carry is a malformed function response, which API Gateway answers with a 500.
    if (typeof r.statusCode !== 'number' || !Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599) {
      return message(500, 'Internal Server Error');
    }
    const headers: Record<string, string | string[]> = { ...base };
    for (const [name, value] of Object.entries(r.headers ?? {})) {
      const lower = name.toLowerCase();
      // API Gateway frames the response itself.
      if (FRAMING_HEADERS.includes(lower)) continue;
      headers[lower] = String(value);
    }
    if (Array.isArray(r.cookies) && r.cookies.length > 0) headers['set-cookie'] = r.cookies.map(String);
    try {
      for (const [name, value] of Object.entries(headers)) {
        http.validateHeaderName(name);
        for (const one of Array.isArray(value) ? value : [value]) http.validateHeaderValue(name, one);
      }
    } catch {
      return message(500, 'Internal Server Error');
    }
    const bodyText = typeof r.body === 'string' ? r.body : '';
    return { status: r.statusCode, headers, body: r.isBase64Encoded ? Buffer.from(bodyText, 'base64') : Buffer.from(bodyText) };
  }
  return { status: 200, headers: { ...base, 'content-type': 'application/json' }, body: Buffer.from(text) };
}
