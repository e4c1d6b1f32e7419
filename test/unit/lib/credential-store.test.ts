import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AuthType, CredentialStore, CredentialStoreProps, DataApiCredential } from '../../../lib';
import { resource, resources, synth } from '../../support/synth';
import { synthesizedPolicy } from '../../support/synthesized-policy';

const storeWith = (props?: CredentialStoreProps) => synth((scope) => new CredentialStore(scope, 'Credentials', props));

/** The statements of the provider role's policy (IAM JSON text), in order. */
const providerPermissions = (s: ReturnType<typeof synth>) => synthesizedPolicy(s, resource(s, 'aws_iam_role_policy', 'Credentials_Provider_Policy').policy).Statement;
const asList = (value: unknown): string[] => (Array.isArray(value) ? value : [String(value)]);

describe('CredentialStore', () => {
  test('the table is on-demand, encrypted, point-in-time recoverable, protected, keyed on pk with a TTL', () => {
    const s = storeWith();
    expect(s.json).toHaveResourceWithProperties(DynamodbTable, {
      name: 'stack-Credentials',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      attribute: [{ name: 'pk', type: 'S' }],
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      ttl: { attribute_name: 'expiresAt', enabled: true },
    });
  });

  test('deletionProtection: false turns the protection off', () => {
    expect(storeWith({ deletionProtection: false }).json).toHaveResourceWithProperties(DynamodbTable, {
      deletion_protection_enabled: false,
    });
  });

  test('the provider Lambda runs the prebuilt handler zip on nodejs22.x, its asset hash as source_code_hash', () => {
    const s = storeWith({ name: 'team-creds' });
    const fn = resource(s, 'aws_lambda_function', 'Credentials_Provider_Function');
    expect(fn).toMatchObject({
      function_name: 'team-creds-provider',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      environment: { variables: { CREDENTIALS_SECRET_PREFIX: 'data-api/credentials/stack/' } },
    });
    expect(fn.source_code_hash).toMatch(/^[0-9A-F]{32}$/);
    expect(fn.filename).toBe(`assets/${fn.filename.split('/')[1]}/${fn.source_code_hash}/credential-provider.zip`);
    expect(fn.environment.variables.CREDENTIALS_TABLE_NAME).toMatch(/^\$\{aws_dynamodb_table\.\w+\.name\}$/);
  });

  test('the bundle is stable: two synths give the same asset hash', () => {
    const hash = () => resource(storeWith(), 'aws_lambda_function', 'Credentials_Provider_Function').source_code_hash;
    expect(hash()).toBe(hash());
  });

  test('the log group of the function has the retention asked for', () => {
    expect(storeWith({ logRetentionDays: 30 }).json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/lambda/stack-Credentials-provider',
      retention_in_days: 30,
    });
  });

  test('the role may touch only this table\'s records and key lookups, and secrets under this store prefix tagged as this store\'s, with no wildcard action', () => {
    const s = storeWith({ secretPrefix: 'team-a/' });
    const statements = providerPermissions(s);
    expect(statements.map((st) => st.Sid)).toEqual(['CredentialRecords', 'WriteThisStoresSecrets', 'ReadThisStoresSecrets', 'Logs']);
    for (const st of statements) {
      for (const action of asList(st.Action)) expect(action).not.toMatch(/\*/);
      for (const r of asList(st.Resource)) expect(r).not.toBe('*');
    }
    const write = statements.find((st) => st.Sid === 'WriteThisStoresSecrets')!;
    expect(write.Action).toBe('secretsmanager:PutSecretValue');
    expect(write.Resource).toEqual(expect.stringMatching(/:secretsmanager:.*:secret:team-a\/\*$/));
    expect(write.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/data-api-credentials:store': 'stack-Credentials' } });
    const read = statements.find((st) => st.Sid === 'ReadThisStoresSecrets')!;
    // A set, reverse-sorted, as aws_iam_policy_document writes it (the module's role documents still are).
    expect(read.Action).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    expect(read.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/data-api-credentials:store': 'stack-Credentials' } });
    const records = statements.find((st) => st.Sid === 'CredentialRecords')!;
    expect(records).toEqual({
      Sid: 'CredentialRecords',
      Effect: 'Allow',
      Action: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      Resource: expect.stringMatching(/^\$\{aws_dynamodb_table\.\w+\.arn\}$/),
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CRED#*', 'KEYHASH#*'] } },
    });
  });

  test('the role\'s documents are IAM JSON text, no data source (an ancestor of every credential, kept in its state); the trust policy is the Lambda service\'s', () => {
    const s = storeWith();
    expect(s.config.data?.aws_iam_policy_document).toBeUndefined();
    expect(synthesizedPolicy(s, resource(s, 'aws_iam_role', 'Credentials_Provider_Role').assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }],
    });
  });

  test('a customer KMS key is used for the table, the logs and the function, and the role may use it', () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const s = storeWith({ kmsKeyArn: key });
    expect(s.json).toHaveResourceWithProperties(DynamodbTable, { server_side_encryption: { enabled: true, kms_key_arn: key } });
    expect(s.json).toHaveResourceWithProperties(CloudwatchLogGroup, { kms_key_id: key });
    const keyStatements = providerPermissions(s).filter((st) => /Key$/.test(st.Sid));
    expect(keyStatements.map((st) => st.Sid)).toEqual(['TableKey', 'EnvironmentKey', 'SecretsKey']);
    for (const st of keyStatements) expect(st).toMatchObject({ Resource: key, Condition: expect.anything() });
    for (const st of keyStatements) expect(Object.values(st.Condition).flatMap((c) => Object.keys(c as object))).toContainEqual(expect.stringMatching(/^kms:EncryptionContext:/));
    expect(keyStatements.filter((st) => 'kms:ViaService' in (st.Condition.StringEquals ?? {}))).toHaveLength(2);
    expect(keyStatements[2].Condition.StringLike).toEqual({ 'kms:EncryptionContext:SecretARN': expect.stringMatching(/:secret:data-api\/credentials\/stack\/\*$/) });
    expect(keyStatements.flatMap((st) => asList(st.Action))).not.toContain('kms:Encrypt');
  });

  test('the ProviderGuardrailPolicy output is an SCP: only the admins and the deployer invoke the provider; only the deployer changes it, its role (PassRole too), its logs, or creates and tags secrets under the prefix', () => {
    const s = storeWith({ admins: ['arn:aws:iam::123456789012:role/pipeline'] });
    const output = Object.entries(s.config.output ?? {}).find(([id]) => id.includes('ProviderGuardrailPolicy'))![1];
    // IAM JSON text (jsonencode), valid JSON once applied.
    const statements = synthesizedPolicy(s, output.value).Statement;
    expect(statements.map((st) => [st.Sid, st.Effect])).toEqual([
      ['OnlyAdminsAndDeployerInvokeTheProvider', 'Deny'],
      ['OnlyTheDeployerChangesTheProvider', 'Deny'],
      ['OnlyTheDeployerChangesTheProviderRole', 'Deny'],
      ['OnlyTheDeployerChangesTheProviderLogs', 'Deny'],
      ['OnlyTheDeployerCreatesOrTagsTheStoresSecrets', 'Deny'],
    ]);
    expect(statements[0].Action).toEqual(expect.arrayContaining(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']));
    // "Everything but reads": PassRole, DeleteRolePolicy, code and configuration changes alike (reverse-sorted, as the data source writes them).
    expect(statements[1].NotAction).toEqual(['lambda:List*', 'lambda:InvokeWithResponseStream', 'lambda:InvokeFunctionUrl', 'lambda:InvokeFunction', 'lambda:InvokeAsync', 'lambda:Get*']);
    expect(statements[2].NotAction).toEqual(['iam:List*', 'iam:Get*']);
    const deployer = expect.stringMatching(/^\$\{data\.aws_iam_session_context\.\w+\.issuer_arn\}$/);
    expect(statements[0].Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/pipeline', deployer] } });
    for (const st of [statements[1], statements[2], statements[4]]) {
      expect(st.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': deployer } });
    }
    // No Principal in an SCP.
    expect(statements.filter((st) => 'Principal' in st)).toEqual([]);
    // An SCP holds at most 5,120 characters; this one, rendered with the longest ARNs, stays well under.
    expect(JSON.stringify(statements).length).toBeLessThan(3000);
  });

  test('each admin may invoke the provider', () => {
    const admins = ['arn:aws:iam::123456789012:role/pipeline', 'arn:aws:iam::123456789012:role/super-admin'];
    const s = storeWith({ admins });
    const permissions = Object.values(resources(s, 'aws_lambda_permission'));
    expect(permissions.map((p) => p.principal)).toEqual(admins);
    expect(s.json).toHaveResourceWithProperties(LambdaPermission, { action: 'lambda:InvokeFunction' });
  });

  test('the provider keeps a reserved concurrency of 10 by default; another number, or none with false', () => {
    const reserved = (props?: CredentialStoreProps) =>
      resource(storeWith(props), 'aws_lambda_function', 'Credentials_Provider_Function').reserved_concurrent_executions;
    expect(reserved()).toBe(10);
    expect(reserved({ providerReservedConcurrency: 3 })).toBe(3);
    // No reservation: the attribute is left out, which is Terraform's -1 (the account's unreserved pool).
    expect(reserved({ providerReservedConcurrency: false })).toBeUndefined();
  });

  test('tags reach the table, the function and the role', () => {
    const s = storeWith({ tags: { team: 'data' } });
    expect(s.json).toHaveResourceWithProperties(DynamodbTable, { tags: { team: 'data' } });
    expect(s.json).toHaveResourceWithProperties(LambdaFunction, { tags: { team: 'data' } });
    expect(resource(s, 'aws_iam_role', 'Credentials_Provider_Role').tags).toEqual({ team: 'data' });
  });

  test.each<[string, CredentialStoreProps, RegExp]>([
    ['a bad name', { name: 'no spaces allowed' }, /Invalid name \(CredentialStore .*Credentials\): got "no spaces allowed"; allowed: 3 to 55 letters/],
    ['a bad secret prefix', { secretPrefix: 'bad prefix' }, /Invalid secretPrefix .*got "bad prefix"; allowed: 1 to 256 characters/],
    ['a bad KMS key', { kmsKeyArn: 'my-key' }, /Invalid kmsKeyArn .*got "my-key"; allowed: a KMS key or alias ARN/],
    ['a bad admin', { admins: ['alice'] }, /Invalid admins .*got "alice"; allowed: IAM principal ARNs/],
    ['an unsupported retention', { logRetentionDays: 2 }, /Invalid logRetentionDays .*got 2; allowed: 1, 3, 5, 7/],
    ['a bad recovery window', { secretRecoveryWindowDays: 3 }, /Invalid secretRecoveryWindowDays .*got 3; allowed: 0, or a whole number from 7 to 30/],
    ['a reservation of 0', { providerReservedConcurrency: 0 }, /Invalid providerReservedConcurrency \(CredentialStore .*Credentials\): got 0; allowed: a whole number from 1 to 10000 .*or false for no reservation \(accounts with a small quota; 0 would throttle every invocation\)/],
    ['a fractional reservation', { providerReservedConcurrency: 2.5 }, /Invalid providerReservedConcurrency .*got 2\.5; allowed: a whole number from 1 to 10000/],
    ['a reservation beyond the limit', { providerReservedConcurrency: 10_001 }, /Invalid providerReservedConcurrency .*got 10001; allowed/],
    ['true as a reservation', { providerReservedConcurrency: true as never }, /Invalid providerReservedConcurrency .*got true; allowed/],
  ])('%s fails at synth with a message naming it', (_what, props, message) => {
    expect(() => storeWith(props)).toThrow(message);
  });
});

describe('CredentialStore adoption', () => {
  test('the provider reads untagged secrets only where a credential declares their adoption', () => {
    const adopted = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:data-api/credentials/stack/legacy-key-AbCdEf';
    const s = synth((scope) => {
      const store = new CredentialStore(scope, 'Credentials');
      new DataApiCredential(scope, 'Legacy', { store, name: 'legacy', authType: AuthType.API_KEY, scopes: ['users'], adopt: { fromSecretArn: adopted } });
    });
    const reads = providerPermissions(s).filter((st) => /^Read/.test(st.Sid));
    expect(reads).toEqual([
      expect.objectContaining({ Sid: 'ReadThisStoresSecrets', Condition: { StringEquals: expect.anything() } }),
      // Reverse-sorted, as the data source (and the module) writes them.
      { Sid: 'ReadDeclaredAdoptedSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: [`${adopted}-??????`, adopted] },
    ]);
    expect(providerPermissions(storeWith({})).map((st) => st.Sid)).not.toContain('ReadDeclaredAdoptedSecrets');
  });
});
