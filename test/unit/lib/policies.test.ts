/**
 * The policy statements as data (lib/policies.ts): rendering binds every placeholder, splices lists,
 * drops switched-off statements, and refuses a placeholder nobody bound.
 */
import { GATEWAY_GUARDRAIL, POLICY_LISTS, POLICY_VALUES, PolicyBindings, renderStatements, SECRET_POLICY, STORE_GUARDRAIL, TABLE_POLICY, HASH_KEY_POLICY } from '../../../lib/policies';

const values = Object.fromEntries(POLICY_VALUES.map((name) => [name, `<${name}>`]));
const bindings = (flags: PolicyBindings['flags'] = {}, lists: PolicyBindings['lists'] = {}): PolicyBindings => ({
  values,
  lists: { admins: ['<admin>'], gatewayRoleArns: [], tableReaders: ['<tableReader>'], readers: [], ...lists },
  flags,
});

describe('policy statements as data', () => {
  test('every placeholder of every document is a declared value or list', () => {
    const documents = [TABLE_POLICY, HASH_KEY_POLICY, SECRET_POLICY, STORE_GUARDRAIL, GATEWAY_GUARDRAIL];
    const used = documents.flatMap((d) =>
      d.statements.flatMap((s) => [...s.resources, ...(s.principals ?? []), ...(s.except?.principals ?? [])]),
    );
    for (const value of used) {
      if (value.startsWith('...')) expect(POLICY_LISTS).toContain(value.slice(3));
      for (const [, name] of value.matchAll(/\{(\w+)\}/g)) expect(POLICY_VALUES).toContain(name);
    }
  });

  test('lists are spliced in order, text around a placeholder is kept, switched-off statements are left out', () => {
    const off = renderStatements(TABLE_POLICY, bindings({ restrictTableReads: false }));
    expect(off.map((s) => s.sid)).toEqual(['OnlyAdminsDeployerAndFunctionsWrite', 'OnlyTheDeployerChangesTheTable']);
    const on = renderStatements(TABLE_POLICY, bindings({ restrictTableReads: true }, { gatewayRoleArns: ['<g1>', '<g2>'] }));
    expect(on[1].condition![0].values).toEqual(['<admin>', '<deployerArn>', '<providerRoleArn>', '<g1>', '<g2>', '<tableReader>']);
    expect(on[1].resources).toEqual(['<tableArn>', '<tableArn>/*']);
  });

  test('a secret without readers denies every read but the provider\'s unless reads are left to IAM; with readers, always', () => {
    const sids = (flags: PolicyBindings['flags'], readers: string[] = []) => renderStatements(SECRET_POLICY, bindings(flags, { readers })).map((s) => s.sid);
    expect(sids({ denyUngrantedSecretReads: true })).toEqual(['OnlyReadersAndTheProviderRead', 'OnlyTheProviderAndDeployerChange']);
    expect(sids({ denyUngrantedSecretReads: false })).toEqual(['OnlyTheProviderAndDeployerChange']);
    expect(sids({ denyUngrantedSecretReads: false, hasReaders: true }, ['<r>'])).toEqual(['Readers', 'OnlyReadersAndTheProviderRead', 'OnlyTheProviderAndDeployerChange']);
  });

  test('a placeholder with no binding is an error naming it', () => {
    expect(() => renderStatements(GATEWAY_GUARDRAIL, { values: {}, lists: {}, flags: {} })).toThrow(/policy value "tokenFunctionArn" is not bound/);
    expect(() => renderStatements(TABLE_POLICY, { values, lists: {}, flags: {} })).toThrow(/policy list "admins" is not bound/);
  });
});
