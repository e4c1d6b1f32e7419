/**
 * Readers of a credential's secret: the exact resource policy, the KMS grants with a customer key,
 * and the validation of principal ARNs.
 */
import { CredentialStore, CredentialStoreProps, DataApiCredential, DataApiCredentialProps } from '../../../lib';
import { resource, resources, synth, Synthesized } from '../../support/synth';
import { synthesizedPolicy } from '../../support/synthesized-policy';

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

/** The credential's own secret policy (with readers), as IAM JSON. */
const readersPolicy = (s: Synthesized) => synthesizedPolicy(s, resource(s, 'aws_secretsmanager_secret_policy', 'Cred_ReadersSecretPolicy').policy);

/**
 * The statement every secret's policy has: everything but the reads (value, version stages, tags,
 * the policy itself, the secret's life, and any change AWS adds) is the provider's and the deployer's.
 */
function onlyProviderAndDeployerChange(): unknown {
  return {
    Sid: 'OnlyTheProviderAndDeployerChange',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    // Reverse-sorted, as aws_iam_policy_document writes a list.
    NotAction: ['secretsmanager:List*', 'secretsmanager:Get*', 'secretsmanager:Describe*'],
    Resource: '*',
    Condition: {
      StringNotEquals: {
        'aws:PrincipalArn': [expect.stringMatching(/^\$\{aws_iam_role\.Credentials_Provider_Role_\w+\.arn\}$/), expect.stringMatching(/^\$\{data\.aws_iam_session_context\.\w+\.issuer_arn\}$/)],
      },
    },
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
    // IAM JSON text, not an aws_iam_policy_document: no data source in every credential's dependencies.
    expect(policy.policy).toMatch(/^\$\{jsonencode\(/);
    expect(Object.keys(s.config.data?.aws_iam_policy_document ?? {}).filter((id) => /SecretPolicy|ReadersPolicy/.test(id))).toEqual([]);
    const providerRole = expect.stringMatching(/^\$\{aws_iam_role\.Credentials_Provider_Role_\w+\.arn\}$/);
    expect(readersPolicy(s)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Readers',
          Effect: 'Allow',
          // A set, reverse-sorted as the data source writes it; the condition's values keep their order.
          Principal: { AWS: [ANALYST, CONSUMER] },
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: '*',
        },
        {
          Sid: 'OnlyReadersAndTheProviderRead',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalArn': [CONSUMER, ANALYST, providerRole] } },
        },
        onlyProviderAndDeployerChange(),
      ],
    });
    expect(resources(s, 'aws_kms_grant')).toEqual({});
  });

  test('without readers the secret still gets its policy, on the secret itself: only the provider reads the value; only the provider and the deployer change it', () => {
    const s = stackWith({});
    // The store's one document, the same for every secret without readers ("*" is the secret it is attached to).
    expect(Object.keys(resources(s, 'aws_secretsmanager_secret_policy')).filter((id) => id.startsWith('Cred_'))).toEqual([]);
    const secret = resource(s, 'aws_secretsmanager_secret', 'Cred_Secret');
    // The store's local, written once in the configuration.
    expect(secret.policy).toMatch(/^\$\{local\.Credentials_SecretPolicy_\w+\}$/);
    const providerRole = expect.stringMatching(/^\$\{aws_iam_role\.Credentials_Provider_Role_\w+\.arn\}$/);
    expect(synthesizedPolicy(s, secret.policy).Statement).toEqual([
      {
        Sid: 'OnlyReadersAndTheProviderRead',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
        // One value: a string, as the data source writes it.
        Condition: { StringNotEquals: { 'aws:PrincipalArn': providerRole } },
      },
      onlyProviderAndDeployerChange(),
    ]);
  });

  test('restrictSecretReads: false leaves the reads of a secret without readers to IAM (the opt-out); readers still restrict theirs', () => {
    const s = stackWith({}, { restrictSecretReads: false });
    expect(synthesizedPolicy(s, resource(s, 'aws_secretsmanager_secret', 'Cred_Secret').policy).Statement).toEqual([onlyProviderAndDeployerChange()]);
    const withReaders = stackWith({ readers: [CONSUMER] }, { restrictSecretReads: false });
    expect(readersPolicy(withReaders).Statement.map((st) => st.Sid)).toEqual(['Readers', 'OnlyReadersAndTheProviderRead', 'OnlyTheProviderAndDeployerChange']);
    // One reader: the principal is a string, as the data source writes it.
    expect(readersPolicy(withReaders).Statement[0].Principal).toEqual({ AWS: CONSUMER });
  });

  test('credentials without readers share one policy (a local); one with readers has its own policy resource, and no policy on its secret', () => {
    const s = synth((scope) => {
      const store = new CredentialStore(scope, 'Credentials');
      for (let i = 0; i < 3; i++) new DataApiCredential(scope, `Plain${i}`, { store, name: `p${i}`, scopes: ['users'] });
      new DataApiCredential(scope, 'Cred', { store, name: 'c', scopes: ['users'], readers: [CONSUMER] });
    });
    expect(Object.keys(s.config.data?.aws_iam_policy_document ?? {}).filter((id) => /SecretPolicy|ReadersPolicy/.test(id))).toEqual([]);
    expect(Object.keys((s.config as { locals?: object }).locals ?? {})).toEqual([expect.stringMatching(/^Credentials_SecretPolicy_/)]);
    const policies = new Set([0, 1, 2].map((i) => resource(s, 'aws_secretsmanager_secret', `Plain${i}_Secret`).policy));
    expect([...policies]).toEqual([expect.stringMatching(/^\$\{local\.Credentials_SecretPolicy_\w+\}$/)]);
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
