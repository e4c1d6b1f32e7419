// One OAuth 2.0 client library (openid-client 6 or oauth4webapi 3) against the Data API gateway,
// configured with nothing but the base URL, client ids and secrets; prints one JSON report of what
// each step gave (or which error, of the library's own type, it raised) on stdout.
//
// A plain Node process because both libraries are ESM only: jest's CommonJS runtime cannot import
// them without --experimental-vm-modules. The input comes on stdin (never argv: secrets). Every
// request has a 20 s timeout; the caller kills the process after its own overall timeout.
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';

const REQUEST_TIMEOUT_SECONDS = 20;

/**
 * @typedef {{ clientId: string, clientSecret: string }} Credentials
 * @typedef {{ library: 'openid-client' | 'oauth4webapi', base: string, consumer: Credentials,
 *   other: Credentials, introspector: Credentials, apiKey: string }} Input
 */

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** What an error tells a caller, by the library's own error classes. Never a secret. */
async function describe(err) {
  const out = { name: err?.constructor?.name ?? typeof err, code: err?.code };
  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    out.status = err.status;
    out.challenges = err.cause;
    const text = await err.response.text().catch(() => '');
    out.body = text === '' ? '' : JSON.parse(text);
  } else if (err instanceof oauth.ResponseBodyError) {
    out.status = err.status;
    out.error = err.error;
    out.error_description = err.error_description;
  } else if (err instanceof Error) {
    out.message = err.message;
    if (err.cause && typeof err.cause === 'object' && 'code' in err.cause) out.causeCode = err.cause.code;
  }
  return out;
}

/** The same steps for both libraries, over this small adapter. */
function openidClient(base) {
  const options = { execute: [client.allowInsecureRequests], timeout: REQUEST_TIMEOUT_SECONDS };
  return {
    errorTypes: { challenge: client.WWWAuthenticateChallengeError, body: client.ResponseBodyError },
    async discover(creds, method, algorithm = 'oauth2') {
      const auth = method === 'basic' ? client.ClientSecretBasic() : client.ClientSecretPost();
      const config = await client.discovery(new URL(base), creds.clientId, creds.clientSecret, auth, { ...options, algorithm });
      return { config, metadata: config.serverMetadata() };
    },
    token: async ({ config }, scope) => client.clientCredentialsGrant(config, scope === undefined ? {} : { scope }),
    async records({ config }, token, entity) {
      const response = await client.fetchProtectedResource(config, token, new URL(`${base}/export/v1/records/${entity}`), 'GET');
      return { status: response.status, body: await response.json() };
    },
    revoke: ({ config }, token) => client.tokenRevocation(config, token),
    introspect: ({ config }, token) => client.tokenIntrospection(config, token),
  };
}

function oauth4webapi(base) {
  const options = () => ({ [oauth.allowInsecureRequests]: true, signal: AbortSignal.timeout(REQUEST_TIMEOUT_SECONDS * 1000) });
  return {
    errorTypes: { challenge: oauth.WWWAuthenticateChallengeError, body: oauth.ResponseBodyError },
    async discover(creds, method, algorithm = 'oauth2') {
      const issuer = new URL(base);
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm, ...options() }));
      const auth = method === 'basic' ? oauth.ClientSecretBasic(creds.clientSecret) : oauth.ClientSecretPost(creds.clientSecret);
      return { as, client: { client_id: creds.clientId }, auth, metadata: as };
    },
    async token({ as, client: c, auth }, scope) {
      const params = new URLSearchParams(scope === undefined ? {} : { scope });
      return oauth.processClientCredentialsResponse(as, c, await oauth.clientCredentialsGrantRequest(as, c, auth, params, options()));
    },
    async records(_, token, entity) {
      const response = await oauth.protectedResourceRequest(token, 'GET', new URL(`${base}/export/v1/records/${entity}`), undefined, undefined, options());
      return { status: response.status, body: await response.json() };
    },
    revoke: async ({ as, client: c, auth }, token) => oauth.processRevocationResponse(await oauth.revocationRequest(as, c, auth, token, options())),
    introspect: async ({ as, client: c, auth }, token) =>
      oauth.processIntrospectionResponse(as, c, await oauth.introspectionRequest(as, c, auth, token, options())),
    async resource() {
      const resource = new URL(base);
      return oauth.processResourceDiscoveryResponse(resource, await oauth.resourceDiscoveryRequest(resource, options()));
    },
  };
}

/** @type {Input} */
const input = JSON.parse(await readStdin());
const lib = input.library === 'openid-client' ? openidClient(input.base) : oauth4webapi(input.base);
const report = { library: input.library, steps: {}, secrets: [] };

/** Runs a step; its value, or the error it raised (with `instanceOf` naming the library class it is), goes in the report. */
async function step(name, run) {
  try {
    report.steps[name] = { value: (await run()) ?? null };
  } catch (err) {
    const described = await describe(err);
    described.instanceOf = err instanceof lib.errorTypes.challenge ? 'WWWAuthenticateChallengeError' : err instanceof lib.errorTypes.body ? 'ResponseBodyError' : undefined;
    report.steps[name] = { error: described };
  }
}

/** A token's response without the token itself. */
function summary(tokens) {
  report.secrets.push(tokens.access_token);
  return { token_type: tokens.token_type, expires_in: tokens.expires_in, scope: tokens.scope, has_refresh_token: 'refresh_token' in tokens };
}

const consumerBasic = await lib.discover(input.consumer, 'basic');
const consumerPost = await lib.discover(input.consumer, 'post');
const introspector = await lib.discover(input.introspector, 'basic');
report.steps.discovery = { value: consumerBasic.metadata };

let basicToken;
let postToken;
await step('tokenBasic', async () => {
  const tokens = await lib.token(consumerBasic);
  basicToken = tokens.access_token;
  return summary(tokens);
});
await step('tokenPost', async () => {
  const tokens = await lib.token(consumerPost);
  postToken = tokens.access_token;
  return summary(tokens);
});
await step('records', async () => {
  const { status, body } = await lib.records(consumerBasic, basicToken, 'conversations');
  return { status, entity: body.entity, credentialId: body.credentialId };
});
if (lib.resource) await step('resourceMetadata', () => lib.resource());
await step('introspectActive', () => lib.introspect(introspector, postToken));
await step('introspectApiKey', () => lib.introspect(introspector, input.apiKey));
await step('revoke', () => lib.revoke(consumerPost, postToken));
await step('recordsAfterRevoke', () => lib.records(consumerPost, postToken, 'conversations'));
await step('introspectRevoked', () => lib.introspect(introspector, postToken));
await step('recordsWithOtherToken', async () => (await lib.records(consumerBasic, basicToken, 'users')).status);

// Each error case, as the library reports it.
await step('wrongSecretBasic', async () => lib.token(await lib.discover({ ...input.consumer, clientSecret: `dcs_${'0'.repeat(49)}` }, 'basic')));
await step('wrongSecretPost', async () => lib.token(await lib.discover({ ...input.consumer, clientSecret: `dcs_${'0'.repeat(49)}` }, 'post')));
await step('invalidScope', () => lib.token(consumerBasic, 'billing'));
await step('insufficientScope', async () => {
  const tokens = await lib.token(consumerBasic, 'users');
  report.secrets.push(tokens.access_token);
  return lib.records(consumerBasic, tokens.access_token, 'conversations');
});
await step('revokeOtherClientsToken', async () => lib.revoke(await lib.discover(input.other, 'basic'), basicToken));
await step('revokeApiKey', () => lib.revoke(consumerBasic, input.apiKey));
await step('introspectNotAllowed', () => lib.introspect(consumerBasic, basicToken));
// There is no OpenID Connect document: discovery must ask for RFC 8414's.
await step('openIdDiscovery', () => lib.discover(input.consumer, 'basic', 'oidc'));

process.stdout.write(JSON.stringify(report));
