import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { lambdaOfIntegrationUri, LocalApiGateway, matchRoute, startLocalApiGateway } from '../../../../local/api-gateway';
import { readVerifierConfig } from '../../../../handlers/verifier/config';
import { wrapGatewayHandler } from '../../../../handlers/verifier/wrap';

describe('local API gateway route selection (as API Gateway HTTP APIs choose)', () => {
  const routes = [
    { routeKey: 'POST /oauth/v1/token' },
    { routeKey: 'GET /export/v1/records/{entity}' },
    { routeKey: 'GET /export/v1/records/special' },
    { routeKey: 'ANY /files/{proxy+}' },
  ];

  test('literal segments beat parameters; parameters are captured and decoded', () => {
    expect(matchRoute(routes, 'GET', '/export/v1/records/special')?.route.routeKey).toBe('GET /export/v1/records/special');
    expect(matchRoute(routes, 'GET', '/export/v1/records/plugin%2Dcalls')).toMatchObject({ pathParameters: { entity: 'plugin-calls' } });
  });

  test('method, segment count and unknown versions do not match; a greedy route takes the rest', () => {
    expect(matchRoute(routes, 'GET', '/oauth/v1/token')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/export/v2/records/users')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/export/v1/records/users/extra')).toBeUndefined();
    expect(matchRoute(routes, 'DELETE', '/files/a/b')).toMatchObject({ pathParameters: { proxy: 'a/b' } });
    expect(matchRoute([...routes, { routeKey: '$default' }], 'GET', '/nowhere')?.route.routeKey).toBe('$default');
  });

  test('integration URIs: function ARNs and invoke ARNs', () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
    expect(lambdaOfIntegrationUri(arn)).toBe(arn);
    expect(lambdaOfIntegrationUri(`arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`)).toBe(arn);
    expect(lambdaOfIntegrationUri('https://example.com')).toBeUndefined();
  });
});

describe('gateway Lambda configuration and wrapper', () => {
  const env = { CREDENTIALS_TABLE_NAME: 'table', AWS_REGION: 'us-east-1' };

  test('reads the table, backend and cache TTL once, and names the variable when one is wrong', () => {
    expect(readVerifierConfig({ ...env, DATA_API_BACKEND_URL: 'http://127.0.0.1:1/x' })).toEqual({
      tableName: 'table',
      region: 'us-east-1',
      backend: { kind: 'http', url: 'http://127.0.0.1:1/x' },
      authCacheTtlSeconds: 0,
      introspectionCredentialIds: [],
    });
    const token = { ...env, DATA_API_ISSUER: 'https://data.example.com', DATA_API_INTROSPECTION_CREDENTIAL_IDS: `${'a'.repeat(32)},${'b'.repeat(32)}` };
    expect(readVerifierConfig(token)).toMatchObject({ issuer: 'https://data.example.com', introspectionCredentialIds: ['a'.repeat(32), 'b'.repeat(32)] });
    expect(() => readVerifierConfig({ ...env, DATA_API_ISSUER: 'https://data.example.com/' })).toThrow(/DATA_API_ISSUER="https:\/\/data.example.com\/" is not .*trailing slash/);
    expect(() => readVerifierConfig({ ...env, DATA_API_ISSUER: 'http://data.example.com' })).toThrow(/DATA_API_ISSUER/);
    expect(() => readVerifierConfig({ ...env, DATA_API_INTROSPECTION_CREDENTIAL_IDS: 'dci_x' })).toThrow(/DATA_API_INTROSPECTION_CREDENTIAL_IDS/);
    expect(() => readVerifierConfig({ AWS_REGION: 'us-east-1' })).toThrow(/CREDENTIALS_TABLE_NAME/);
    expect(() => readVerifierConfig({ ...env, DATA_API_AUTH_CACHE_TTL_SECONDS: 'soon' })).toThrow(/DATA_API_AUTH_CACHE_TTL_SECONDS/);
    expect(() =>
      readVerifierConfig({ ...env, DATA_API_BACKEND_URL: 'http://x', DATA_API_BACKEND_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:f' }),
    ).toThrow(/not both/);
  });

  test('an exception becomes a 500 JSON answer, and neither it nor the log line carries a secret from the message', async () => {
    const secret = `dat_${'Z'.repeat(49)}`;
    const lines: string[] = [];
    const handler = wrapGatewayHandler(
      'records',
      async () => {
        throw new Error(`boom with ${secret}`);
      },
      (line) => lines.push(line),
    );
    const response = await handler({ headers: { authorization: `Bearer ${secret}` } });
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ error: 'server_error', error_description: 'Internal error' });
    expect(lines).toHaveLength(1);
    expect(lines.join('')).not.toContain(secret);
    expect(lines.join('')).toContain('dat_[REDACTED]');
  });
});

/** An HTTP server on loopback answering `answer(method, path, body)` as JSON; closed by `close`. */
async function fakeServer(answer: (method: string, path: string, body: string) => unknown) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const result = answer(req.method ?? 'GET', req.url ?? '/', Buffer.concat(chunks).toString('utf8'));
      if (result === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('local API gateway: addressed APIs and their well-known documents (RFC 8414 3.1, RFC 9728 3.1)', () => {
  const FN = 'arn:aws:lambda:us-east-1:123456789012:function:oauth';
  let moto: Awaited<ReturnType<typeof fakeServer>>;
  let lambda: Awaited<ReturnType<typeof fakeServer>>;
  let gateway: LocalApiGateway;

  beforeAll(async () => {
    // moto's apigatewayv2 API, as Terraform left it: one HTTP API with a $default stage.
    moto = await fakeServer((_, path) => {
      const answers: Record<string, unknown> = {
        '/v2/apis': { items: [{ apiId: 'abc123', name: 'api', protocolType: 'HTTP' }] },
        '/v2/apis/abc123/stages': { items: [{ stageName: '$default' }] },
        '/v2/apis/abc123/routes': {
          items: [
            { routeKey: 'GET /.well-known/oauth-authorization-server', target: 'integrations/i1' },
            { routeKey: 'POST /oauth/v1/token', target: 'integrations/i1' },
          ],
        },
        '/v2/apis/abc123/integrations/i1': { integrationId: 'i1', integrationType: 'AWS_PROXY', integrationUri: FN, payloadFormatVersion: '2.0' },
      };
      return answers[path];
    });
    // A function that answers with the event it got.
    lambda = await fakeServer((_, __, body) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body }));
    gateway = await startLocalApiGateway({ motoUrl: moto.url, lambdaUrl: lambda.url, region: 'us-east-1', log: () => undefined });
  });

  afterAll(async () => {
    await gateway?.stop();
    await lambda?.close();
    await moto?.close();
  });

  const eventOf = async (path: string) => {
    const response = await fetch(`${gateway.url}${path}`, { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(200);
    return (await response.json()) as { rawPath: string; requestContext: { domainName: string; http: { path: string } } };
  };

  test('the host the client addressed is the domain name; an addressed API keeps /_api/<id> in http.path, not in rawPath', async () => {
    const host = new URL(gateway.url).host;
    expect(await eventOf('/.well-known/oauth-authorization-server')).toMatchObject({
      rawPath: '/.well-known/oauth-authorization-server',
      requestContext: { domainName: host, http: { path: '/.well-known/oauth-authorization-server' } },
    });
    expect(await eventOf('/_api/abc123/.well-known/oauth-authorization-server')).toMatchObject({
      rawPath: '/.well-known/oauth-authorization-server',
      requestContext: { domainName: host, http: { path: '/_api/abc123/.well-known/oauth-authorization-server' } },
    });
  });

  test('the well-known document of an addressed API is also served where RFC 8414 puts it for a base URL with a path', async () => {
    expect(await eventOf('/.well-known/oauth-authorization-server/_api/abc123')).toMatchObject({
      rawPath: '/.well-known/oauth-authorization-server',
      requestContext: { http: { path: '/.well-known/oauth-authorization-server/_api/abc123' } },
    });
    const unknown = await fetch(`${gateway.url}/.well-known/oauth-authorization-server/_api/nope`, { signal: AbortSignal.timeout(5_000) });
    expect(unknown.status).toBe(404);
  });

  test('a body over the 10 MB payload limit is 413, not read into memory', async () => {
    const response = await fetch(`${gateway.url}/oauth/v1/token`, {
      method: 'POST',
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61),
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(413);
  });
});

describe('local API gateway: every request gets an answer, whatever the function answered', () => {
  const FN = 'arn:aws:lambda:us-east-1:123456789012:function:answers';
  /** What the function answers, by the path it was invoked for (its event's rawPath). */
  const ANSWERS: Record<string, unknown> = {
    '/fine': { statusCode: 401, headers: { 'www-authenticate': 'Bearer realm="data-api", error="invalid_token"' }, body: '{"error":"invalid_token"}' },
    '/line-break-in-header': { statusCode: 401, headers: { 'x-detail': 'one\r\nset-cookie: injected=1' }, body: '' },
    '/non-latin1-header': { statusCode: 401, headers: { 'x-detail': 'revoked \u2026' }, body: '' },
    '/bad-header-name': { statusCode: 200, headers: { 'bad name': 'x' }, body: '' },
    '/status-0': { statusCode: 0, body: '' },
    '/status-1000': { statusCode: 1000, body: '' },
    '/status-fraction': { statusCode: 200.5, body: '' },
    '/chunked': { statusCode: 200, headers: { 'transfer-encoding': 'chunked' }, body: '{"value":[]}' },
  };
  let moto: Awaited<ReturnType<typeof fakeServer>>;
  let lambda: Awaited<ReturnType<typeof fakeServer>>;
  let gateway: LocalApiGateway;
  const logged: string[] = [];

  beforeAll(async () => {
    moto = await fakeServer((_, path) => {
      const answers: Record<string, unknown> = {
        '/v2/apis': { items: [{ apiId: 'xyz789', name: 'api', protocolType: 'HTTP' }] },
        '/v2/apis/xyz789/stages': { items: [{ stageName: '$default' }] },
        '/v2/apis/xyz789/routes': { items: [{ routeKey: 'GET /{case}', target: 'integrations/i1' }] },
        '/v2/apis/xyz789/integrations/i1': { integrationId: 'i1', integrationType: 'AWS_PROXY', integrationUri: FN, payloadFormatVersion: '2.0' },
      };
      return answers[path];
    });
    lambda = await fakeServer((_, __, body) => ANSWERS[(JSON.parse(body) as { rawPath: string }).rawPath]);
    gateway = await startLocalApiGateway({ motoUrl: moto.url, lambdaUrl: lambda.url, region: 'us-east-1', log: (line) => logged.push(line) });
  });

  afterAll(async () => {
    await gateway?.stop();
    await lambda?.close();
    await moto?.close();
  });

  /** The status, or how the request failed (a dropped connection, a timeout): bounded by a 5 s timeout. */
  const statusOf = async (path: string): Promise<number | string> => {
    try {
      const response = await fetch(`${gateway.url}${path}`, { signal: AbortSignal.timeout(5_000) });
      const body = await response.text();
      return response.status === 500 ? `500 ${body}` : response.status;
    } catch (err) {
      return `no answer: ${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name}`;
    }
  };

  test('an answer HTTP cannot carry is a 500 as API Gateway answers a malformed Lambda response, and the server keeps serving', async () => {
    const malformed = Object.keys(ANSWERS).filter((path) => !['/fine', '/chunked'].includes(path));
    const answers: Record<string, number | string> = {};
    for (const path of malformed) answers[path] = await statusOf(path);
    expect(answers).toEqual(Object.fromEntries(malformed.map((path) => [path, '500 {"message":"Internal Server Error"}'])));
    // The function's own framing headers are not passed on: the gateway frames the answer.
    expect(await statusOf('/chunked')).toBe(200);
    expect(await statusOf('/fine')).toBe(401);
    expect(logged.filter((line) => / 500 /.test(line))).toHaveLength(malformed.length);
  });
});
