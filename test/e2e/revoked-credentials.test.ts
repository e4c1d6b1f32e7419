/**
 * A destroyed credential is refused at once, on every route, with or without a verification cache
 * (issue 20): real `terraform` on the local AWS, real HTTP through the local API gateway, the
 * bundled verifier in the local Lambda runner. One store, two gateways in front of the same sample
 * backend: `Cached` (`authorizerCacheTtlSeconds: 300`) and `Direct` (no cache). An API key is
 * rotated with a grace period (so its pre-rotation key is `retiring` and still works), an OAuth 2.0
 * client has an access token, every value is used through both gateways (so the cache holds each
 * as accepted), then both credentials are removed from the code and applied away. Right after that
 * apply, each value must get `401 invalid_token` through both gateways: the cache must not keep a
 * destroyed credential working, and the pre-rotation key of a destroyed rotated credential must be
 * answered, not have its connection dropped. A backend answer that HTTP cannot carry is a 502, and
 * never takes the local API gateway down. The steps build on each other and run in order.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SampleRecordsBackend } from '../../examples/sample-records-backend';
import { flatOutputs, type RawOutputs } from '../../examples/stack-outputs';
import { synthStack } from '../../examples/synth-stack';
import { AuthType, DataApiCredential, DataApiGateway } from '../../lib';
import { terraform } from '../../local/terraform';
import { lambdaLog, localAwsEnv } from '../support/local-aws';
import { credentialsStack } from '../support/stacks';
import { credentialRecords, currentSecretValue } from '../support/store';

const MALFORMED_BACKEND_ENTRY = join(__dirname, '..', 'support', 'malformed-records-backend.ts');

jest.setTimeout(240_000);

const STACK = 'e2e-revoked';
const GATEWAYS = ['Cached', 'Direct'] as const;
const env = localAwsEnv();
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-revoked-'));
const outdir = join(work, 'cdktf.out');
const statePath = join(work, 'terraform.tfstate');
const seenSecrets = new Set<string>();
let cwd = '';
let destroyed = false;
const apis: Record<(typeof GATEWAYS)[number], string> = { Cached: '', Direct: '' };
let tableName = '';

/** `trigger` rotates the key; `withCredentials: false` removes both credentials from the code (their destroy). */
function synth(trigger: string, withCredentials: boolean): void {
  cwd = synthStack(outdir, (app) =>
    credentialsStack(app, STACK, statePath, (stack, store) => {
      if (withCredentials) {
        new DataApiCredential(stack, 'Rotated', {
          store,
          name: 'Rotated',
          authType: AuthType.API_KEY,
          scopes: ['users'],
          rotation: { trigger, gracePeriodHours: 24 },
        });
        new DataApiCredential(stack, 'Client', { store, name: 'Client', scopes: ['users'] });
      }
      // The sample backend; `?malformed=1` makes it answer a header no HTTP server may send.
      const backend = new SampleRecordsBackend(stack, 'SampleBackend', { functionName: `${STACK}-sample-records`, entry: MALFORMED_BACKEND_ENTRY });
      new DataApiGateway(stack, 'Cached', { store, backend: { functionArn: backend.functionArn }, authorizerCacheTtlSeconds: 300, logRetentionDays: 1 });
      new DataApiGateway(stack, 'Direct', { store, backend: { functionArn: backend.functionArn }, logRetentionDays: 1 });
    }),
  );
}
const tf = (args: string[]) => terraform([...args, '-no-color'], { cwd, env });

async function outputs(): Promise<Record<string, string>> {
  const raw = JSON.parse((await terraform(['output', '-json'], { cwd, env })).stdout) as RawOutputs;
  return flatOutputs(raw);
}

async function secretOf(arn: string): Promise<Record<string, string>> {
  const value = JSON.parse((await currentSecretValue(arn))!);
  for (const field of ['apiKey', 'clientSecret']) if (value[field]) seenSecrets.add(value[field]);
  return value;
}

/** A records request; a dropped connection is an answer too (`dropped: <cause code>`), so the test says what happened. */
async function records(api: string, bearer: string, query = ''): Promise<{ status: number | string; error?: string; challenge?: string | null }> {
  try {
    const response = await fetch(`${api}/export/v1/records/users${query}`, {
      headers: { authorization: `Bearer ${bearer}` },
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    const error = response.status === 200 ? undefined : (JSON.parse(text || '{}') as { error?: string }).error;
    return { status: response.status, ...(error === undefined ? {} : { error }), challenge: response.headers.get('www-authenticate') };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { status: `dropped: ${cause?.code ?? (err as Error).name}` };
  }
}

async function tokenRequest(api: string, clientId: string, clientSecret: string): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(`${api}/oauth/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
    signal: AbortSignal.timeout(20_000),
  });
  const body = (await response.json()) as Record<string, string>;
  if (body.access_token) seenSecrets.add(body.access_token);
  return { status: response.status, body };
}

let preRotationKey = '';
let currentKey = '';
let client: Record<string, string> = {};
let accessToken = '';

afterAll(async () => {
  if (cwd && !destroyed) await tf(['destroy', '-auto-approve']).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('a destroyed credential is refused at once, with or without a verification cache', () => {
  test('apply: a store, an API key, an OAuth 2.0 client and two gateways (cache 300 s, and none); every value works', async () => {
    synth('2026-11', true);
    await tf(['init']);
    await tf(['apply', '-auto-approve']);
    const out = await outputs();
    for (const gateway of GATEWAYS) apis[gateway] = `${env.DATA_API_URL}/_api/${out[`${gateway}.ApiId`]}`;
    tableName = out['Credentials.TableName'];
    preRotationKey = (await secretOf(out['Rotated.SecretArn'])).apiKey;
    client = await secretOf(out['Client.SecretArn']);
    const issued = await tokenRequest(apis.Cached, client.clientId, client.clientSecret);
    expect(issued.status).toBe(200);
    accessToken = issued.body.access_token;
    for (const gateway of GATEWAYS) {
      for (const value of [preRotationKey, accessToken]) expect(await records(apis[gateway], value)).toMatchObject({ status: 200 });
    }
  });

  test('a rotation with a 24-hour grace period: the pre-rotation key and the new one both work through both gateways', async () => {
    synth('2026-12', true);
    await tf(['apply', '-auto-approve']);
    const out = await outputs();
    currentKey = (await secretOf(out['Rotated.SecretArn'])).apiKey;
    expect(currentKey).not.toBe(preRotationKey);
    for (const gateway of GATEWAYS) {
      // Each value is now in the cache of `Cached`'s warm verifier as accepted.
      for (const value of [preRotationKey, currentKey, accessToken]) expect(await records(apis[gateway], value)).toMatchObject({ status: 200 });
    }
    expect((await credentialRecords(tableName)).map((r) => r.status).sort()).toEqual(['active', 'active', 'retiring']);
  });

  test('a backend answer no HTTP server may send is a 502 through both gateways, not a dropped connection; the next request is answered', async () => {
    for (const gateway of GATEWAYS) {
      expect(await records(apis[gateway], currentKey, '?malformed=1')).toMatchObject({ status: 502, error: 'bad_gateway' });
      expect(await records(apis[gateway], currentKey)).toMatchObject({ status: 200 });
    }
  });

  test('right after the apply that destroys both credentials, every value gets 401 invalid_token through both gateways; no new token', async () => {
    synth('2026-12', false);
    await tf(['apply', '-auto-approve']);
    expect((await credentialRecords(tableName)).map((r) => r.status)).toEqual(['revoked', 'revoked', 'revoked']);
    const refused = { status: 401, error: 'invalid_token', challenge: expect.stringContaining('error="invalid_token"') };
    const answers: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const gateway of GATEWAYS) {
      for (const [name, value] of [['pre-rotation key', preRotationKey], ['current key', currentKey], ['access token', accessToken]]) {
        answers[`${gateway}: ${name}`] = await records(apis[gateway], value);
        expected[`${gateway}: ${name}`] = refused;
      }
    }
    expect(answers).toEqual(expected);
    const token = await tokenRequest(apis.Cached, client.clientId, client.clientSecret);
    expect([token.status, token.body.error]).toEqual([401, 'invalid_client']);
  });

  test("no API key, client secret or access token in the state or the functions' logs", () => {
    expect(seenSecrets.size).toBe(4);
    const logs = ['Cached-records', 'Direct-records', 'Cached-token', 'Credentials-provider'].map((fn) => lambdaLog(`${STACK}-${fn}`));
    expect(logs[0]).toContain('"outcome":"revoked"');
    const artefacts = [...logs, readFileSync(statePath, 'utf8')];
    expect([...seenSecrets].filter((secret) => artefacts.some((text) => text.includes(secret)))).toEqual([]);
  });

  test('destroy leaves nothing behind', async () => {
    await tf(['destroy', '-auto-approve']);
    destroyed = true;
    expect(await records(apis.Direct, currentKey)).toMatchObject({ status: 404 });
  });
});
