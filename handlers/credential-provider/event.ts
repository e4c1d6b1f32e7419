/**
 * The invocation event of `aws_lambda_invocation` (`lifecycle_scope = "CRUD"`, `terraform_key = "tf"`):
 * the construct's `CredentialInput` plus `tf: { action, prev_input }`. Checked here before
 * anything is read or written.
 */
import { CredentialInput, PROVIDER_ACTIONS, ProviderAction, validateAuthType, validateCredentialInput, validateInstanceId } from '../contract/credential';
import { MAX_READ_BATCH, READ_BATCH_KEY_PATTERN, READ_ACTION } from '../contract/drift';
import { ValidationError } from '../errors';
import { SECRET_ARN_PATTERN } from '../contract/aws-names';

/** What an update needs of the previous input; read leniently, since older construct versions wrote it. */
export interface PreviousInput {
  readonly instanceId?: string;
  readonly authType?: string;
  readonly secretArn?: string;
}

export type ParsedEvent =
  | { readonly action: 'create'; readonly input: CredentialInput }
  | { readonly action: 'update'; readonly input: CredentialInput; readonly previous?: PreviousInput }
  /**
   * A delete needs only the instance id. The rest is not checked, so a destroy never fails
   * because validation rules got stricter since the credential was created.
   */
  | { readonly action: 'delete'; readonly instanceId: string }
  /** A drift check of one credential (a data source invocation, no `tf`): compares, never writes. */
  | ({ readonly action: typeof READ_ACTION } & ParsedRead)
  /** The store's drift check: many credentials, each under its key. */
  | { readonly action: typeof READ_ACTION; readonly batch: ReadonlyArray<ParsedRead & { readonly key: string }> };

export interface ParsedRead {
  readonly input: CredentialInput;
  readonly instanceAddress?: string;
}

/** Terraform addresses are safe to echo in a warning; anything else is dropped. */
const ADDRESS_PATTERN = /^[A-Za-z0-9_.[\]"-]{1,256}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : typeof value;
}

/**
 * The fields an update compares, each checked like the input's own (they end up in error messages
 * and logs: a forged `prev_input` must not put text of its choosing there). Absent fields stay
 * absent, since older construct versions wrote less.
 */
function parsePrevious(value: unknown): PreviousInput | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    throw new ValidationError('tf.prev_input', describeType(value), 'the previous input object, or null');
  }
  const instanceId = value.instanceId === undefined ? undefined : validateInstanceId(value.instanceId, 'tf.prev_input.instanceId');
  const authType = value.authType === undefined ? undefined : validateAuthType(value.authType, 'tf.prev_input.authType');
  const secretArn = value.secretArn;
  if (secretArn !== undefined && (typeof secretArn !== 'string' || secretArn.length > 2048 || !SECRET_ARN_PATTERN.test(secretArn))) {
    throw new ValidationError('tf.prev_input.secretArn', typeof secretArn === 'string' ? JSON.stringify(secretArn.slice(0, 80)) : describeType(secretArn), 'a Secrets Manager secret ARN');
  }
  return { instanceId, authType, secretArn: secretArn as string | undefined };
}

function isReadEvent(event: unknown): boolean {
  return isObject(event) && event.tf === undefined && event.action === READ_ACTION;
}

/** The action of an event, if it has a valid one (for logging before full validation). */
export function actionOf(event: unknown): ProviderAction | typeof READ_ACTION | undefined {
  if (isReadEvent(event)) return READ_ACTION;
  const action = isObject(event) && isObject(event.tf) ? event.tf.action : undefined;
  return (PROVIDER_ACTIONS as readonly unknown[]).includes(action) ? (action as ProviderAction) : undefined;
}

export function parseProviderEvent(event: unknown): ParsedEvent {
  if (!isObject(event)) {
    throw new ValidationError('event', describeType(event), 'a JSON object: the credential input plus "tf"');
  }
  if (isReadEvent(event)) {
    if (event.credentials === undefined) {
      const { action: _read, ...read } = event;
      return { action: READ_ACTION, ...parseRead(read, 'input') };
    }
    return { action: READ_ACTION, batch: parseReadBatch(event.credentials) };
  }
  if (!isObject(event.tf)) {
    throw new ValidationError(
      'tf',
      describeType(event.tf),
      'an object { action, prev_input }: invoke through aws_lambda_invocation with lifecycle_scope = "CRUD"' +
        `, or { "action": "${READ_ACTION}", ... } without "tf" for the drift check`,
    );
  }
  const action = actionOf(event);
  if (action === undefined || action === READ_ACTION) {
    const got = event.tf.action;
    throw new ValidationError(
      'tf.action',
      typeof got === 'string' ? JSON.stringify(got.slice(0, 40)) : describeType(got),
      PROVIDER_ACTIONS.map((a) => `"${a}"`).join(', '),
    );
  }
  switch (action) {
    case 'create':
      return { action, input: validateCredentialInput(event) };
    case 'update': {
      const previous = parsePrevious(event.tf.prev_input);
      const input = validateCredentialInput(event);
      return previous === undefined ? { action, input } : { action, input, previous };
    }
    case 'delete':
      return { action, instanceId: validateInstanceId(event.instanceId, 'input.instanceId') };
  }
}

function parseRead(value: Record<string, unknown>, field: string): ParsedRead {
  const { instanceAddress, ...input } = value;
  const address = typeof instanceAddress === 'string' && ADDRESS_PATTERN.test(instanceAddress) ? instanceAddress : undefined;
  return { input: validateCredentialInput(input, field), ...(address === undefined ? {} : { instanceAddress: address }) };
}

function parseReadBatch(credentials: unknown): Array<ParsedRead & { key: string }> {
  const entries = isObject(credentials) ? Object.entries(credentials) : undefined;
  if (entries === undefined || entries.length > MAX_READ_BATCH) {
    throw new ValidationError(
      'credentials',
      entries === undefined ? describeType(credentials) : `${entries.length} entries`,
      `an object of at most ${MAX_READ_BATCH} credential inputs by key`,
    );
  }
  return entries.map(([key, value]) => {
    if (!READ_BATCH_KEY_PATTERN.test(key)) {
      throw new ValidationError('credentials', JSON.stringify(key.slice(0, 40)), 'keys that are Terraform identifiers');
    }
    if (!isObject(value)) throw new ValidationError(`credentials.${key}`, describeType(value), 'a credential input object');
    return { key, ...parseRead(value, `credentials.${key}`) };
  });
}
