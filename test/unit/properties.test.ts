/**
 * Bad input, generated: whatever a user writes in a construct or whatever reaches the provider,
 * the answer is a valid result or a ValidationError, never a crash, and a refused event writes
 * nothing.
 */
import fc from 'fast-check';
import { createHandler } from '../../handlers/credential-provider';
import { CredentialInput, NAME_MAX_LENGTH, SCOPE_NAMES } from '../../handlers/contract/credential';
import { AuthType, CredentialStore, DataApiCredential, DataApiScope, ValidationError } from '../../lib';
import { synth } from '../support/synth';
import { InMemoryCredentialTable, InMemorySecretStore } from '../support/fakes';

const RUNS = { numRuns: 150, interruptAfterTimeLimit: 20_000 };

const scopeLike = fc.oneof(
  fc.constantFrom(...SCOPE_NAMES),
  fc.constantFrom('All', 'USERS', 'users ', 'plugin_calls', '', '*'),
  fc.string({ maxLength: 20 }),
);
const nameLike = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 140 }),
  fc.constantFrom('', '   ', 'n'.repeat(NAME_MAX_LENGTH), 'n'.repeat(NAME_MAX_LENGTH + 1), 'tab\there', 'rtl\u202eoverride', 'next-line\u0085', 'zero\u200bwidth', 'Analytics-DataAPI-Credential'),
);
const authTypeLike = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(AuthType.API_KEY, AuthType.OAUTH2, 'API_KEY', 'oauth', 'basic', ''),
  fc.string({ maxLength: 10 }),
);
const anyValue = fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: true });

/** What the construct should accept, written independently of the validators. */
function acceptable(name: unknown, authType: unknown, scopes: unknown): boolean {
  const nameOk =
    typeof name === 'string' &&
    name.trim().length >= 1 &&
    name.trim().length <= NAME_MAX_LENGTH &&
    // Controls (C0, DEL, C1) and the invisible or bidirectional formatting characters (Unicode Cf) are refused.
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/.test(name);
  // null is "not given", as for every optional prop (jsii passes a missing value as either).
  const authOk = authType == null || authType === 'api_key' || authType === 'oauth2';
  const scopesOk =
    Array.isArray(scopes) &&
    scopes.length > 0 &&
    new Set(scopes).size === scopes.length &&
    scopes.every((s) => (SCOPE_NAMES as readonly unknown[]).includes(s));
  return nameOk && authOk && scopesOk;
}

describe('DataApiCredential props, generated', () => {
  test('any name, scope list and auth type either synthesizes or fails with a ValidationError', () => {
    fc.assert(
      fc.property(
        fc.oneof(nameLike, anyValue),
        fc.oneof(authTypeLike, anyValue),
        fc.oneof(fc.array(scopeLike, { maxLength: 7 }), anyValue),
        (name, authType, scopes) => {
          let error: unknown;
          let credential: DataApiCredential | undefined;
          try {
            synth((scope) => {
              const store = new CredentialStore(scope, 'Credentials');
              credential = new DataApiCredential(scope, 'Generated', {
                store,
                name: name as string,
                authType: authType as AuthType,
                scopes: scopes as DataApiScope[],
              });
            });
          } catch (caught) {
            error = caught;
          }
          if (acceptable(name, authType, scopes)) {
            expect(error).toBeUndefined();
            expect([...credential!.scopes].sort()).toEqual([...(scopes as string[])].sort());
          } else {
            expect(error).toBeInstanceOf(ValidationError);
            expect((error as Error).message).toMatch(/^Invalid (name|authType|scopes) \(DataApiCredential .*\): got .*; allowed: /);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('provider events, generated', () => {
  const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:data-api/credentials/generated-AbCdEf';
  const valid: CredentialInput = {
    instanceId: '7d7f2a3c-95a4-4a31-b1f4-6a3f0f4bb5a1',
    name: 'Generated',
    authType: 'api_key',
    scopes: ['users'],
    secretArn,
  };

  /** A valid create or update with one field broken in a way the contract must refuse. */
  const brokenEvent = fc.oneof(
    anyValue,
    fc.record({
      field: fc.constantFrom('instanceId', 'name', 'authType', 'scopes', 'secretArn', 'description', 'tf'),
      value: fc.oneof(
        anyValue,
        fc.constantFrom('', '!!', 'n'.repeat(5000), [], ['users', 'users'], ['billing'], 'arn:aws:s3:::bucket', { action: 'explode' }),
      ),
      action: fc.constantFrom('create', 'update'),
    }).map(({ field, value, action }) => ({ ...valid, tf: { action, prev_input: valid }, [field]: value })),
  );

  test('a malformed event is refused with a structured error and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(brokenEvent, async (event) => {
        const table = new InMemoryCredentialTable();
        const secrets = new InMemorySecretStore();
        secrets.createSecret(secretArn);
        const lines: string[] = [];
        const handler = createHandler({
          deps: () => ({ table, secrets, secretPrefix: 'data-api/credentials/', storeName: 'store', now: () => new Date(0), randomBytes: (n) => Buffer.alloc(n, 7) }),
          log: (line) => lines.push(line),
        });
        let error: Error | undefined;
        let result: unknown;
        try {
          result = await handler(event);
        } catch (caught) {
          error = caught as Error;
        }
        // Rarely a generated value is valid after all (e.g. another valid scope list): then it must work.
        if (error === undefined) {
          expect(result).toMatchObject({ status: expect.stringMatching(/^(active|revoked)$/) });
          return;
        }
        expect(['ValidationError', 'ConflictError', 'NotFoundError']).toContain(error.name);
        expect(error.message.length).toBeLessThan(1000);
        expect(table.writes).toEqual([]);
        expect(secrets.puts).toEqual([]);
        expect(lines).toHaveLength(1);
        expect(() => JSON.parse(lines[0])).not.toThrow();
      }),
      RUNS,
    );
  });
});
