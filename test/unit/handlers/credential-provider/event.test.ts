import { ValidationError } from '../../../../handlers/errors';
import { parseProviderEvent } from '../../../../handlers/credential-provider/event';
import { SECRET_ARN } from '../../../support/fakes';

const INSTANCE_ID = '8f14e45f-ceea-467f-a0e7-1d0d9f3b8a11';
const input = {
  instanceId: INSTANCE_ID,
  name: 'Analytics-DataAPI-Credential',
  authType: 'oauth2',
  scopes: ['users', 'conversations'],
  secretArn: SECRET_ARN,
};

function expectInvalid(event: unknown, field: string, message: RegExp = /./): void {
  let caught: unknown;
  try {
    parseProviderEvent(event);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  expect((caught as ValidationError).field).toBe(field);
  expect((caught as Error).message).toMatch(message);
}

describe('provider events', () => {
  it('create: the input is validated and its scopes put in canonical order', () => {
    expect(parseProviderEvent({ ...input, tf: { action: 'create', prev_input: null } })).toEqual({
      action: 'create',
      input: { ...input, scopes: ['conversations', 'users'] },
    });
  });

  it('update: keeps what it needs of the previous input', () => {
    const parsed = parseProviderEvent({
      ...input,
      name: 'Renamed',
      tf: { action: 'update', prev_input: { ...input, authType: 'api_key', extra: 1 } },
    });
    expect(parsed).toEqual({
      action: 'update',
      input: { ...input, name: 'Renamed', scopes: ['conversations', 'users'] },
      previous: { instanceId: INSTANCE_ID, authType: 'api_key', secretArn: SECRET_ARN },
    });
  });

  it('delete: needs only the instance id, so a destroy is never blocked by stricter rules', () => {
    expect(parseProviderEvent({ instanceId: INSTANCE_ID, name: '', scopes: [], tf: { action: 'delete' } })).toEqual({
      action: 'delete',
      instanceId: INSTANCE_ID,
    });
    expectInvalid({ instanceId: 'short', tf: { action: 'delete' } }, 'input.instanceId');
  });

  it.each<[string, unknown, string, RegExp]>([
    ['not an object', 'create', 'event', /./],
    ['an array', [input], 'event', /./],
    ['no tf', { ...input }, 'tf', /lifecycle_scope = "CRUD"/],
    ['an unknown action', { ...input, tf: { action: 'read' } }, 'tf.action', /"create", "update", "delete"/],
    ['no action', { ...input, tf: {} }, 'tf.action', /./],
    ['a bad instance id', { ...input, instanceId: 'x y', tf: { action: 'create' } }, 'input.instanceId', /./],
    ['no name', { ...input, name: undefined, tf: { action: 'create' } }, 'input.name', /./],
    ['an unknown auth type', { ...input, authType: 'basic', tf: { action: 'create' } }, 'input.authType', /"api_key" or "oauth2"/],
    ['no scopes', { ...input, scopes: [], tf: { action: 'create' } }, 'input.scopes', /empty/],
    ['an unknown scope', { ...input, scopes: ['users', 'all'], tf: { action: 'create' } }, 'input.scopes', /unknown scope/],
    ['a scope twice', { ...input, scopes: ['users', 'users'], tf: { action: 'update' } }, 'input.scopes', /listed twice/],
    ['a bad secret ARN', { ...input, secretArn: 'my-secret', tf: { action: 'create' } }, 'input.secretArn', /./],
    ['a description too long', { ...input, description: 'x'.repeat(513), tf: { action: 'create' } }, 'input.description', /./],
    ['a prev_input that is not an object', { ...input, tf: { action: 'update', prev_input: '{}' } }, 'tf.prev_input', /./],
  ])('an event with %s is refused, naming the field', (_what, event, field, message) => {
    expectInvalid(event, field, message);
  });
});

describe('what an event may not smuggle into messages, logs and reviews', () => {
  it('a forged prev_input (5,000 characters with an "Error:" line) is refused, bounded and escaped in the message', () => {
    const forged = `oauth2\nError: all credentials were revoked ${'x'.repeat(5000)}`;
    let message = '';
    try {
      parseProviderEvent({ ...input, tf: { action: 'update', prev_input: { ...input, authType: forged } } });
    } catch (error) {
      message = (error as Error).message;
      expect((error as ValidationError).field).toBe('tf.prev_input.authType');
    }
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(300);
    expectInvalid({ ...input, tf: { action: 'update', prev_input: { ...input, instanceId: 'a\nb' } } }, 'tf.prev_input.instanceId');
    expectInvalid({ ...input, tf: { action: 'update', prev_input: { ...input, secretArn: 'arn:evil' } } }, 'tf.prev_input.secretArn');
  });

  it('an older prev_input without some fields is still read', () => {
    expect(parseProviderEvent({ ...input, tf: { action: 'update', prev_input: { name: 'old' } } })).toMatchObject({ action: 'update', previous: {} });
  });

  it.each([
    ['a C1 control', 'Export\u0085Job'],
    ['a right-to-left override', 'Export\u202eboJ'],
    ['a bidirectional isolate', 'Export\u2066Job\u2069'],
    ['a zero-width space', 'Export\u200bJob'],
    ['a C0 control', 'Export\u0007Job'],
  ])('names and descriptions with %s are refused', (_what, text) => {
    expectInvalid({ ...input, name: text, tf: { action: 'create', prev_input: null } }, 'input.name', /no control or bidirectional formatting characters/);
    expectInvalid({ ...input, description: text, tf: { action: 'create', prev_input: null } }, 'input.description', /no control or bidirectional formatting characters/);
  });
});
