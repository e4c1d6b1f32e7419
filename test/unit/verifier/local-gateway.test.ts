import { lambdaOfIntegrationUri, matchRoute } from '../../../local/api-gateway';
import { readVerifierConfig } from '../../../handlers/verifier/config';
import { wrapGatewayHandler } from '../../../handlers/verifier/wrap';

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
    expect(() => readVerifierConfig({ ...env, DATA_API_ISSUER: 'https://data.example.com/' })).toThrow(/DATA_API_ISSUER .*trailing slash/);
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
