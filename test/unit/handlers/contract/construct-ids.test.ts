/**
 * The construct ids are a contract between the constructs and the CLI: what a synthesized stack
 * names its store's provider function and outputs is exactly what `review` and `drift` look for.
 */
import { CredentialStore, DataApiCredential, DataApiGateway, DataApiScope } from '../../../../lib';
import { CONSTRUCT_IDS, isProviderFunctionAddress, isProviderFunctionNameOutput } from '../../../../handlers/contract/construct-ids';
import { storesInOutputs } from '../../../../cli/stack-state';
import { resources, synth } from '../../../support/synth';

const stack = () =>
  synth((scope) => {
    const store = new CredentialStore(scope, 'Credentials', { name: 'team-creds' });
    new DataApiCredential(scope, 'Export', { store, name: 'Export', scopes: DataApiScope.ALL });
    new DataApiGateway(scope, 'DataApi', { store, backend: { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:backend' } });
  });

describe('the construct ids the CLI finds a store by', () => {
  test('of the stack\'s functions (the gateway\'s included), only the store\'s provider has a provider function address', () => {
    const functions = resources(stack(), 'aws_lambda_function');

    const providers = Object.entries(functions).filter(([id]) => isProviderFunctionAddress(`aws_lambda_function.${id}`));

    expect(Object.keys(functions).length).toBeGreaterThan(1);
    expect(providers.map(([, fn]) => fn.function_name)).toEqual(['team-creds-provider']);
  });

  test('the store\'s outputs are the ones review and drift read: its provider function name, its table and region', () => {
    const outputs = Object.keys(stack().config.output ?? {});

    expect(outputs.filter(isProviderFunctionNameOutput)).toEqual([expect.stringMatching(/^Credentials_ProviderFunctionName_[0-9A-F]{8}$/)]);
    const values = Object.fromEntries(outputs.map((key) => [key, { value: key.includes(`_${CONSTRUCT_IDS.TABLE_REGION}_`) ? 'eu-west-1' : 'team-creds' }]));
    expect(storesInOutputs(values)).toEqual([{ tableName: 'team-creds', region: 'eu-west-1' }]);
  });
});
