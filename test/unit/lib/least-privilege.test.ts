/**
 * Least privilege, over every policy the library synthesizes: no wildcard action anywhere, and
 * no wildcard resource for DynamoDB, Secrets Manager or KMS. New constructs that create roles
 * belong in `everything` below, so this test covers them too.
 */
import { Construct } from 'constructs';
import { AuthType, CredentialStore, DataApiCredential, DataApiGateway, DataApiScope } from '../../../lib';
import { Synthesized, synth } from '../../support/synth';
import { synthesizedPolicy } from '../../support/synthesized-policy';

const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';

function everything(scope: Construct): void {
  const store = new CredentialStore(scope, 'Credentials', {
    kmsKeyArn: KMS_KEY,
    admins: ['arn:aws:iam::123456789012:role/pipeline'],
  });
  new DataApiCredential(scope, 'OAuth', {
    store,
    name: 'oauth',
    scopes: DataApiScope.ALL,
    readers: ['arn:aws:iam::123456789012:role/consumer'],
  });
  const key = new DataApiCredential(scope, 'Key', { store, name: 'key', authType: AuthType.API_KEY, scopes: ['users'] });
  key.grantRead('arn:aws:iam::123456789012:user/analyst');
  new DataApiGateway(scope, 'DataApi', {
    store,
    backend: { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:records-backend' },
  });
}

interface Statement {
  readonly where: string;
  /** A statement of a secret's resource policy: there `Resource: "*"` is that one secret. */
  readonly secretPolicy: boolean;
  readonly principals: string[];
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
}

const asList = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [String(value)]);

/**
 * Every statement of every policy document data source (the library's own render none since the
 * functions' roles stopped: one added later is checked still), policy written as IAM JSON
 * (`jsonencode`: the roles' policies and trust policies, the resource policies, on a secret too)
 * and literal JSON policy in the stack.
 */
function statements(s: Synthesized): Statement[] {
  const found: Statement[] = [];
  for (const [id, doc] of Object.entries(s.config.data?.aws_iam_policy_document ?? {})) {
    for (const st of doc.statement ?? []) {
      found.push({
        where: `aws_iam_policy_document.${id}`,
        secretPolicy: false,
        principals: (st.principals ?? []).flatMap((p: { identifiers: string[] }) => p.identifiers),
        effect: st.effect ?? 'Allow',
        actions: asList(st.actions),
        resources: asList(st.resources),
      });
    }
  }
  for (const type of ['aws_iam_role', 'aws_iam_role_policy', 'aws_iam_policy', 'aws_secretsmanager_secret', 'aws_secretsmanager_secret_policy', 'aws_dynamodb_resource_policy']) {
    for (const [id, res] of Object.entries(s.config.resource[type] ?? {})) {
      const policy = type === 'aws_iam_role' ? res.assume_role_policy : res.policy;
      if (typeof policy !== 'string' || /^\$\{data\.aws_iam_policy_document\.\w+\.json\}$/.test(policy)) continue; // a document above
      const document = policy.startsWith('${') ? synthesizedPolicy(s, policy) : JSON.parse(policy);
      for (const st of document.Statement ?? []) {
        found.push({
          where: `${type}.${id}`,
          secretPolicy: type.startsWith('aws_secretsmanager_secret'),
          principals: asList(st.Principal?.AWS),
          effect: st.Effect,
          actions: asList(st.Action),
          resources: asList(st.Resource),
        });
      }
    }
  }
  return found;
}

describe('least privilege of every synthesized policy', () => {
  const s = synth(everything);
  const allows = statements(s).filter((st) => st.effect === 'Allow');

  test('there are policies to check, among them the provider role with its records, secrets and key statements', () => {
    expect(allows.length).toBeGreaterThanOrEqual(4);
    const actions = allows.flatMap((st) => st.actions);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'secretsmanager:PutSecretValue', 'kms:Decrypt']));
  });

  test('no statement allows a wildcard action', () => {
    const wild = allows.flatMap((st) => st.actions.filter((a) => a.includes('*')).map((a) => `${st.where}: ${a}`));
    expect(wild).toEqual([]);
  });

  test('no DynamoDB, Secrets Manager or KMS action is allowed on every resource (a secret policy\'s "*" is its own secret)', () => {
    const broad = allows
      .filter((st) => !st.secretPolicy && st.actions.some((a) => /^(dynamodb|secretsmanager|kms):/.test(a)))
      .flatMap((st) => st.resources.filter((r) => r === '*' || /:\*$/.test(r)).map((r) => `${st.where}: ${r}`));
    expect(broad).toEqual([]);
  });

  test('Secrets Manager access is limited to the store prefix, or (readers, in one secret\'s own policy) to named principals', () => {
    const identity = allows.filter((st) => !st.secretPolicy && st.actions.some((a) => a.startsWith('secretsmanager:')));
    expect(identity.length).toBeGreaterThan(0);
    for (const r of identity.flatMap((st) => st.resources)) {
      expect(r).toMatch(/:secret:data-api\/credentials\/stack\/\*$|^\$\{aws_secretsmanager_secret\.Credentials_HashKey_\w+\.arn\}$/);
    }
    const readers = allows.filter((st) => st.secretPolicy);
    // Both readers' policies, each for named principals only.
    expect(readers).toHaveLength(2);
    for (const st of readers) {
      expect(st.resources).toEqual(['*']);
      expect(st.principals.length).toBeGreaterThan(0);
      expect(st.principals).not.toContain('*');
    }
  });
});
