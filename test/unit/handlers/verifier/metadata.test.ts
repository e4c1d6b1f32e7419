import { DATA_API_ROUTES } from '../../../../handlers/contract/gateway';
import { HttpApiEvent } from '../../../../handlers/verifier/http';
import { baseUrlOf, handleMetadataRequest } from '../../../../handlers/verifier/metadata';

const API_HOST = 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com';

function metadataRequest(domainName: string | undefined, path: string, routeKey: string = DATA_API_ROUTES.SERVER_METADATA): HttpApiEvent {
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    headers: { host: domainName ?? 'x' },
    requestContext: { ...(domainName === undefined ? {} : { domainName }), http: { method: 'GET', path }, stage: '$default' },
  };
}

describe('authorization server metadata (RFC 8414)', () => {
  test('on the execute-api URL: issuer is exactly the gateway URL output, endpoints below it, no OpenID fields', () => {
    const outcome = handleMetadataRequest(metadataRequest(API_HOST, '/.well-known/oauth-authorization-server'), {});
    expect(outcome.response.statusCode).toBe(200);
    const issuer = `https://${API_HOST}`;
    expect(JSON.parse(outcome.response.body)).toEqual({
      issuer,
      token_endpoint: `${issuer}/oauth/v1/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      grant_types_supported: ['client_credentials'],
      response_types_supported: [],
      scopes_supported: ['conversations', 'interactions', 'plugin-calls', 'plugin-resources', 'users'],
      revocation_endpoint: `${issuer}/oauth/v1/revoke`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint: `${issuer}/oauth/v1/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
    expect(outcome.response.headers['content-type']).toMatch(/^application\/json/);
  });

  test('a custom domain names itself; a named stage or mapping key kept in the path becomes the issuer path', () => {
    const doc = (event: HttpApiEvent) => JSON.parse(handleMetadataRequest(event, {}).response.body);
    expect(doc(metadataRequest('data.example.com', '/.well-known/oauth-authorization-server')).issuer).toBe('https://data.example.com');
    expect(doc(metadataRequest('data.example.com', '/analytics/.well-known/oauth-authorization-server'))).toMatchObject({
      issuer: 'https://data.example.com/analytics',
      token_endpoint: 'https://data.example.com/analytics/oauth/v1/token',
    });
  });

  test('the local gateway: http on a loopback host, and the RFC 8414 3.1 form for an issuer with a path', () => {
    const local = '127.0.0.1:4567';
    expect(baseUrlOf(metadataRequest(local, '/.well-known/oauth-authorization-server'), DATA_API_ROUTES.SERVER_METADATA_PATH)).toBe('http://127.0.0.1:4567');
    for (const path of ['/.well-known/oauth-authorization-server/_api/abc123', '/_api/abc123/.well-known/oauth-authorization-server']) {
      expect(baseUrlOf(metadataRequest(local, path), DATA_API_ROUTES.SERVER_METADATA_PATH)).toBe('http://127.0.0.1:4567/_api/abc123');
    }
    expect(baseUrlOf(metadataRequest('localhost:80', '/.well-known/oauth-authorization-server'), DATA_API_ROUTES.SERVER_METADATA_PATH)).toBe('http://localhost:80');
    // Not loopback: https, whatever the request says.
    expect(baseUrlOf(metadataRequest('127.0.0.1.example.com', '/.well-known/oauth-authorization-server'), DATA_API_ROUTES.SERVER_METADATA_PATH)).toBe(
      'https://127.0.0.1.example.com',
    );
  });

  test('a configured issuer wins over the request (a CDN in front)', () => {
    const outcome = handleMetadataRequest(metadataRequest(API_HOST, '/.well-known/oauth-authorization-server'), { issuer: 'https://data.example.com' });
    expect(JSON.parse(outcome.response.body).revocation_endpoint).toBe('https://data.example.com/oauth/v1/revoke');
  });

  test.each([
    ['no domain name', undefined, '/.well-known/oauth-authorization-server'],
    ['a host with a path in it', 'evil.example/x', '/.well-known/oauth-authorization-server'],
    ['a host with a quote', 'a"b', '/.well-known/oauth-authorization-server'],
    ['a prefix with an empty segment', API_HOST, '//.well-known/oauth-authorization-server'],
    ['a prefix with a space', API_HOST, '/a b/.well-known/oauth-authorization-server'],
    ['a path of another document', API_HOST, '/.well-known/openid-configuration'],
  ])('%s: 500, no document naming a base URL the request does not show', (_, host, path) => {
    const outcome = handleMetadataRequest(metadataRequest(host, path), {});
    expect([outcome.response.statusCode, outcome.outcome]).toEqual([500, 'no_base_url']);
  });
});

describe('protected resource metadata of the records API (RFC 9728)', () => {
  test('the resource is the base URL, protected by the issuer at the same URL, bearer values in the header only', () => {
    const event = metadataRequest(API_HOST, '/.well-known/oauth-protected-resource', DATA_API_ROUTES.RESOURCE_METADATA);
    expect(JSON.parse(handleMetadataRequest(event, {}).response.body)).toEqual({
      resource: `https://${API_HOST}`,
      authorization_servers: [`https://${API_HOST}`],
      scopes_supported: ['conversations', 'interactions', 'plugin-calls', 'plugin-resources', 'users'],
      bearer_methods_supported: ['header'],
      resource_name: 'Data API records export',
    });
  });

  test('another route key is 404', () => {
    expect(handleMetadataRequest(metadataRequest(API_HOST, '/x', 'GET /x'), {}).response.statusCode).toBe(404);
  });
});
