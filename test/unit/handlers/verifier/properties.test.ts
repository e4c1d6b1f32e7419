/**
 * People type anything into an Authorization header or a token request. Thousands of generated
 * requests: the token endpoint answers 400 or 401, the records route 401, 403 or 404, never a 5xx
 * or an exception, and each answer comes quickly.
 */
import fc from 'fast-check';
import { ACCESS_TOKEN } from '../../../../handlers/contract/gateway';
import { generateApiKey } from '../../../../handlers/secret-format';
import { handleRecordsRequest, handleTokenRequest, HttpApiEvent } from '../../../../handlers/verifier';
import { KEY_ID, OAUTH_ID, recordsRequest, World } from '../../../support/verifier-world';

const RUNS = { numRuns: 2000, interruptAfterTimeLimit: 30_000 };
/** Generous for a pure function over in-memory fakes; a regex blow-up or a loop would exceed it. */
const MAX_MS_EACH = 250;

function setup() {
  const world = new World();
  const client = world.addOAuthClient(OAUTH_ID, ['conversations', 'users']);
  const apiKey = world.addApiKey(KEY_ID, ['conversations', 'interactions']);
  let backendCalls = 0;
  const tokenDeps = { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes };
  const recordsDeps = {
    readCredential: world.readCredential,
    readToken: world.readToken,
    findAdoptedKey: world.findAdoptedKey,
    now: world.now,
    backend: async () => {
      backendCalls++;
      return { statusCode: 200, headers: {}, body: '{}' };
    },
  };
  return { world, client, apiKey, tokenDeps, recordsDeps, backendCalls: () => backendCalls };
}

/** Strings near the valid ones as well as noise: prefixes, wrong lengths, separators, unicode, huge. */
const nearly = (valid: string[]) =>
  fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(...valid),
    fc.tuple(fc.constantFrom(...valid), fc.nat({ max: 60 }), fc.string({ maxLength: 3 })).map(
      ([v, at, insert]) => v.slice(0, at) + insert + v.slice(at + insert.length),
    ),
    fc.constantFrom('', ' ', 'x'.repeat(100_000), '%', '%zz', '\u0000', 'Bearer', 'Basic', `${ACCESS_TOKEN.PREFIX}`),
  );

async function timed<T>(work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  expect(ms).toBeLessThan(MAX_MS_EACH);
  return result;
}

describe('token endpoint, generated requests', () => {
  test('anything that is not a valid client_credentials request is 400 or 401, never an exception', async () => {
    const { client, tokenDeps } = setup();
    const pieces = nearly([client.clientId, client.clientSecret, 'client_credentials', 'conversations users']);
    const request = fc
      .record({
        body: fc.oneof(
          fc.dictionary(fc.constantFrom('grant_type', 'client_id', 'client_secret', 'scope', 'GRANT_TYPE', ''), pieces).map((d) =>
            new URLSearchParams(d).toString(),
          ),
          pieces,
        ),
        contentType: fc.oneof(fc.constant('application/x-www-form-urlencoded'), fc.string({ maxLength: 40 }), fc.constant(undefined)),
        authorization: fc.oneof(
          fc.constant(undefined),
          pieces.map((p) => `Basic ${Buffer.from(p).toString('base64')}`),
          pieces.map((p) => `Basic ${p}`),
          pieces,
        ),
        base64: fc.boolean(),
      })
      .map(({ body, contentType, authorization, base64 }): HttpApiEvent => ({
        headers: {
          ...(contentType === undefined ? {} : { 'content-type': contentType }),
          ...(authorization === undefined ? {} : { authorization }),
        },
        body: base64 ? Buffer.from(body).toString('base64') : body,
        isBase64Encoded: base64,
      }));

    await fc.assert(
      fc.asyncProperty(request, async (event) => {
        const { response } = await timed(() => handleTokenRequest(event, tokenDeps));
        if (response.statusCode === 200) {
          // Only a request that really carries the client's id and secret may succeed.
          const text = `${event.body} ${event.headers?.authorization ?? ''}`;
          const decoded = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString() : text;
          expect(`${decoded} ${text}`).toContain(encodeURIComponent(client.clientSecret).slice(0, 20));
          return;
        }
        expect([400, 401]).toContain(response.statusCode);
        expect(() => JSON.parse(response.body)).not.toThrow();
        expect(JSON.parse(response.body).error).toMatch(/^(invalid_request|invalid_client|unsupported_grant_type|invalid_scope)$/);
      }),
      RUNS,
    );
  });
});

describe('records route, generated Authorization headers', () => {
  test('any header other than a valid key or token is 401; never an exception, never the backend', async () => {
    const { apiKey, recordsDeps, backendCalls } = setup();
    const header = fc.oneof(
      fc.constant(undefined),
      nearly([apiKey, generateApiKey('c'.repeat(32))]).map((v) => `Bearer ${v}`),
      fc.tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Token', ''), fc.constantFrom(' ', '  ', '\t', ''), nearly([apiKey])).map(
        ([scheme, gap, value]) => `${scheme}${gap}${value}`,
      ),
      fc.string({ maxLength: 300 }),
    );
    const entity = fc.oneof(fc.constantFrom('conversations', 'interactions', 'users', 'billing', '', '../users'), fc.string({ maxLength: 30 }));

    await fc.assert(
      fc.asyncProperty(header, entity, fc.constantFrom('v1', 'v1beta2'), async (authorization, name, version) => {
        const calls = backendCalls();
        const { response } = await timed(() => handleRecordsRequest(recordsRequest(name, authorization, version), recordsDeps));
        // RFC 6750 2.1: "Bearer" (any case, RFC 7235) then one or more spaces, then the value.
        if (authorization !== undefined && /^bearer +/i.test(authorization) && authorization.replace(/^bearer +/i, '') === apiKey) {
          expect([200, 403, 404]).toContain(response.statusCode);
          return;
        }
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="data-api"/);
        expect(backendCalls()).toBe(calls);
      }),
      RUNS,
    );
  });
});
