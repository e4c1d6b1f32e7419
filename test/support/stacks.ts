import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { CredentialStore, CredentialStoreProps } from '../../lib';

/** Where a stack keeps its state: a local state file's path, or a function that adds a backend to the stack. */
export type StackState = string | ((stack: TerraformStack) => void);

/**
 * A stack with the local-AWS provider settings and a throw-away store, whose credentials the
 * test declares in `build`.
 */
export function credentialsStack(
  app: App,
  id: string,
  state: StackState,
  build: (stack: TerraformStack, store: CredentialStore) => void,
  storeProps: CredentialStoreProps = {},
): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, 'aws', { region: process.env.AWS_REGION ?? 'us-east-1' });
  stack.addOverride('terraform.required_providers.aws.version', '~> 5.0');
  withState(stack, state);
  const store = new CredentialStore(stack, 'Credentials', {
    deletionProtection: false,
    secretRecoveryWindowDays: 0,
    logRetentionDays: 1,
    ...storeProps,
  });
  build(stack, store);
  return stack;
}

/** Gives `stack` its backend: the local backend at a path, or what `state` adds. */
export function withState(stack: TerraformStack, state: StackState): void {
  if (typeof state === 'string') new LocalBackend(stack, { path: state });
  else state(stack);
}
