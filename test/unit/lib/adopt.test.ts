/** Adopting an existing API key: no secret of the stack's, the input says adopt, and what adoption excludes fails at synth. */
import { Fn } from 'cdktf';
import { AuthType, CredentialStore, DataApiCredential, DataApiCredentialProps } from '../../../lib';
import { credentialOutputs, resource, resources, synth } from '../../support/synth';

const ADOPTED = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:data-api/credentials/stack/preview/export-AbC123';

const stackWith = (props: Partial<DataApiCredentialProps>) =>
  synth((scope) => {
    const store = new CredentialStore(scope, 'Credentials');
    new DataApiCredential(scope, 'Cred', { store, name: 'preview', authType: AuthType.API_KEY, scopes: ['users'], ...props });
  });

describe('DataApiCredential adopt', () => {
  test('uses the existing secret: no secret resource, adopt in the input, the ARN in the instance and the outputs', () => {
    const s = stackWith({ adopt: { fromSecretArn: ADOPTED } });
    // The only secret is the store's hash key: none for the adopted credential.
    expect(Object.keys(resources(s, 'aws_secretsmanager_secret'))).toEqual([expect.stringMatching(/^Credentials_HashKey_/)]);
    const input = resource(s, 'aws_lambda_invocation', 'Cred_Provider').input;
    expect(input).toContain('"adopt" = true');
    expect(input).toContain(`"secretArn" = "${ADOPTED}"`);
    expect(resource(s, 'terraform_data', 'Cred_Instance').triggers_replace).toMatchObject({ adoptedFrom: ADOPTED, authType: 'api_key' });
    const output = credentialOutputs(s).Cred;
    expect(output.secretArn).toBe(ADOPTED);
    expect(output.secret).toBeNull();
  });

  test('an ARN known only at apply (a reference) is accepted; the provider checks the prefix then', () => {
    const s = stackWith({ adopt: { fromSecretArn: Fn.join('', [ADOPTED]) } });
    expect(resource(s, 'terraform_data', 'Cred_Instance').triggers_replace.adoptedFrom).toBe(`\${join("", ["${ADOPTED}"])}`);
  });

  test.each<[string, Partial<DataApiCredentialProps>, RegExp]>([
    ['a secret outside the store prefix', { adopt: { fromSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:other/x-AbC123' } }, /Invalid adopt\.fromSecretArn \(DataApiCredential .*Cred\): got ".*other\/x-AbC123"; allowed: a Secrets Manager secret ARN whose name starts with the store's secretPrefix "data-api\/credentials\/stack\/"/],
    ['not an ARN', { adopt: { fromSecretArn: 'data-api/credentials/x' } }, /Invalid adopt\.fromSecretArn .*got "data-api\/credentials\/x"/],
    ['an OAuth 2.0 client', { adopt: { fromSecretArn: ADOPTED }, authType: AuthType.OAUTH2 }, /Invalid adopt \(DataApiCredential .*Cred\): got authType "oauth2"; allowed: authType: AuthType\.API_KEY, and no rotation, readers or secretName/],
    ['with rotation and readers', { adopt: { fromSecretArn: ADOPTED }, rotation: { trigger: 'x' }, readers: ['arn:aws:iam::123456789012:role/r'] }, /Invalid adopt .*got with rotation, readers; allowed/],
  ])('%s fails at synth', (_what, props, message) => {
    expect(() => stackWith(props)).toThrow(message);
  });
});
