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
