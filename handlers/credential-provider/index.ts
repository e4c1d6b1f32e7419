/**
 * The credential provider Lambda: `handler(event)` is invoked by Terraform's
 * `aws_lambda_invocation` (`lifecycle_scope = "CRUD"`), by the opt-in drift check's
 * `aws_lambda_invocation` data source (the read-only `read` action), and by the local Lambda runner.
 *
 * This file only wires the AWS stores to the flow and wraps the flow once: every failure
 * becomes a thrown `Error` whose message is safe to show in Terraform's output (our typed errors
 * keep their message; anything else becomes "Internal error (Name) ..."), and every invocation
 * is logged as one JSON line of identifiers and outcomes, never a secret.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { ProviderConfig, providerConfig } from './config';
import { INSTANCE_ID_PATTERN, ProviderAction } from '../contract/credential';
import { READ_ACTION } from '../contract/drift';
import { CredentialError } from '../errors';
import { credentialIdFor, redactSecrets } from '../secret-format';
import { DynamoDbCredentialTable } from '../store/dynamodb-credential-table';
import { SecretsManagerHashKey, SecretsManagerSecretStore } from '../store/secrets-manager-secret-store';
import { actionOf } from './event';
import { LifecycleDeps } from '../lifecycle/operations';
import { awsClientConfig } from '../runtime/aws';
import { errorNameOf, InvocationContext, Log, wrapInvocation } from '../runtime/invocation';
import { ProviderResult, runProviderEvent } from './flow';

export type { LifecycleDeps, ProviderResult } from './flow';

export type { InvocationContext, LogLevel } from '../runtime/invocation';

export type ProviderHandler = (event: unknown, context?: InvocationContext) => Promise<ProviderResult>;

export interface HandlerOptions {
  /** The flow's stores, clock and random source; called inside the wrapper, so config errors are reported like any other. */
  readonly deps: () => LifecycleDeps;
  /** Receives one JSON line per invocation. Default: `console.log` / `console.error`. */
  readonly log?: Log;
}

/** Builds a handler around the flow; the exported `handler` is this with the AWS stores. */
export function createHandler(options: HandlerOptions): ProviderHandler {
  return wrapInvocation<unknown, ProviderResult>({
    identify: (event, context) => {
      const instanceId = instanceIdOf(event);
      return {
        action: actionOf(event) ?? null,
        instanceId: instanceId ?? null,
        credentialId: instanceId === undefined ? null : credentialIdFor(instanceId),
        ...(context?.awsRequestId === undefined ? {} : { requestId: context.awsRequestId }),
      };
    },
    run: async (event) => {
      const { outcome, result } = await runProviderEvent(event, options.deps());
      return { answer: result, logged: { outcome } };
    },
    fail: (error, event) => {
      const failure = safeError(error, actionOf(event), instanceIdOf(event));
      return { message: failure.message, error: failure };
    },
    redact: redactSecrets,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
}

/**
 * The error Terraform shows. Typed errors keep their message (they are written to be shown, and
 * never include a secret); anything else is named but not quoted, since its text is not ours.
 */
export function safeError(
  error: unknown,
  action: ProviderAction | typeof READ_ACTION | undefined,
  instanceId: string | undefined,
): Error {
  let failure: Error;
  if (error instanceof CredentialError) {
    failure = new Error(redactSecrets(error.message));
    failure.name = error.name;
  } else {
    const name = errorNameOf(error);
    const subject = instanceId === undefined ? 'a credential' : `credential ${credentialIdFor(instanceId)} (instance ${instanceId})`;
    const hint = /AccessDenied|Unauthorized|Forbidden/i.test(name) ? ": the provider's role lacks a permission" : '';
    failure = new Error(
      `Internal error (${name}) while handling ${action ?? 'an invocation'} of ${subject}${hint}; see the provider's log for details`,
    );
    failure.name = 'InternalError';
  }
  // Lambda reports the stack as the error's trace: keep it to the message, no internal frames.
  failure.stack = `${failure.name}: ${failure.message}`;
  return failure;
}

function instanceIdOf(event: unknown): string | undefined {
  const value = typeof event === 'object' && event !== null ? (event as { instanceId?: unknown }).instanceId : undefined;
  return typeof value === 'string' && INSTANCE_ID_PATTERN.test(value) ? value : undefined;
}

let wired: { readonly config: ProviderConfig; readonly deps: LifecycleDeps } | undefined;

/**
 * The AWS stores for the current configuration, built once per configuration so the SDK clients
 * (and their connections) are reused across warm invocations.
 */
export function awsLifecycleDeps(): LifecycleDeps {
  const config = providerConfig();
  if (wired?.config !== config) {
    const clientConfig = awsClientConfig(config.region, 'provider');
    const secretsClient = new SecretsManagerClient(clientConfig);
    wired = {
      config,
      deps: {
        table: new DynamoDbCredentialTable(new DynamoDBClient(clientConfig), config.tableName),
        secrets: new SecretsManagerSecretStore(secretsClient),
        ...(config.hashKeySecretArn === undefined ? {} : { hashKey: new SecretsManagerHashKey(secretsClient, config.hashKeySecretArn, randomBytes) }),
        secretPrefix: config.secretPrefix,
        storeName: config.tableName,
        now: () => new Date(),
        randomBytes,
      },
    };
  }
  return wired.deps;
}

export const handler: ProviderHandler = createHandler({ deps: awsLifecycleDeps });
