/**
 * Drift, from the state's declarations to the report: which credentials drifted, how, and the fix.
 * The state is a recorded `terraform show -json` (test/fixtures/terraform/state.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assessCredential, driftReport, renderDriftTable } from '../../../cli/drift-report';
import { credentialsInState, outputsOfState, resolveStoreLocation, storesInState } from '../../../cli/stack-state';
import { ValidationError } from '../../../handlers/errors';
import { CredentialRecord } from '../../../handlers/lifecycle/credential-record';

const state = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'terraform', 'state.json'), 'utf8'));
const declared = credentialsInState(state);
const LOCATION = { tableName: 'review-fixtures-Credentials', region: 'us-east-1' };

function recordFor(index: number, overrides: Partial<CredentialRecord> = {}): CredentialRecord {
  const { input, credentialId } = declared[index];
  return {
    credentialId,
    instanceId: input.instanceId,
    name: input.name,
    authType: input.authType,
    scopes: [...input.scopes],
    secretArn: input.secretArn,
    secretHash: 'a'.repeat(64),
    status: 'active',
    createdAt: '2026-11-27T20:53:32.023Z',
    updatedAt: '2026-11-27T20:53:32.037Z',
    version: 2,
    ...overrides,
  };
}

describe('the state as drift reads it', () => {
  test('every credential invocation is found, with its instance address for -replace', () => {
    expect(declared.map((c) => [c.input.name, c.input.authType, c.input.scopes.length])).toEqual([
      ['Analytics-DataAPI-Credential', 'oauth2', 5],
      ['Usage-Reporting', 'api_key', 2],
    ]);
    expect(declared[1].instanceAddress).toMatch(/^terraform_data\.UsageReporting_Instance_[0-9A-F]{8}$/);
    expect(declared[1].credentialId).toMatch(/^[0-9a-f]{32}$/);
  });

  test('the store comes from the outputs; flags win; several stores need --table', () => {
    const outputs = outputsOfState(state);
    expect(resolveStoreLocation({}, outputs, undefined)).toEqual(LOCATION);
    expect(resolveStoreLocation({ region: 'eu-west-1' }, outputs, 'us-east-2')).toEqual({ ...LOCATION, region: 'eu-west-1' });
    expect(resolveStoreLocation({ table: 'other' }, undefined, 'us-east-2')).toEqual({ tableName: 'other', region: 'us-east-2' });
    const two = { ...outputs, Second_TableName_0123ABCD: { value: 'second' }, Second_ProviderFunctionName_0123ABCD: { value: 'f' } };
    expect(() => resolveStoreLocation({}, two, undefined)).toThrow(/2 stores.*--table/);
    expect(() => resolveStoreLocation({}, undefined, undefined)).toThrow(ValidationError);
    expect(() => resolveStoreLocation({ table: 'x' }, undefined, undefined)).toThrow(/--region/);
  });

  test('a configuration calling the Terraform module: credentials in the child module, the store from its provider function', () => {
    const moduleState = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'terraform', 'module-state.json'), 'utf8'));

    const credentials = credentialsInState(moduleState);

    expect(credentials.map((c) => [c.input.name, c.address, c.instanceAddress])).toEqual([
      [
        'Analytics-DataAPI-Credential',
        'module.credentials.aws_lambda_invocation.credential["analytics_export"]',
        'module.credentials.terraform_data.instance["analytics_export"]',
      ],
      [
        'Usage-Reporting',
        'module.credentials.aws_lambda_invocation.credential["usage_reporting"]',
        'module.credentials.terraform_data.instance["usage_reporting"]',
      ],
    ]);
    const store = { tableName: 'analytics-credentials', region: 'us-east-1' };
    expect(storesInState(moduleState)).toEqual([store]);
    expect(resolveStoreLocation({}, outputsOfState(moduleState), undefined, moduleState)).toEqual(store);
    // A constructs' stack is still found through its outputs.
    expect(resolveStoreLocation({}, outputsOfState(state), undefined, state)).toEqual(LOCATION);
  });

  test('a plan instead of a state is refused', () => {
    expect(() => credentialsInState('nope')).toThrow(/terraform show -json/);
  });
});

describe('drift of a credential', () => {
  test('as declared, with a current secret value: in sync', () => {
    expect(assessCredential(declared[1], { record: recordFor(1), secret: 'present' })).toMatchObject({ status: 'in-sync', findings: [] });
  });

  test('a scope removed and a rename are restorable with drift --repair', () => {
    const drift = assessCredential(declared[1], { record: recordFor(1, { scopes: ['users'], name: 'Hacked' }), secret: 'present' });

    expect(drift.status).toBe('drifted');
    expect(drift.findings.map((f) => [f.field, f.actual])).toEqual([
      ['name', 'Hacked'],
      ['scopes', 'users'],
    ]);
    expect(drift.fix).toEqual({ kind: 'restore', command: 'npx data-api-credentials drift --repair' });
  });

  test('a missing record, a missing secret value or a revoked record needs a replacement: the exact command is given', () => {
    const cases = [
      { record: undefined, secret: 'present' as const },
      { record: recordFor(1), secret: 'no-value' as const },
      { record: recordFor(1, { status: 'revoked', revokedAt: '2026-11-27T21:00:00Z' }), secret: 'present' as const },
    ];
    for (const observed of cases) {
      const drift = assessCredential(declared[1], observed);
      expect(drift.fix).toEqual({ kind: 'replace', command: `terraform apply -replace='${declared[1].instanceAddress}'` });
    }
  });

  test('the table names each drifted credential, what drifted and the fix', () => {
    const report = driftReport(LOCATION, [
      assessCredential(declared[0], { record: recordFor(0), secret: 'present' }),
      assessCredential(declared[1], { record: undefined, secret: 'present' }),
    ]);

    expect(report.inSync).toBe(false);
    const text = renderDriftTable(report);
    expect(text).toMatch(/Analytics-DataAPI-Credential\s*│\s*in-sync/);
    expect(text).toMatch(/Usage-Reporting\s*│\s*drifted\s*│\s*record missing from the store/);
    expect(text).toContain(`Usage-Reporting needs a new credential: terraform apply -replace='${declared[1].instanceAddress}'`);
  });
});
