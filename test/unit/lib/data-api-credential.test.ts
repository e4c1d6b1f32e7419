import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { DataResource } from 'cdktf';
import { Construct } from 'constructs';
import { AuthType, CredentialStore, DataApiCredential, DataApiCredentialProps, DataApiScope } from '../../../lib';
import { credentialOutputs, dependenciesOf, resource, resources, synth } from '../../support/synth';
import { declarationText } from '../../../handlers/contract/credential';
import { hashSecret } from '../../../handlers/secret-format';

type CredentialOptions = Omit<DataApiCredentialProps, 'store'>;

function stackWith(...credentials: CredentialOptions[]) {
  return synth((scope) => {
    const store = new CredentialStore(scope, 'Credentials');
    credentials.forEach((props, index) => new DataApiCredential(scope, `Cred${index}`, { store, ...props }));
  });
}

function invocationInput(s: ReturnType<typeof synth>, prefix: string): string {
  return resource(s, 'aws_lambda_invocation', prefix).input;
}

describe('DataApiCredential resources', () => {
  test('an OAuth 2.0 credential is the default, with a secret, an instance and a CRUD invocation', () => {
    const s = stackWith({ name: 'Analytics-DataAPI-Credential', scopes: DataApiScope.ALL });

    expect(s.json).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: 'data-api/credentials/stack/Cred0',
      recovery_window_in_days: 30,
    });
    expect(s.json).toHaveResourceWithProperties(DataResource, {
      triggers_replace: { authType: 'oauth2', secretName: 'data-api/credentials/stack/Cred0', functionName: 'stack-Credentials-provider' },
    });
    expect(s.json).toHaveResourceWithProperties(LambdaInvocation, { lifecycle_scope: 'CRUD' });
    const input = invocationInput(s, 'Cred0_Provider');
    expect(input).toContain('"authType" = "oauth2"');
    expect(input).toContain('"name" = "Analytics-DataAPI-Credential"');
  });

  test('the secret is tagged with its store and the digest of its whole declaration (the binding the provider checks); its name is the 0.2 default', () => {
    const s = synth((scope) => {
      const store = new CredentialStore(scope, 'Credentials', { tags: { team: 'data' } });
      new DataApiCredential(scope, 'Cred0', {
        store,
        name: 'c',
        description: 'for the export',
        scopes: [DataApiScope.USERS, DataApiScope.CONVERSATIONS],
        rotation: { trigger: '2026-12', gracePeriodHours: 48 },
      });
    });
    const secret = resource(s, 'aws_secretsmanager_secret', 'Cred0_Secret');
    expect(secret.name).toBe('data-api/credentials/stack/Cred0');
    // The provider's digest of the same declaration: only the instance id is left to Terraform.
    const literals = hashSecret(
      declarationText('stack-Credentials', { name: 'c', authType: 'oauth2', description: 'for the export', scopes: ['conversations', 'users'], rotationGracePeriodHours: 48 }),
    );
    expect(secret.tags).toEqual({
      team: 'data',
      'data-api-credentials:store': 'stack-Credentials',
      'data-api-credentials:declaration': expect.stringMatching(new RegExp(`^\\$\\{sha256\\(join\\("\\\\n", \\[terraform_data\\.Cred0_Instance_\\w+\\.id, "${literals}"\\]\\)\\)\\}$`)),
    });
    expect(JSON.stringify(secret.tags)).not.toMatch(/data-api-credentials:(instance|scopes)/);
  });

  test('with a custom secretPrefix, default secret names keep the stack in them, as before', () => {
    const s = synth((scope) => {
      const store = new CredentialStore(scope, 'Credentials', { secretPrefix: 'team-a/' });
      new DataApiCredential(scope, 'Cred0', { store, name: 'c', scopes: ['users'] });
    });
    expect(resource(s, 'aws_secretsmanager_secret', 'Cred0_Secret').name).toBe('team-a/stack/Cred0');
  });

  test('DataApiScope.ALL is expanded to the five scopes at synth, so a review shows them', () => {
    const s = stackWith({ name: 'all', scopes: DataApiScope.ALL });
    expect(invocationInput(s, 'Cred0_Provider')).toContain(
      '"scopes" = ["conversations", "interactions", "plugin-calls", "plugin-resources", "users"]',
    );
  });

  test('scopes are sent in canonical order, so reordering them in code changes nothing', () => {
    const a = stackWith({ name: 'x', scopes: [DataApiScope.USERS, DataApiScope.CONVERSATIONS] });
    const b = stackWith({ name: 'x', scopes: ['conversations', 'users'] });
    expect(invocationInput(a, 'Cred0_Provider')).toBe(invocationInput(b, 'Cred0_Provider'));
    expect(invocationInput(a, 'Cred0_Provider')).toContain('"scopes" = ["conversations", "users"]');
  });

  test('an auth type change replaces the credential: the instance is keyed on the auth type and the invocation is replaced with it, new before old', () => {
    const s = stackWith({ name: 'k', authType: AuthType.API_KEY, scopes: ['users'] });
    const instance = resource(s, 'terraform_data', 'Cred0_Instance');
    expect(instance.triggers_replace).toMatchObject({ authType: 'api_key' });
    expect(Object.keys(instance.triggers_replace).sort()).toEqual(['authType', 'functionName', 'secretName']);
    expect(instance.lifecycle).toEqual({ create_before_destroy: true });

    const invocation = resource(s, 'aws_lambda_invocation', 'Cred0_Provider');
    const instanceId = Object.keys(resources(s, 'terraform_data'))[0];
    expect(invocation.lifecycle).toEqual({
      create_before_destroy: true,
      replace_triggered_by: [`terraform_data.${instanceId}`],
    });
    expect(invocation.input).toContain(`"instanceId" = terraform_data.${instanceId}.id`);
  });

  test('an OAuth 2.0 client outlives its rotations: its client id is the first instance\'s credential id, kept by ignore_changes, replaced with everything but the rotation trigger (issue 22)', () => {
    const rotated = (trigger: string) => stackWith({ name: 'c', scopes: ['users'], rotation: { trigger } });
    const s = rotated('2026-11');
    const client = resource(s, 'terraform_data', 'Cred0_Client');
    const instanceId = Object.keys(resources(s, 'terraform_data')).find((id) => id.startsWith('Cred0_Instance'))!;
    expect(client.input).toBe(`\${terraform_data.${instanceId}.id}`);
    expect(client.lifecycle).toEqual({ create_before_destroy: true, ignore_changes: ['input'] });
    // What replaces the instance but the rotation trigger, in one string (an object's type would be kept in state too).
    const instanceTriggers = resource(s, 'terraform_data', 'Cred0_Instance').triggers_replace;
    expect(instanceTriggers).toMatchObject({ rotation: '2026-11' });
    expect(client.triggers_replace).toBe(`oauth2 ${instanceTriggers.functionName} ${instanceTriggers.secretName}`);
    // A new trigger replaces the instance, not the client; the client id does not change.
    const next = rotated('2026-12');
    expect(resource(next, 'terraform_data', 'Cred0_Client')).toEqual(client);
    expect(credentialOutputs(next).Cred0.clientId).toBe(credentialOutputs(s).Cred0.clientId);
    expect(credentialOutputs(next).Cred0.credentialId).toBe(credentialOutputs(s).Cred0.credentialId);
    // An API key has no client.
    const key = stackWith({ name: 'k', authType: AuthType.API_KEY, scopes: ['users'] });
    expect(Object.keys(resources(key, 'terraform_data')).filter((id) => id.includes('_Client_'))).toEqual([]);
  });

  test('name and scopes are plain input fields, so changing them is an in-place update', () => {
    const before = stackWith({ name: 'a', scopes: ['users'] });
    const after = stackWith({ name: 'b', scopes: ['users', 'interactions'] });
    // The instance (what triggers replacement) is the same; only the invocation's input differs.
    expect(resources(after, 'terraform_data')).toEqual(resources(before, 'terraform_data'));
    const [b, a] = [before, after].map((s) => resource(s, 'aws_lambda_invocation', 'Cred0_Provider'));
    expect(a.lifecycle).toEqual(b.lifecycle);
    expect(a.function_name).toEqual(b.function_name);
    expect(a.input).not.toEqual(b.input);
  });

  test('the invocation waits for the provider, its permissions, logs, table and table policy, and the secret, so destroy revokes first', () => {
    const s = stackWith({ name: 'x', scopes: ['users'] });
    const [address] = Object.keys(resources(s, 'aws_lambda_invocation')).map((id) => `aws_lambda_invocation.${id}`);
    const types = [...dependenciesOf(s, address)].map((a) => a.split('.')[0]);
    for (const type of [
      'aws_lambda_function',
      'aws_iam_role_policy',
      'aws_cloudwatch_log_group',
      'aws_dynamodb_table',
      'aws_dynamodb_resource_policy',
      'aws_secretsmanager_secret',
      'terraform_data',
    ]) {
      expect(types).toContain(type);
    }
  });

  test('no policy document data source is an ancestor of a credential\'s invocation or secret: Terraform would keep its address in their state', () => {
    const s = stackWith({ name: 'x', scopes: ['users'] });
    const [invocation] = Object.keys(resources(s, 'aws_lambda_invocation')).map((id) => `aws_lambda_invocation.${id}`);
    const [secret] = Object.keys(resources(s, 'aws_secretsmanager_secret')).filter((id) => id.startsWith('Cred0_Secret')).map((id) => `aws_secretsmanager_secret.${id}`);
    for (const address of [invocation, secret]) {
      const ancestors = [...dependenciesOf(s, address)];
      // The provider's role is an ancestor of both (the invocation runs as it; the secret's policy names it) ...
      expect(ancestors).toContainEqual(expect.stringMatching(/^aws_iam_role\.Credentials_Provider_Role_/));
      // ... and its documents are text in it, not data sources.
      expect(ancestors.filter((a) => a.startsWith('data.aws_iam_policy_document.'))).toEqual([]);
    }
  });

  test('at scale, a credential adds no depends_on of its own but the provider\'s permissions and the table policy (references carry the rest)', () => {
    const s = stackWith({ name: 'x', scopes: ['users'] });
    const dependsOn: string[] = resource(s, 'aws_lambda_invocation', 'Cred0_Provider').depends_on;
    expect(dependsOn).toEqual([expect.stringMatching(/^aws_iam_role_policy\.Credentials_Provider_Policy_/), expect.stringMatching(/^aws_dynamodb_resource_policy\./)]);
    // The function does not wait for its permissions (its invocations do): in a large apply it is created early.
    expect(Object.values(resources(s, 'aws_lambda_function')).find((f) => f.function_name.endsWith('-provider'))?.depends_on).toEqual([
      expect.stringMatching(/^aws_cloudwatch_log_group\./),
    ]);
  });

  test('the input sent to the provider holds no secret-looking field', () => {
    const input = invocationInput(stackWith({ name: 'x', scopes: ['users'] }), 'Cred0_Provider');
    const keys = [...input.matchAll(/"(\w+)" =/g)].map((m) => m[1]).sort();
    expect(keys).toEqual(['authType', 'instanceId', 'name', 'scopes', 'secretArn']);
  });

  test('credential id, secret ARN and (OAuth 2.0 only) client id are in the store\'s one DeclaredCredentials output, beside the declaration', () => {
    const s = stackWith(
      { name: 'oauth', scopes: ['users'] },
      { name: 'key', authType: AuthType.API_KEY, scopes: ['users'] },
    );
    // No output of a credential's own: one per store, however many credentials.
    expect(Object.keys(s.config.output ?? {}).filter((o) => /^Cred\d/.test(o))).toEqual([]);
    expect(Object.keys(s.config.output ?? {})).toContainEqual(expect.stringMatching(/^Credentials_DeclaredCredentials_[0-9A-F]{8}$/));
    const outputs = credentialOutputs(s);
    expect(Object.keys(outputs)).toEqual(['Cred0', 'Cred1']);
    expect(outputs.Cred0.clientId).toMatch(/^dci_\$\{substr\(sha256\(join\("", \["data-api-credential:", terraform_data\.Cred0_Client_\w+\.output\]\)\), 0, 32\)\}$/);
    expect(outputs.Cred0.credentialId).toMatch(/^\$\{substr\(sha256\(join\("", \["data-api-credential:", terraform_data\.Cred0_Instance_\w+\.id\]\)\), 0, 32\)\}$/);
    expect(outputs.Cred0.secretArn).toMatch(/^\$\{aws_secretsmanager_secret\.Cred0_Secret_\w+\.arn\}$/);
    expect(outputs.Cred1.clientId).toBeNull();
    expect(outputs.Cred1).toMatchObject({ name: 'key', authType: 'api_key', scopes: ['users'] });
    expect(outputs.Cred1).not.toHaveProperty('kind');
  });

  test('the DeclaredCredentials output\'s credentials are a map: entries of one shape, the optional fields declared in options, lists as lists', () => {
    const s = stackWith(
      { name: 'oauth', scopes: ['users', 'conversations'], description: 'for BI', rotation: { trigger: 'r1', gracePeriodHours: 2 }, expiresAfterDays: 30 },
      { name: 'key', authType: AuthType.API_KEY, scopes: ['users'] },
    );
    const [, output] = Object.entries(s.config.output ?? {}).find(([id]) => id.startsWith('Credentials_DeclaredCredentials_'))!;
    const credentials = (output.value as unknown as { credentials: string }).credentials;
    // A map (its type kept once in state), whose entries must have one type: tuples of different lengths would not.
    expect(credentials).toMatch(/^\$\{tomap\(\{/);
    expect(credentials).toContain('"scopes" = tolist(["conversations", "users"])');
    const raw = credentialOutputs(s, 'Credentials', true);
    expect(Object.keys(raw.Cred1)).toEqual(Object.keys(raw.Cred0));
    // Only what is declared, as strings (a map's values have one type); nothing for what is not.
    expect(raw.Cred0.options).toEqual({ description: 'for BI', rotationGracePeriodHours: '2', expiresAfterDays: '30', rotationTrigger: 'r1' });
    expect(raw.Cred1.options).toEqual({});
    expect(Object.values(raw.Cred0)).not.toContain(null);
    expect(raw.Cred1.clientId).toBeNull();
    // As the review reads them: the numbers as numbers, the trigger as the rotation.
    const outputs = credentialOutputs(s);
    expect(outputs.Cred0).toMatchObject({ description: 'for BI', rotation: { trigger: 'r1' }, rotationGracePeriodHours: 2, expiresAfterDays: 30 });
    expect(outputs.Cred0).not.toHaveProperty('expiryDate');
    expect(outputs.Cred1).not.toHaveProperty('description');
    expect(outputs.Cred1).not.toHaveProperty('rotation');
  });

  test('names, descriptions and rotation triggers with quotes, backslashes and template sequences stay literal in the output\'s map', () => {
    const text = 'a "quoted" \\ back ${not.a.ref} %{if x}';
    const s = stackWith({ name: text, description: text, scopes: ['users'], rotation: { trigger: text } });
    expect(credentialOutputs(s).Cred0).toMatchObject({ name: text, description: text, rotation: { trigger: text } });
  });

  test('the construct exposes the expanded scopes, the auth type and the client id', () => {
    synth((scope) => {
      const store = new CredentialStore(scope, 'Credentials');
      const oauth = new DataApiCredential(scope, 'A', { store, name: 'a', scopes: DataApiScope.ALL });
      const key = new DataApiCredential(scope, 'B', { store, name: 'b', authType: AuthType.API_KEY, scopes: ['users'] });
      expect(oauth.scopes).toHaveLength(5);
      expect(oauth.authType).toBe('oauth2');
      expect(oauth.clientId).toBeDefined();
      expect(key.clientId).toBeUndefined();
      expect(key.scopes).toEqual(['users']);
    });
  });

  test('a description and a custom secret name under the prefix are passed through', () => {
    const s = stackWith({ name: 'x', scopes: ['users'], description: 'for the BI team', secretName: 'data-api/credentials/stack/bi' });
    expect(invocationInput(s, 'Cred0_Provider')).toContain('"description" = "for the BI team"');
    expect(resource(s, 'aws_secretsmanager_secret', 'Cred0_Secret').name).toBe('data-api/credentials/stack/bi');
  });
});

describe('DataApiCredential rotation', () => {
  test('the trigger is part of the instance, so changing it replaces the credential; the secret stays', () => {
    const v1 = stackWith({ name: 'r', scopes: ['users'], rotation: { trigger: '2026-11' } });
    const v2 = stackWith({ name: 'r', scopes: ['users'], rotation: { trigger: '2026-12' } });
    expect(resource(v1, 'terraform_data', 'Cred0_Instance').triggers_replace).toMatchObject({ rotation: '2026-11' });
    expect(resource(v2, 'terraform_data', 'Cred0_Instance').triggers_replace).toMatchObject({ rotation: '2026-12' });
    expect(resource(v2, 'aws_secretsmanager_secret', 'Cred0_Secret')).toEqual(resource(v1, 'aws_secretsmanager_secret', 'Cred0_Secret'));
  });

  test('the grace period (default 24 hours) goes to the provider in the input and into the declaration for reviews', () => {
    const s = stackWith(
      { name: 'a', scopes: ['users'], rotation: { trigger: 'v1' } },
      { name: 'b', scopes: ['users'], rotation: { trigger: 'v1', gracePeriodHours: 0 }, authTypeChangeGracePeriodHours: 6 },
    );
    expect(invocationInput(s, 'Cred0_Provider')).toContain('"rotationGracePeriodHours" = 24');
    expect(invocationInput(s, 'Cred0_Provider')).not.toContain('authTypeChangeGracePeriodHours');
    expect(invocationInput(s, 'Cred1_Provider')).toContain('"rotationGracePeriodHours" = 0');
    expect(invocationInput(s, 'Cred1_Provider')).toContain('"authTypeChangeGracePeriodHours" = 6');
    const declaration = credentialOutputs(s).Cred1;
    // Every declared field at the top level (the contract's table); the rotation keeps its trigger only.
    expect(declaration).toMatchObject({ rotationGracePeriodHours: 0, authTypeChangeGracePeriodHours: 6 });
    expect(declaration.rotation).toEqual({ trigger: 'v1' });
  });

  test('without rotation, the instance and the input are exactly as before (no replacement on upgrade)', () => {
    const s = stackWith({ name: 'x', scopes: ['users'] });
    expect(Object.keys(resource(s, 'terraform_data', 'Cred0_Instance').triggers_replace).sort()).toEqual(['authType', 'functionName', 'secretName']);
    expect(invocationInput(s, 'Cred0_Provider')).not.toContain('GracePeriodHours');
  });
});

describe('DataApiCredential validation fails at synth with the prop, the value and what is allowed', () => {
  const attempt = (props: Partial<CredentialOptions>, build?: (scope: Construct, store: CredentialStore) => void) => () =>
    synth((scope) => {
      const store = new CredentialStore(scope, 'Credentials');
      build?.(scope, store);
      new DataApiCredential(scope, 'Bad', { store, name: 'ok', scopes: ['users'], ...props } as DataApiCredentialProps);
    });

  test.each<[string, Partial<CredentialOptions>, RegExp]>([
    ['empty scopes', { scopes: [] }, /Invalid scopes \(DataApiCredential .*Bad\): got \[\] \(empty\); allowed: one or more of "conversations", "interactions", "plugin-calls", "plugin-resources", "users"/],
    ['an unknown scope', { scopes: ['users', 'billing' as never] }, /Invalid scopes .*got "billing" \(unknown scope\); allowed: one or more of "conversations"/],
    ['a duplicated scope', { scopes: ['users', 'users'] }, /Invalid scopes .*got "users" \(listed twice\); allowed: each scope at most once/],
    ['an unknown auth type', { authType: 'basic' as never }, /Invalid authType \(DataApiCredential .*Bad\): got "basic"; allowed: "api_key" or "oauth2"/],
    ['an empty name', { name: '' }, /Invalid name \(DataApiCredential .*Bad\): got "" \(0 characters\); allowed: 1 to 128 characters/],
    ['a blank name', { name: '   ' }, /Invalid name .*got "   " \(3 characters\); allowed: 1 to 128 characters, not only spaces/],
    ['an over-long name', { name: 'n'.repeat(129) }, /Invalid name .*\(129 characters\); allowed: 1 to 128 characters/],
    ['a secret name outside the prefix', { secretName: 'other/x' }, /Invalid secretName .*got "other\/x"; allowed: a name starting with the store's secretPrefix "data-api\/credentials\/stack\/"/],
    ['an over-long description', { description: 'd'.repeat(513) }, /Invalid description .*allowed: a string of at most 512 characters/],
    ['a grace period over 7 days', { rotation: { trigger: 'v2', gracePeriodHours: 169 } }, /Invalid rotation\.gracePeriodHours \(DataApiCredential .*Bad\): got 169; allowed: a whole number of hours from 0 to 168 \(7 days\)/],
    ['a negative grace period', { rotation: { trigger: 'v2', gracePeriodHours: -1 } }, /Invalid rotation\.gracePeriodHours .*got -1; allowed: a whole number of hours from 0 to 168/],
    ['a fractional grace period', { rotation: { trigger: 'v2', gracePeriodHours: 1.5 } }, /Invalid rotation\.gracePeriodHours .*got 1\.5/],
    ['an empty rotation trigger', { rotation: { trigger: '' } }, /Invalid rotation\.trigger \(DataApiCredential .*Bad\): got ""; allowed: 1 to 128 printable characters/],
    ['an auth type change grace period over 7 days', { authTypeChangeGracePeriodHours: 200 }, /Invalid authTypeChangeGracePeriodHours \(DataApiCredential .*Bad\): got 200; allowed: a whole number of hours from 0 to 168/],
  ])('%s', (_what, props, message) => {
    expect(attempt(props)).toThrow(message);
  });

  test('two credentials with the same name in one store', () => {
    expect(
      attempt({ name: 'Shared' }, (scope, store) => new DataApiCredential(scope, 'First', { store, name: 'Shared', scopes: ['users'] })),
    ).toThrow(/Invalid name \(DataApiCredential .*Bad\): got "Shared"; allowed: a name not used by another credential of store .*Credentials; .*First already has it/);
  });

  test('the same name in two stores is allowed', () => {
    expect(() =>
      synth((scope) => {
        const one = new CredentialStore(scope, 'One');
        const two = new CredentialStore(scope, 'Two');
        new DataApiCredential(scope, 'A', { store: one, name: 'Shared', scopes: ['users'] });
        new DataApiCredential(scope, 'B', { store: two, name: 'Shared', scopes: ['users'] });
      }),
    ).not.toThrow();
  });

  test('a failed validation is a ValidationError and adds no resource for the credential', () => {
    let thrown: unknown;
    let credentialChildren = -1;
    synth((scope) => {
      const store = new CredentialStore(scope, 'Credentials');
      try {
        new DataApiCredential(scope, 'Bad', { store, name: 'x', scopes: [] });
      } catch (error) {
        thrown = error;
        credentialChildren = scope.node.tryFindChild('Bad')?.node.children.length ?? 0;
      }
    });
    expect((thrown as Error).name).toBe('ValidationError');
    expect(credentialChildren).toBe(0);
  });
});

describe('DataApiCredential expiry (expiresAt / expiresAfterDays)', () => {
  test('the declared expiry goes to the invocation input and the declaration, not to the instance (no replacement)', () => {
    const s = stackWith({ name: 'Expiring', scopes: [DataApiScope.USERS], expiresAt: '2027-01-31' }, { name: 'Windowed', scopes: [DataApiScope.USERS], expiresAfterDays: 90 });
    expect(invocationInput(s, 'Cred0_Provider')).toContain('"expiryDate" = "2027-01-31"');
    expect(invocationInput(s, 'Cred1_Provider')).toContain('"expiresAfterDays" = 90');
    expect(JSON.stringify(resource(s, 'terraform_data', 'Cred0_Instance').triggers_replace)).not.toMatch(/expir/i);
    const declared = credentialOutputs(s);
    expect(JSON.stringify(declared)).toContain('"expiryDate":"2027-01-31"');
  });

  test('at most one of the two, and each validated', () => {
    expect(() => stackWith({ name: 'x', scopes: [DataApiScope.USERS], expiresAt: '2027-01-31', expiresAfterDays: 30 })).toThrow(/at most one of expiresAfterDays and expiresAt/);
    expect(() => stackWith({ name: 'x', scopes: [DataApiScope.USERS], expiresAt: '31/01/2027' })).toThrow(/Invalid expiresAt \(DataApiCredential/);
    expect(() => stackWith({ name: 'x', scopes: [DataApiScope.USERS], expiresAfterDays: 0 })).toThrow(/Invalid expiresAfterDays \(DataApiCredential/);
  });

  test('a credential without an expiry synthesizes exactly as before (no new input key)', () => {
    const s = stackWith({ name: 'Plain', scopes: [DataApiScope.USERS] });
    expect(invocationInput(s, 'Cred0_Provider')).not.toMatch(/expir/i);
  });
});
