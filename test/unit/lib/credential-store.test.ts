import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AuthType, CredentialStore, CredentialStoreProps, DataApiCredential } from '../../../lib';
import { resource, resources, synth } from '../../support/synth';
import { synthesizedPolicy } from '../../support/synthesized-policy';

const storeWith = (props?: CredentialStoreProps) => synth((scope) => new CredentialStore(scope, 'Credentials', props));

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
    const doc = Object.entries(s.config.data?.aws_iam_policy_document ?? {}).find(([id]) =>
      id.includes('Permissions'),
    )![1];
    const statements: Array<{ sid: string; actions: string[]; resources: string[]; condition?: unknown[] }> = doc.statement;
    expect(statements.map((st) => st.sid)).toEqual(['CredentialRecords', 'WriteThisStoresSecrets', 'ReadThisStoresSecrets', 'Logs']);
    for (const st of statements) {
      for (const action of st.actions) expect(action).not.toMatch(/\*/);
      for (const r of st.resources) expect(r).not.toBe('*');
    }
    const write = statements.find((st) => st.sid === 'WriteThisStoresSecrets')!;
    expect(write.actions).toEqual(['secretsmanager:PutSecretValue']);
    expect(write.resources).toEqual([expect.stringMatching(/:secretsmanager:.*:secret:team-a\/\*$/)]);
    expect(write.condition).toEqual([{ test: 'StringEquals', variable: 'aws:ResourceTag/data-api-credentials:store', values: ['stack-Credentials'] }]);
    const read = statements.find((st) => st.sid === 'ReadThisStoresSecrets')!;
    expect(read.actions).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(read.condition).toEqual([{ test: 'StringEquals', variable: 'aws:ResourceTag/data-api-credentials:store', values: ['stack-Credentials'] }]);
    const records = statements.find((st) => st.sid === 'CredentialRecords')!;
    expect(records).toEqual({
      sid: 'CredentialRecords',
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem'],
      resources: [expect.stringMatching(/^\$\{aws_dynamodb_table\.\w+\.arn\}$/)],
      condition: [{ test: 'ForAllValues:StringLike', variable: 'dynamodb:LeadingKeys', values: ['CRED#*', 'KEYHASH#*'] }],
    });
  });

  test('a customer KMS key is used for the table, the logs and the function, and the role may use it', () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const s = storeWith({ kmsKeyArn: key });
    expect(s.json).toHaveResourceWithProperties(DynamodbTable, { server_side_encryption: { enabled: true, kms_key_arn: key } });
    expect(s.json).toHaveResourceWithProperties(CloudwatchLogGroup, { kms_key_id: key });
    const doc = Object.entries(s.config.data?.aws_iam_policy_document ?? {}).find(([id]) => id.includes('Permissions'))![1];
    const keyStatements = doc.statement.filter((st: { sid: string }) => /Key$/.test(st.sid));
    expect(keyStatements.map((st: { sid: string }) => st.sid)).toEqual(['TableKey', 'EnvironmentKey', 'SecretsKey']);
    for (const st of keyStatements) expect(st).toMatchObject({ resources: [key], condition: expect.arrayContaining([expect.objectContaining({ variable: expect.stringMatching(/^kms:EncryptionContext:/) })]) });
    expect(keyStatements.filter((st: { condition: Array<{ variable: string }> }) => st.condition.some((c) => c.variable === 'kms:ViaService'))).toHaveLength(2);
    expect(keyStatements[2].condition).toContainEqual({ test: 'StringLike', variable: 'kms:EncryptionContext:SecretARN', values: [expect.stringMatching(/:secret:data-api\/credentials\/stack\/\*$/)] });
    expect(keyStatements.flatMap((st: { actions: string[] }) => st.actions)).not.toContain('kms:Encrypt');
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
    const doc = Object.entries(s.config.data!.aws_iam_policy_document).find(([id]) => id.startsWith('Credentials_Provider_Permissions'))![1];
    const reads = doc.statement.filter((st: { sid: string }) => /^Read/.test(st.sid));
    expect(reads).toEqual([
      expect.objectContaining({ sid: 'ReadThisStoresSecrets', condition: [expect.objectContaining({ test: 'StringEquals' })] }),
      { sid: 'ReadDeclaredAdoptedSecrets', actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], resources: [adopted, `${adopted}-??????`] },
    ]);
    const none = storeWith({});
    const plain = Object.entries(none.config.data!.aws_iam_policy_document).find(([id]) => id.startsWith('Credentials_Provider_Permissions'))![1];
    expect(plain.statement.map((st: { sid: string }) => st.sid)).not.toContain('ReadDeclaredAdoptedSecrets');
  });
});
