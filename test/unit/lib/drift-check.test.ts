/**
 * The plan-time drift check is opt-in, and each credential declares itself in an output that
 * reviews read.
 */
import { CredentialStore, DataApiCredential, DataApiScope } from '../../../lib';
import { synth } from '../../support/synth';

function stack(storeDriftCheck?: boolean, credentialDriftCheck?: boolean) {
  return synth((scope) => {
    const store = new CredentialStore(scope, 'Credentials', { driftCheck: storeDriftCheck });
    new DataApiCredential(scope, 'Export', { store, name: 'Export', scopes: [DataApiScope.USERS], driftCheck: credentialDriftCheck });
    new DataApiCredential(scope, 'Other', { store, name: 'Other', scopes: DataApiScope.ALL });
  });
}

const checks = (s: ReturnType<typeof stack>) => Object.keys((s.config as { check?: object }).check ?? {});

describe('the drift check', () => {
  test('is off by default, so a converged plan stays empty', () => {
    expect(checks(stack())).toEqual([]);
  });

  test('the store turns it on for all its credentials; a credential can turn it off again', () => {
    expect(checks(stack(true))).toHaveLength(2);
    expect(checks(stack(true, false))).toEqual([expect.stringMatching(/^Other_Provider_[0-9A-F]{8}_drift$/)]);
    expect(checks(stack(undefined, true))).toEqual([expect.stringMatching(/^Export_Provider_[0-9A-F]{8}_drift$/)]);
  });

  test('is a check block whose data source runs the read action after the credential, and asserts inSync', () => {
    const s = stack(undefined, true);
    const [id] = checks(s);
    const check = (s.config as any).check[id];
    const data = check.data.aws_lambda_invocation[id];

    expect(data.input).toContain('"action" = "read"');
    expect(data.input).toMatch(/"instanceAddress" = "terraform_data\.Export_Instance_[0-9A-F]{8}"/);
    expect(data.input).toMatch(/"instanceId" = terraform_data\.Export_Instance_[0-9A-F]{8}\.id/);
    expect(data.depends_on).toEqual([id.replace(/_drift$/, '').replace(/^/, 'aws_lambda_invocation.')]);
    expect(check.assert).toEqual([
      {
        condition: `\${jsondecode(data.aws_lambda_invocation.${id}.result).inSync}`,
        error_message: `\${jsondecode(data.aws_lambda_invocation.${id}.result).message}`,
      },
    ]);
  });
});

describe('the Declaration output', () => {
  test('holds the declared name, auth type and scopes and the addresses of the resources, all known at synth', () => {
    const s = stack();
    const [, output] = Object.entries(s.config.output ?? {}).find(([name]) => name.startsWith('Other_Declaration_'))!;

    expect(output.value).toEqual({
      kind: 'data-api-credential',
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
