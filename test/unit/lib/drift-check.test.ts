/**
 * The plan-time drift check is opt-in and batched per store, and each credential declares itself
 * in an output that reviews read.
 */
import { CredentialStore, DataApiCredential, DataApiScope } from '../../../lib';
import { credentialOutputs, synth } from '../../support/synth';

function stack(storeDriftCheck?: boolean, credentialDriftCheck?: boolean) {
  return synth((scope) => {
    const store = new CredentialStore(scope, 'Credentials', { driftCheck: storeDriftCheck });
    new DataApiCredential(scope, 'Export', { store, name: 'Export', scopes: [DataApiScope.USERS], driftCheck: credentialDriftCheck });
    new DataApiCredential(scope, 'Other', { store, name: 'Other', scopes: DataApiScope.ALL });
  });
}

const checks = (s: ReturnType<typeof stack>) => Object.keys((s.config as { check?: object }).check ?? {});

describe('the drift check', () => {
  const only = (s: ReturnType<typeof stack>) => {
    const [id] = checks(s);
    return { id, check: (s.config as any).check[id] };
  };
  const readKeys = (s: ReturnType<typeof stack>) => {
    const { id, check } = only(s);
    return [...String(check.data.aws_lambda_invocation[id].input).matchAll(/"(\w+_Provider_[0-9A-F]{8})" = \{/g)].map((m) => m[1]);
  };

  test('is off by default, so a converged plan stays empty', () => {
    expect(checks(stack())).toEqual([]);
  });

  test('is one check block per store, reading every checked credential; a credential can opt out or in', () => {
    expect(checks(stack(true))).toEqual([expect.stringMatching(/^Credentials_Table_[0-9A-F]{8}_drift$/)]);
    expect(readKeys(stack(true))).toEqual([expect.stringMatching(/^Export_Provider_/), expect.stringMatching(/^Other_Provider_/)]);
    expect(readKeys(stack(true, false))).toEqual([expect.stringMatching(/^Other_Provider_[0-9A-F]{8}$/)]);
    expect(readKeys(stack(undefined, true))).toEqual([expect.stringMatching(/^Export_Provider_[0-9A-F]{8}$/)]);
  });

  test('its one data source reads every checked credential in one invocation, after their invocations, and one assertion lists every drifted one', () => {
    const s = stack(true);
    const { id, check } = only(s);
    const data = check.data.aws_lambda_invocation[id];

    expect(data.input).toMatch(/^\$\{jsonencode\(\{"action" = "read", "credentials" = \{"Export_Provider_[0-9A-F]{8}" = \{/);
    expect(data.input).toMatch(/"instanceAddress" = "terraform_data\.Export_Instance_[0-9A-F]{8}"/);
    expect(data.input).toMatch(/"instanceId" = terraform_data\.Export_Instance_[0-9A-F]{8}\.id/);
    expect(data.input).toMatch(/"instanceId" = terraform_data\.Other_Instance_[0-9A-F]{8}\.id/);
    expect(data.depends_on).toEqual(readKeys(s).map((key: string) => `aws_lambda_invocation.${key}`));
    // One assertion per store: a deferred check (a change pending) is one warning, not one per credential.
    expect(check.assert).toEqual([
      {
        condition: `\${length(jsondecode(data.aws_lambda_invocation.${id}.result).drifted) == 0 && length(try(jsondecode(data.aws_lambda_invocation.${id}.result).expiring, {})) == 0}`,
        error_message: `\${join("\\n", concat([for key, read in jsondecode(data.aws_lambda_invocation.${id}.result).drifted : read.message], values(try(jsondecode(data.aws_lambda_invocation.${id}.result).expiring, {}))))}`,
      },
    ]);
  });

  test('two stores have two checks', () => {
    const s = synth((scope) => {
      for (const name of ['A', 'B']) {
        const store = new CredentialStore(scope, name, { driftCheck: true });
        new DataApiCredential(scope, `${name}Cred`, { store, name: 'same-name', scopes: [DataApiScope.USERS] });
      }
    });
    expect(checks(s)).toHaveLength(2);
  });
});

describe('the store\'s DeclaredCredentials output', () => {
  test('holds each declared name, auth type and scopes and the addresses of the resources, all known at synth', () => {
    const s = stack();
    const { credentialId, secretArn, clientId, ...declaration } = credentialOutputs(s).Other;
    expect([credentialId, secretArn, clientId]).toEqual([expect.stringContaining('${'), expect.stringContaining('${'), expect.stringContaining('${')]);
    const output = { value: declaration };

    expect(output.value).toEqual({
      name: 'Other',
      authType: 'oauth2',
      scopes: ['conversations', 'interactions', 'plugin-calls', 'plugin-resources', 'users'],
      instance: expect.stringMatching(/^terraform_data\.Other_Instance_[0-9A-F]{8}$/),
      invocation: expect.stringMatching(/^aws_lambda_invocation\.Other_Provider_[0-9A-F]{8}$/),
      secret: expect.stringMatching(/^aws_secretsmanager_secret\.Other_Secret_[0-9A-F]{8}$/),
    });
    expect(JSON.stringify(output.value)).not.toContain('${');
  });
});
