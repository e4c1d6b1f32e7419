import { ConfigurationError } from '../../../../handlers/errors';
import { createHandler, LogLevel, safeError } from '../../../../handlers/credential-provider/index';
import { credentialIdFor, generateApiKey, parseSecretValue, secretOf } from '../../../../handlers/secret-format';
import { fixture, SECRET_ARN } from '../../../support/fakes';

const INSTANCE_ID = '8f14e45f-ceea-467f-a0e7-1d0d9f3b8a11';
const CREDENTIAL_ID = credentialIdFor(INSTANCE_ID);
const event = (action: string, overrides: Record<string, unknown> = {}) => ({
  instanceId: INSTANCE_ID,
  name: 'Analytics-DataAPI-Credential',
  authType: 'api_key',
  scopes: ['users'],
  secretArn: SECRET_ARN,
  ...overrides,
  tf: { action, prev_input: null },
});

/** The error a promise rejects with; fails the test if it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error(`expected a rejection with an Error, got ${String(outcome)}`);
  return outcome;
}

function capture() {
  const lines: Array<{ line: string; level: LogLevel }> = [];
  return { lines, log: (line: string, level: LogLevel) => lines.push({ line, level }) };
}

describe('the provider handler', () => {
  it('returns the flow result and logs one JSON line of identifiers, never the secret', async () => {
    const f = fixture();
    const { lines, log } = capture();
    const handler = createHandler({ deps: () => f.deps, log });
    f.secrets.declare(event('create') as never);

    const result = await handler(event('create'), { awsRequestId: 'req-1' });

    const value = parseSecretValue(f.secrets.current(SECRET_ARN) ?? '');
    if (value === undefined) throw new Error('the secret has no valid value');
    const secret = secretOf(value);
    expect(result).toMatchObject({ credentialId: CREDENTIAL_ID, status: 'active' });
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe('info');
    expect(JSON.parse(lines[0].line)).toEqual({
      level: 'info',
      message: 'handled',
      action: 'create',
      instanceId: INSTANCE_ID,
      credentialId: CREDENTIAL_ID,
      requestId: 'req-1',
      outcome: 'created',
      durationMs: expect.any(Number),
    });
    expect(lines[0].line).not.toContain(secret);
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('rethrows our typed errors with their message and name, and logs them once', async () => {
    const f = fixture();
    const { lines, log } = capture();
    const handler = createHandler({ deps: () => f.deps, log });

    const failure = await failureOf(handler(event('create', { scopes: ['everything'] })));

    expect(failure.name).toBe('ValidationError');
    expect(failure.message).toMatch(/^Invalid input\.scopes: got "everything" \(unknown scope\)/);
    expect(failure.stack).toBe(`ValidationError: ${failure.message}`);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0].line)).toMatchObject({
      level: 'error',
      message: failure.message,
      action: 'create',
      error: { name: 'ValidationError' },
    });
    expect(f.table.writes).toHaveLength(0);
  });

  it('turns any other error into a generic message that quotes nothing of it', async () => {
    const f = fixture();
    const { lines, log } = capture();
    const leaked = generateApiKey(CREDENTIAL_ID);
    const sdkError = Object.assign(new Error(`User is not authorized; by the way ${leaked}`), {
      name: 'AccessDeniedException',
      $metadata: { requestId: 'aws-req-9' },
    });
    const handler = createHandler({
      deps: () => ({
        ...f.deps,
        secrets: { readCurrentValue: () => Promise.reject(sdkError), writeValue: () => Promise.reject(sdkError), readMetadata: () => Promise.reject(sdkError) },
      }),
      log,
    });

    const failure = await failureOf(handler(event('create')));

    expect(failure.name).toBe('InternalError');
    expect(failure.message).toBe(
      `Internal error (AccessDeniedException) while handling create of credential ${CREDENTIAL_ID} (instance ${INSTANCE_ID}): ` +
        "the provider's role lacks a permission; see the provider's log for details",
    );
    const logged = JSON.parse(lines[0].line);
    expect(logged.error).toEqual({
      name: 'AccessDeniedException',
      detail: 'User is not authorized; by the way dak_[REDACTED]',
      awsRequestId: 'aws-req-9',
    });
    expect(lines[0].line).not.toContain(leaked);
  });

  it('names unknown failures safely even when the event is garbage', async () => {
    const handler = createHandler({ deps: () => fixture().deps, log: () => undefined });
    await expect(handler('not an event')).rejects.toThrow(/^Invalid event: got a string/);
    expect(safeError(new TypeError('x'), undefined, undefined).message).toBe(
      "Internal error (TypeError) while handling an invocation of a credential; see the provider's log for details",
    );
    expect(safeError({ name: 'weird name <script>' }, 'delete', INSTANCE_ID).message).toMatch(/^Internal error \(Error\) while handling delete/);
  });

  it('reports a misconfigured function as such', async () => {
    const { lines, log } = capture();
    const handler = createHandler({
      deps: () => {
        throw new ConfigurationError('The credential provider', 'environment variable CREDENTIALS_TABLE_NAME is not set');
      },
      log,
    });
    await expect(handler(event('delete'))).rejects.toThrow(/CREDENTIALS_TABLE_NAME is not set/);
    expect(lines).toHaveLength(1);
  });
});
