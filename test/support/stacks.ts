import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { CredentialStore, CredentialStoreProps } from '../../lib';

/**
 * A stack with the local-AWS provider settings and a throw-away store, whose credentials the
 * test declares in `build`.
 */
export function credentialsStack(
  app: App,
  id: string,
  statePath: string,
  build: (stack: TerraformStack, store: CredentialStore) => void,
  storeProps: CredentialStoreProps = {},
): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, 'aws', { region: process.env.AWS_REGION ?? 'us-east-1' });
  stack.addOverride('terraform.required_providers.aws.version', '~> 5.0');
  new LocalBackend(stack, { path: statePath });
  const store = new CredentialStore(stack, 'Credentials', {
    deletionProtection: false,
    secretRecoveryWindowDays: 0,
    logRetentionDays: 1,
    ...storeProps,
  });
  build(stack, store);
  return stack;
}
