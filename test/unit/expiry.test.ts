/**
 * Credential expiry (issue 22): the declared fields (`expiresAt` / `expiresAfterDays`), the
 * record's resolved `validUntil` (renewed by a rotation), the gateway's refusal and token cap,
 * the review's warning and gate, the list and the plan-time check's warning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listCredentials, renderCredentialTable } from '../../cli/credential-list';
import { parseChangeKinds, policyViolations, renderReviewMarkdown, reviewPlan } from '../../cli/plan-review';
import { runReview } from '../../cli/review';
import {
  CredentialInput,
  declarationText,
  resolveExpiry,
  validateCredentialInput,
  validateEditableFields,
  validateExpiresAfterDays,
  validateExpiryDate,
} from '../../handlers/contract/credential';
import { runProviderEvent } from '../../handlers/credential-provider/flow';
import { expiryWarning } from '../../handlers/credential-provider/read';
import { ValidationError } from '../../handlers/errors';
import { CredentialRecord } from '../../handlers/lifecycle/credential-record';
import { LifecycleDeps } from '../../handlers/lifecycle/operations';
import { acceptedUntilSeconds, isAccepted, refusalOf, transition } from '../../handlers/lifecycle/states';
import { credentialIdFor } from '../../handlers/secret-format';
import { marshalRecord, unmarshalRecord } from '../../handlers/store/dynamodb-credential-table';
import { verifyBearerValue, unauthorized } from '../../handlers/verifier/authorizer';
import { handleRecordsRequest, RecordsDeps } from '../../handlers/verifier/records';
import { handleTokenRequest } from '../../handlers/verifier/token-endpoint';
import { fieldsHcl } from '../../scripts/fields-hcl';
import { fixture, InMemorySecretStore, inputFor } from '../support/fakes';
import { KEY_ID, OAUTH_ID, recordsRequest, tokenRequest, World } from '../support/verifier-world';

const DAY = 24 * 3600 * 1000;

describe('the declared fields', () => {
  test.each(['2027-01-31', '2027-01-31T12:00:00Z', '2027-01-31T12:00:00.5+02:00', '2028-02-29'])('%s is a valid expiresAt', (value) => {
    expect(validateExpiryDate(value, 'expiresAt')).toBe(value);
  });
  test.each(['2027-02-30', '2027-13-01', '2027-01-31T12:00Z', '2027-01-31T12:00:00', 'tomorrow', '2027-01-31t12:00:00z', 20270131])(
    '%s is refused as expiresAt',
    (value) => {
      expect(() => validateExpiryDate(value, 'expiresAt')).toThrow(ValidationError);
    },
  );
  test.each([1, 30, 3650])('%s days is valid', (days) => expect(validateExpiresAfterDays(days, 'expiresAfterDays')).toBe(days));
  test.each([0, -1, 3651, 1.5, '30'])('%s days is refused', (days) => {
    expect(() => validateExpiresAfterDays(days, 'expiresAfterDays')).toThrow(ValidationError);
  });
  test('at most one of the two; absent: no expiry', () => {
    expect(() => validateEditableFields({ name: 'x', scopes: ['users'], expiryDate: '2027-01-31', expiresAfterDays: 30 }, 'input')).toThrow(
      /at most one of expiresAfterDays and expiresAt/,
    );
    expect(validateEditableFields({ name: 'x', scopes: ['users'] }, 'input')).toEqual({ name: 'x', scopes: ['users'] });
  });
  test('a date is midnight UTC; days count from the creation', () => {
    expect(resolveExpiry({ expiryDate: '2027-01-31' }, '2026-01-01T00:00:00Z')!.toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(resolveExpiry({ expiryDate: '2027-01-31T12:00:00+02:00' }, '2026-01-01T00:00:00Z')!.toISOString()).toBe('2027-01-31T10:00:00.000Z');
    expect(resolveExpiry({ expiresAfterDays: 10 }, '2026-11-01T10:00:00.000Z')!.toISOString()).toBe('2026-11-11T10:00:00.000Z');
    expect(resolveExpiry({}, '2026-11-01T10:00:00.000Z')).toBeUndefined();
  });
  test('a credential without an expiry keeps its declaration text (and so its secret tag): no change on upgrade', () => {
    const declared = { authType: 'api_key' as const, name: 'Usage', scopes: ['users' as const], rotationGracePeriodHours: 24 };
    expect(declarationText('store', declared)).toBe(['data-api-credential-declaration:v1', 'store', 'api_key', 'Usage', '', 'users', '24', ''].join('\n'));
    expect(declarationText('store', { ...declared, expiresAfterDays: 30 }).split('\n').slice(-1)).toEqual(['expiresAfterDays=30']);
    expect(declarationText('store', { ...declared, expiryDate: '2027-01-31' }).split('\n').slice(-1)).toEqual(['expiryDate=2027-01-31']);
  });
  test('the module: HCL expires_at / expires_after_days, their validations, and lines only when declared', () => {
    const hcl = fieldsHcl();
    expect(hcl).toMatch(/expires_at\s+= optional\(string\)/);
    expect(hcl).toMatch(/expires_after_days\s+= optional\(number\)/);
    expect(hcl).toContain('at most one of expires_after_days and expires_at');
    expect(hcl).toContain('f.expiryDate == null ? [] : ["expiryDate=${f.expiryDate}"]');
    expect(hcl).toContain('local.contract.expires_after_days_max');
  });
});

/** As Terraform: the secret's tags declare the input, then the provider runs. */
async function provider(deps: LifecycleDeps, action: 'create' | 'update' | 'delete', input: CredentialInput, previous: CredentialInput | null = null) {
  if (action !== 'delete') (deps.secrets as InMemorySecretStore).declare(input);
  return runProviderEvent({ ...input, tf: { action, prev_input: previous } }, deps);
}

describe('the provider', () => {
  const instance = '8f14e45f-ceea-467f-a0e7-1d0d9f3b8a11';
  test('stores the absolute expiry; expiresAfterDays from the creation; an update moves it; none without a declaration', async () => {
    const f = fixture();
    const input = inputFor(instance, 'api_key', { expiresAfterDays: 10 });
    const created = await provider(f.deps, 'create', input);
    const record = f.table.records.get(credentialIdFor(instance))!;
    expect(record.validUntil).toBe(new Date(Date.parse(record.createdAt) + 10 * DAY).toISOString());
    expect(created.result).toMatchObject({ validUntil: record.validUntil });

    const dated = inputFor(instance, 'api_key', { expiryDate: '2030-06-01' });
    await provider(f.deps, 'update', dated, input);
    expect(f.table.records.get(credentialIdFor(instance))!.validUntil).toBe('2030-06-01T00:00:00.000Z');

    await provider(f.deps, 'update', inputFor(instance, 'api_key'), dated);
    expect(f.table.records.get(credentialIdFor(instance))).not.toHaveProperty('validUntil');
  });

  test('a date not in the future at creation is refused, with nothing written', async () => {
    const f = fixture();
    await expect(provider(f.deps, 'create', inputFor(instance, 'api_key', { expiryDate: '2020-01-01' }))).rejects.toThrow(
      /expiresAt: got 2020-01-01 .*an expiry in the future when the credential is created/,
    );
    expect(f.table.records.size).toBe(0);
  });

  test('a rotation (a new instance) starts a new window: expiresAfterDays renews', async () => {
    const f = fixture();
    const first = inputFor(instance, 'api_key', { expiresAfterDays: 30 });
    await provider(f.deps, 'create', first);
    const before = f.table.records.get(credentialIdFor(instance))!;
    const clock = f.deps.now;
    (f.deps as { now: () => Date }).now = () => new Date(clock().getTime() + 20 * DAY);
    const successor = '9a14e45f-ceea-467f-a0e7-1d0d9f3b8a22';
    await provider(f.deps, 'create', inputFor(successor, 'api_key', { expiresAfterDays: 30 }));
    const after = f.table.records.get(credentialIdFor(successor))!;
    expect(Date.parse(after.validUntil!) - Date.parse(before.validUntil!)).toBeGreaterThanOrEqual(20 * DAY);
    expect(after.validUntil).toBe(new Date(Date.parse(after.createdAt) + 30 * DAY).toISOString());
  });

  test('the validated input carries the fields', () => {
    const input = validateCredentialInput({ ...inputFor(instance, 'oauth2'), expiryDate: '2027-01-31' });
    expect(input.expiryDate).toBe('2027-01-31');
  });
});

describe('the lifecycle', () => {
  const base = {
    credentialId: 'c'.repeat(32),
    instanceId: 'instance-1',
    name: 'x',
    scopes: ['users'],
    authType: 'api_key',
    secretArn: 'arn',
    secretHash: 'h',
    createdAt: '2026-11-01T00:00:00.000Z',
  } as unknown as CredentialRecord;
  test('an active credential is refused as expired from its validUntil on; acceptedUntilSeconds is the earlier of expiry and grace', () => {
    const now = new Date('2026-11-01T00:00:00.000Z');
    const active = transition(undefined, 'adopt', { ...base, expiresAfterDays: 1 }, now);
    expect(active.validUntil).toBe('2026-11-02T00:00:00.000Z');
    expect(isAccepted(active, new Date('2026-11-01T23:59:59.000Z'))).toBe(true);
    expect(refusalOf(active, new Date('2026-11-02T00:00:00.000Z'))).toBe('expired');
    expect(acceptedUntilSeconds(active)).toBe(Date.parse('2026-11-02T00:00:00.000Z') / 1000);
    const retiring = transition(active, 'retire', active, now, { graceHours: 48 });
    expect(acceptedUntilSeconds(retiring)).toBe(Date.parse('2026-11-02T00:00:00.000Z') / 1000);
    expect(refusalOf(transition(active, 'revoke', active, now), now)).toBe('revoked');
    expect(acceptedUntilSeconds(transition(undefined, 'adopt', base, now))).toBeUndefined();
  });
});

describe('the gateway', () => {
  function setup(validUntil: string) {
    const world = new World();
    const client = world.addOAuthClient(OAUTH_ID, ['conversations', 'users']);
    const apiKey = world.addApiKey(KEY_ID, ['conversations']);
    for (const id of [OAUTH_ID, KEY_ID]) world.credentials.set(id, { ...world.credentials.get(id)!, validUntil });
    const tokenDeps = { readCredential: world.readCredential, findAdoptedKey: world.findAdoptedKey, putToken: world.putToken, now: world.now, randomBytes: world.randomBytes };
    const deps: RecordsDeps = {
      readCredential: world.readCredential,
      readToken: world.readToken,
      findAdoptedKey: world.findAdoptedKey,
      now: world.now,
      backend: async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"value":[]}' }),
    };
    const auth = { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret };
    return { world, apiKey, deps, tokenDeps, auth };
  }

  test('a token of a credential that expires in 10 minutes lasts 10 minutes, then it and the API key get 401 saying it expired', async () => {
    const { world, apiKey, deps, tokenDeps, auth } = setup('2026-11-27T12:10:00.000Z'); // the world's clock: 12:00
    const issued = await handleTokenRequest(tokenRequest(auth), tokenDeps);
    const { access_token: token, expires_in } = JSON.parse(issued.response.body);
    expect(expires_in).toBe(600);
    expect((await verifyBearerValue(token, deps)) as { expiresAt?: number }).toMatchObject({ ok: true, expiresAt: Date.parse('2026-11-27T12:10:00Z') / 1000 });
    expect((await handleRecordsRequest(recordsRequest('conversations', `Bearer ${apiKey}`), deps)).response.statusCode).toBe(200);

    world.advance(600);
    for (const value of [apiKey]) {
      const outcome = await handleRecordsRequest(recordsRequest('conversations', `Bearer ${value}`), deps);
      expect(outcome.outcome).toBe('credential_expired');
      expect(outcome.response.statusCode).toBe(401);
      expect(outcome.response.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(JSON.parse(outcome.response.body)).toEqual({ error: 'invalid_token', error_description: expect.stringMatching(/expired/) });
    }
    // The token itself ended with the credential (its own expiry was capped).
    expect((await handleRecordsRequest(recordsRequest('conversations', `Bearer ${token}`), deps)).response.statusCode).toBe(401);
  });

  test('an access token of an expired credential is refused as credential_expired even before its own expiry', async () => {
    const { world, deps, tokenDeps, auth } = setup('2026-11-28T12:00:00.000Z');
    const token = JSON.parse((await handleTokenRequest(tokenRequest(auth), tokenDeps)).response.body).access_token;
    world.credentials.set(OAUTH_ID, { ...world.credentials.get(OAUTH_ID)!, validUntil: '2026-11-27T11:00:00.000Z' });
    expect(await verifyBearerValue(token, deps)).toEqual({ ok: false, reason: 'credential_expired' });
    expect(unauthorized('credential_expired').headers['www-authenticate']).toMatch(/error="invalid_token", error_description="[^"]*expired/);
  });

  test('the token endpoint refuses an expired client with invalid_client; a wrong secret still learns nothing', async () => {
    const { world, tokenDeps, auth } = setup('2026-11-27T12:00:00.000Z');
    const refused = await handleTokenRequest(tokenRequest(auth), tokenDeps);
    expect(refused.response.statusCode).toBe(401);
    expect(JSON.parse(refused.response.body)).toEqual({ error: 'invalid_client', error_description: expect.stringMatching(/expired/) });
    const wrong = await handleTokenRequest(tokenRequest({ ...auth, client_secret: `${auth.client_secret.slice(0, -1)}A` }), tokenDeps);
    expect(JSON.parse(wrong.response.body).error_description).not.toMatch(/expired/);
    expect(world.tokens.size).toBe(0);
  });
});

const FIXTURES = join(__dirname, '..', 'fixtures', 'terraform');
const load = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));

describe('review', () => {
  /** The `rename` plan with its updated credential declaring `fields`, and its creation in the prior result. */
  function planWith(fields: Record<string, unknown>, createdAt = '2026-11-01T00:00:00.000Z'): any {
    const plan = load('rename');
    const invocation = plan.resource_changes.find((rc: any) => rc.type === 'aws_lambda_invocation' && rc.change.actions.includes('update'));
    invocation.change.after.input = JSON.stringify({ ...JSON.parse(invocation.change.after.input), ...fields });
    invocation.change.before.result = JSON.stringify({ createdAt });
    return plan;
  }
  const now = new Date('2026-11-27T12:00:00.000Z');

  test('warns about a credential expiring in 10 days (default window 30), and --fail-on expiring gates it', async () => {
    const r = reviewPlan(planWith({ expiryDate: '2026-12-07T12:00:00Z' }), { now });
    expect(r.expiring).toEqual([
      { name: 'Usage-Reporting-v2', address: expect.any(String), expiresAt: '2026-12-07T12:00:00.000Z', daysLeft: 10, expired: false },
    ]);
    expect(renderReviewMarkdown(r)).toContain('**Usage-Reporting-v2** expires in 10 days (2026-12-07T12:00:00.000Z)');
    expect(policyViolations(r, parseChangeKinds('expiring'))).toEqual([expect.objectContaining({ kind: 'expiring', name: 'Usage-Reporting-v2' })]);
    expect(policyViolations(r, ['delete'])).toEqual([]);
    expect(reviewPlan(planWith({ expiryDate: '2026-12-07T12:00:00Z' }), { now, expiringWithinDays: 5 }).expiring).toEqual([]);
    expect(reviewPlan(planWith({}), { now }).expiring).toEqual([]);
  });

  test('expiresAfterDays counts from the creation in the prior result; an expired one says so', () => {
    expect(reviewPlan(planWith({ expiresAfterDays: 36 }), { now }).expiring.map((e) => e.daysLeft)).toEqual([9]);
    const expired = reviewPlan(planWith({ expiresAfterDays: 20 }), { now });
    expect(expired.expiring[0]).toMatchObject({ expired: true });
    expect(renderReviewMarkdown(expired)).toContain('expired (2026-11-21T00:00:00.000Z)');
  });

  test('the command: --expiring-within and --fail-on expiring exit 2 with the names', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'expiry-')), 'plan.json');
    const soon = new Date(Date.now() + 10 * DAY + 3600 * 1000).toISOString();
    writeFileSync(file, JSON.stringify(planWith({ expiryDate: soon.replace(/\.\d+Z$/, 'Z') })));
    const errors: string[] = [];
    let out = '';
    expect(await runReview(file, { failOn: 'expiring' }, (t) => (out += t), (l) => errors.push(l))).toBe(2);
    expect(out).toContain('expires in 10 days');
    expect(errors.join('\n')).toContain('expiring within 30 days: "Usage-Reporting-v2"');
    expect(await runReview(file, { failOn: 'expiring', expiringWithin: '7' }, () => undefined, () => undefined)).toBe(0);
    await expect(runReview(file, { expiringWithin: 'soon' }, () => undefined, () => undefined)).rejects.toThrow(ValidationError);
  });
});

describe('list and the plan-time check', () => {
  const record: CredentialRecord = {
    credentialId: '0'.repeat(32),
    instanceId: 'instance-0001',
    name: 'Usage-Reporting',
    authType: 'api_key',
    scopes: ['users'],
    secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbC123',
    secretHash: 'f'.repeat(64),
    status: 'active',
    createdAt: '2026-11-27T20:53:32.023Z',
    updatedAt: '2026-11-27T20:54:00.000Z',
    validUntil: '2026-12-07T00:00:00.000Z',
    version: 1,
  };
  test('the table keeps the declared fields and the resolved expiry (a round trip)', () => {
    const stored = { ...record, expiryDate: '2026-12-07', expiresAfterDays: undefined };
    const { expiresAfterDays: _none, ...expected } = stored;
    expect(unmarshalRecord(marshalRecord(stored))).toEqual(expected);
    expect(unmarshalRecord(marshalRecord({ ...record, expiresAfterDays: 10 }))).toMatchObject({ expiresAfterDays: 10, validUntil: record.validUntil });
  });
  test('list shows the expiry, and marks an expired one', () => {
    const rows = listCredentials([record], false, new Date('2026-12-01T00:00:00Z'));
    expect(rows[0]).toMatchObject({ expiresAt: '2026-12-07T00:00:00.000Z', expired: false });
    expect(renderCredentialTable(rows)).toContain('2026-12-07 00:00');
    expect(renderCredentialTable(listCredentials([record], false, new Date('2026-12-08T00:00:00Z')))).toContain('(expired)');
    expect(renderCredentialTable(listCredentials([{ ...record, validUntil: undefined }]))).toMatch(/Expires \(UTC\)[\s\S]*never/);
  });
  test('the read warns about expired and soon-expiring credentials, not later ones', () => {
    expect(expiryWarning(record, new Date('2026-11-27T00:00:00Z'))).toMatch(/"Usage-Reporting" expires at 2026-12-07T00:00:00.000Z \(in 10 days\)/);
    expect(expiryWarning(record, new Date('2026-12-08T00:00:00Z'))).toMatch(/expired at 2026-12-07/);
    expect(expiryWarning(record, new Date('2026-10-01T00:00:00Z'))).toBeUndefined();
    expect(expiryWarning({ ...record, validUntil: undefined }, new Date())).toBeUndefined();
  });
  test('the batched read lists them apart from drift', async () => {
    const f = fixture();
    const instance = '8f14e45f-ceea-467f-a0e7-1d0d9f3b8a11';
    const input = inputFor(instance, 'api_key', { expiresAfterDays: 10 });
    await provider(f.deps, 'create', input);
    const result = (await runProviderEvent({ action: 'read', credentials: { k: input } }, f.deps)).result as any;
    expect(result).toMatchObject({ inSync: true, drifted: {}, expiring: { k: expect.stringMatching(/expires at .*in 9 days/) } });
  });
});
