/**
 * Admins: who may invoke the provider (Lambda permissions) and write the table (the table's
 * resource policy), asserted statement by statement.
 */
import { CredentialStore, CredentialStoreProps, DataApiCredential, DataApiGateway } from '../../../lib';
import { TABLE_CONTROL_ACTIONS, TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from '../../../lib/credential-store';
import { TABLE_STREAM_READ_ACTIONS } from '../../../lib/policies';
import { resource, resources, synth, Synthesized } from '../../support/synth';
import { synthesizedPolicy } from '../../support/synthesized-policy';

const PIPELINE = 'arn:aws:iam::123456789012:role/pipeline';
const SUPER_ADMIN = 'arn:aws:iam::123456789012:user/super-admin';
const DRIFT_JOB = 'arn:aws:iam::123456789012:role/drift-job';

function stackWith(props: CredentialStoreProps, withGateway = false): Synthesized {
  return synth((scope) => {
    const store = new CredentialStore(scope, 'Credentials', props);
    if (withGateway) {
      new DataApiGateway(scope, 'DataApi', { store, backend: { url: 'https://records.internal.example' } });
    }
  });
}

/** The table's resource policy as IAM JSON; undefined without one. */
const tablePolicy = (s: Synthesized) => {
  const policy = resources(s, 'aws_dynamodb_resource_policy');
  const [id] = Object.keys(policy);
  return id === undefined ? undefined : synthesizedPolicy(s, policy[id].policy);
};
/** A list as aws_iam_policy_document writes actions: a set, reverse-sorted. */
const reverseSorted = (list: readonly string[]) => [...new Set(list)].sort().reverse();
const ref = (type: string, prefix: string, attribute: string) =>
  expect.stringMatching(new RegExp(`^\\$\\{${type.replace('.', '\\.')}\\.${prefix}_\\w+\\.${attribute}\\}$`));

describe('CredentialStore admins', () => {
  test('each admin gets an invoke permission on the provider, and nobody else does', () => {
    const s = stackWith({ admins: [PIPELINE, SUPER_ADMIN] });
    expect(Object.values(resources(s, 'aws_lambda_permission'))).toEqual([
      { action: 'lambda:InvokeFunction', function_name: ref('aws_lambda_function', 'Credentials_Provider_Function', 'function_name'), principal: PIPELINE, statement_id: 'AllowAdminInvoke0' },
      { action: 'lambda:InvokeFunction', function_name: ref('aws_lambda_function', 'Credentials_Provider_Function', 'function_name'), principal: SUPER_ADMIN, statement_id: 'AllowAdminInvoke1' },
    ]);
  });

  test('the table policy denies item writes to everyone but the admins, the deployer, the provider and the gateway functions, and item reads to everyone but those and tableReaders', () => {
    const s = stackWith({ admins: [PIPELINE, SUPER_ADMIN], tableReaders: [DRIFT_JOB] }, true);
    const writers = [
      PIPELINE,
      SUPER_ADMIN,
      ref('data.aws_iam_session_context', 'Credentials_Deployer', 'issuer_arn'),
      ref('aws_iam_role', 'Credentials_Provider_Role', 'arn'),
      ref('aws_iam_role', 'DataApi_TokenEndpoint_Role', 'arn'),
      ref('aws_iam_role', 'DataApi_RecordsVerifier_Role', 'arn'),
    ];

    const policy = resource(s, 'aws_dynamodb_resource_policy', 'Credentials_TablePolicy');
    expect(policy).toEqual({
      resource_arn: ref('aws_dynamodb_table', 'Credentials_Table', 'arn'),
      // IAM JSON text, not an aws_iam_policy_document: no data source in every credential's dependencies.
      policy: expect.stringMatching(/^\$\{jsonencode\(\{/),
    });
    expect(Object.values(s.config.data?.aws_iam_session_context ?? {})).toEqual([
      { arn: ref('data.aws_caller_identity', 'Credentials_Account', 'arn') },
    ]);
    const table = ref('aws_dynamodb_table', 'Credentials_Table', 'arn');
    const tableItems = expect.stringMatching(/^\$\{aws_dynamodb_table\.Credentials_Table_\w+\.arn\}\/\*$/);
    expect(Object.keys(s.config.data?.aws_iam_policy_document ?? {}).filter((id) => id.includes('TablePolicy'))).toEqual([]);
    expect(tablePolicy(s)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OnlyAdminsDeployerAndFunctionsWrite',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: reverseSorted(TABLE_WRITE_ACTIONS),
          Resource: table,
          Condition: { StringNotEquals: { 'aws:PrincipalArn': writers } },
        },
        {
          Sid: 'OnlyAdminsDeployerFunctionsAndTableReadersRead',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: reverseSorted([...TABLE_READ_ACTIONS, ...TABLE_STREAM_READ_ACTIONS]),
          // Sorted by Terraform at apply, as the data source sorts: "<arn>/*" after "<arn>", reversed.
          Resource: [tableItems, table],
          // The condition's values keep their order, as the data source keeps them.
          Condition: { StringNotEquals: { 'aws:PrincipalArn': [...writers, DRIFT_JOB] } },
        },
        {
          Sid: 'OnlyTheDeployerChangesTheTable',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: reverseSorted(TABLE_CONTROL_ACTIONS),
          Resource: [tableItems, table],
          Condition: { StringNotEquals: { 'aws:PrincipalArn': ref('data.aws_iam_session_context', 'Credentials_Deployer', 'issuer_arn') } },
        },
      ],
    });
    expect(TABLE_CONTROL_ACTIONS).toEqual(expect.arrayContaining(['dynamodb:PutResourcePolicy', 'dynamodb:DeleteResourcePolicy', 'dynamodb:RestoreTableToPointInTime', 'dynamodb:CreateBackup', 'dynamodb:UpdateTable']));
    expect(TABLE_WRITE_ACTIONS).toHaveLength(7);
    expect(TABLE_READ_ACTIONS).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:PartiQLSelect']));
  });

  test('restrictTableReads: false keeps the write statement and the table\'s own protection', () => {
    const s = stackWith({ restrictTableReads: false });
    expect(tablePolicy(s)!.Statement.map((st) => st.Sid)).toEqual(['OnlyAdminsDeployerAndFunctionsWrite', 'OnlyTheDeployerChangesTheTable']);
  });

  test('credentials wait for the table policy (their invocations depend on it) and are revoked before it goes', () => {
    const s = synth((scope) => {
      const store = new CredentialStore(scope, 'Credentials');
      new DataApiCredential(scope, 'Cred', { store, name: 'c', scopes: ['users'] });
    });
    const [policyId] = Object.keys(resources(s, 'aws_dynamodb_resource_policy'));
    expect(resource(s, 'aws_lambda_invocation', 'Cred_Provider').depends_on).toContain(`aws_dynamodb_resource_policy.${policyId}`);
  });

  test('restrictTableWrites: false leaves the table without a resource policy', () => {
    const s = stackWith({ restrictTableWrites: false });
    expect(resources(s, 'aws_dynamodb_resource_policy')).toEqual({});
    expect(tablePolicy(s)).toBeUndefined();
  });
});
