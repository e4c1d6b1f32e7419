/**
 * Readers of a credential's secret: the exact resource policy, the KMS grants with a customer key,
 * and the validation of principal ARNs.
 */
import { CredentialStore, CredentialStoreProps, DataApiCredential, DataApiCredentialProps } from '../../../lib';
import { resource, resources, synth, Synthesized } from '../../support/synth';
import { SECRET_CHANGE_ACTIONS } from '../../../lib/credential-store';

const CONSUMER = 'arn:aws:iam::123456789012:role/consumer';
const ANALYST = 'arn:aws:iam::123456789012:user/analyst';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';

function stackWith(props: Partial<DataApiCredentialProps>, storeProps: CredentialStoreProps = {}, after?: (c: DataApiCredential) => void): Synthesized {
  return synth((scope) => {
    const store = new CredentialStore(scope, 'Credentials', storeProps);
    const credential = new DataApiCredential(scope, 'Cred', { store, name: 'c', scopes: ['users'], ...props });
    after?.(credential);
  });
}

const policyDocument = (s: Synthesized) =>
  Object.entries(s.config.data?.aws_iam_policy_document ?? {}).find(([id]) => id.startsWith('Cred_ReadersPolicy'))?.[1];

/** The statement every secret's policy has: value, version stages, tags, the policy itself and the secret's life are the provider's and the deployer's. */
function onlyProviderAndDeployerChange(_secretArn: string): unknown {
  return {
    sid: 'OnlyTheProviderAndDeployerChange',
    effect: 'Deny',
    principals: [{ type: 'AWS', identifiers: ['*'] }],
    actions: [...SECRET_CHANGE_ACTIONS],
    resources: ['*'],
    condition: [
      {
        test: 'StringNotEquals',
        variable: 'aws:PrincipalArn',
        values: [expect.stringMatching(/^\$\{aws_iam_role\.Credentials_Provider_Role_\w+\.arn\}$/), expect.stringMatching(/^\$\{data\.aws_iam_session_context\.\w+\.issuer_arn\}$/)],
      },
    ],
  };
}

describe('DataApiCredential readers', () => {
  test('readers and grantRead: the secret policy allows exactly them to read, and denies GetSecretValue to everyone but them and the provider', () => {
    const s = stackWith({ readers: [CONSUMER] }, {}, (c) => {
      c.grantRead(ANALYST);
      c.grantRead(CONSUMER); // twice: no change
    });

    const policy = resource(s, 'aws_secretsmanager_secret_policy', 'Cred_ReadersSecretPolicy');
    expect(policy.secret_arn).toMatch(/^\$\{aws_secretsmanager_secret\.Cred_Secret_\w+\.arn\}$/);
    expect(policy.policy).toMatch(/^\$\{data\.aws_iam_policy_document\.Cred_ReadersPolicy_\w+\.json\}$/);
    const secretArn = policy.secret_arn;
    const providerRole = expect.stringMatching(/^\$\{aws_iam_role\.Credentials_Provider_Role_\w+\.arn\}$/);
    expect(policyDocument(s)!.statement).toEqual([
      {
        sid: 'Readers',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [CONSUMER, ANALYST] }],
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: ['*'],
      },
      {
        sid: 'OnlyReadersAndTheProviderRead',
        effect: 'Deny',
        principals: [{ type: 'AWS', identifiers: ['*'] }],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
        condition: [{ test: 'StringNotEquals', variable: 'aws:PrincipalArn', values: [CONSUMER, ANALYST, providerRole] }],
      },
      onlyProviderAndDeployerChange(secretArn),
    ]);
    expect(resources(s, 'aws_kms_grant')).toEqual({});
  });

  test('without readers the secret still gets its policy, on the secret itself: only the provider reads the value; only the provider and the deployer change it', () => {
    const s = stackWith({});
    // The store's one document, the same for every secret without readers ("*" is the secret it is attached to).
    expect(policyDocument(s)).toBeUndefined();
    expect(Object.keys(resources(s, 'aws_secretsmanager_secret_policy')).filter((id) => id.startsWith('Cred_'))).toEqual([]);
    const [id, shared] = Object.entries(s.config.data?.aws_iam_policy_document ?? {}).find(([key]) => key.startsWith('Credentials_SecretPolicy_'))!;
    const secret = resource(s, 'aws_secretsmanager_secret', 'Cred_Secret');
    expect(secret.policy).toBe(`\${data.aws_iam_policy_document.${id}.json}`);
    const providerRole = expect.stringMatching(/^\$\{aws_iam_role\.Credentials_Provider_Role_\w+\.arn\}$/);
    expect(shared.statement).toEqual([
      {
        sid: 'OnlyReadersAndTheProviderRead',
        effect: 'Deny',
        principals: [{ type: 'AWS', identifiers: ['*'] }],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
        condition: [{ test: 'StringNotEquals', variable: 'aws:PrincipalArn', values: [providerRole] }],
      },
      onlyProviderAndDeployerChange(''),
    ]);
  });

  test('restrictSecretReads: false leaves the reads of a secret without readers to IAM (the opt-out); readers still restrict theirs', () => {
    const s = stackWith({}, { restrictSecretReads: false });
    const [, shared] = Object.entries(s.config.data?.aws_iam_policy_document ?? {}).find(([key]) => key.startsWith('Credentials_SecretPolicy_'))!;
    expect(shared.statement).toEqual([onlyProviderAndDeployerChange('')]);
    const withReaders = stackWith({ readers: [CONSUMER] }, { restrictSecretReads: false });
    expect(policyDocument(withReaders)!.statement.map((st: { sid: string }) => st.sid)).toEqual(['Readers', 'OnlyReadersAndTheProviderRead', 'OnlyTheProviderAndDeployerChange']);
  });

  test('credentials without readers share one policy document; one with readers has its own document and policy resource, and no policy on its secret', () => {
    const s = synth((scope) => {
      const store = new CredentialStore(scope, 'Credentials');
      for (let i = 0; i < 3; i++) new DataApiCredential(scope, `Plain${i}`, { store, name: `p${i}`, scopes: ['users'] });
      new DataApiCredential(scope, 'Cred', { store, name: 'c', scopes: ['users'], readers: [CONSUMER] });
    });
    const documents = Object.keys(s.config.data?.aws_iam_policy_document ?? {}).filter((id) => /SecretPolicy|ReadersPolicy/.test(id));
    expect(documents.sort()).toEqual([expect.stringMatching(/^Cred_ReadersPolicy_/), expect.stringMatching(/^Credentials_SecretPolicy_/)]);
    const policies = new Set([0, 1, 2].map((i) => resource(s, 'aws_secretsmanager_secret', `Plain${i}_Secret`).policy));
    expect([...policies]).toEqual([expect.stringMatching(/^\$\{data\.aws_iam_policy_document\.Credentials_SecretPolicy_\w+\.json\}$/)]);
    expect(resource(s, 'aws_secretsmanager_secret', 'Cred_Secret')).not.toHaveProperty('policy');
    expect(Object.keys(resources(s, 'aws_secretsmanager_secret_policy')).filter((id) => !id.startsWith('Credentials_HashKey'))).toEqual([
      expect.stringMatching(/^Cred_ReadersSecretPolicy_/),
    ]);
  });

  test('with a customer KMS key, each reader gets a grant to decrypt under this secret\'s encryption context only', () => {
    const s = stackWith({ readers: [CONSUMER, ANALYST] }, { kmsKeyArn: KEY });
    const grants = Object.values(resources(s, 'aws_kms_grant'));
    const secretArn = resource(s, 'aws_secretsmanager_secret_policy', 'Cred_ReadersSecretPolicy').secret_arn;
    expect(grants).toEqual(
      [CONSUMER, ANALYST].map((grantee) => ({
        key_id: KEY,
        grantee_principal: grantee,
        operations: ['Decrypt'],
        constraints: [{ encryption_context_subset: { SecretARN: secretArn } }],
      })),
    );
  });

  test('a key given as an alias ARN is resolved to its key for the grants', () => {
    const s = stackWith({ readers: [CONSUMER] }, { kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:alias/data-api' });
    const alias = Object.entries(s.config.data?.aws_kms_alias ?? {});
    expect(alias).toHaveLength(1);
    expect(alias[0][1]).toEqual({ name: 'alias/data-api' });
    expect(resource(s, 'aws_kms_grant', 'Cred_ReaderKeyGrant0').key_id).toBe(`\${data.aws_kms_alias.${alias[0][0]}.target_key_arn}`);
  });

  test.each([
    ['readers', { readers: ['consumer'] }, undefined, /Invalid readers \(DataApiCredential .*Cred\): got "consumer"; allowed: IAM principal ARNs/],
    ['readers', { readers: ['arn:aws:s3:::bucket'] }, undefined, /Invalid readers .*got "arn:aws:s3:::bucket"/],
    ['grantRead', {}, (c: DataApiCredential) => c.grantRead('*'), /Invalid grantRead \(DataApiCredential .*Cred\): got "\*"; allowed: IAM principal ARNs/],
  ])('a bad principal ARN in %s fails at synth naming it', (_where, props, after, message) => {
    expect(() => stackWith(props, {}, after)).toThrow(message);
  });
});
