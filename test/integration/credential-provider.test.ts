/**
 * The provider Lambda's real entry point against the local AWS (moto over HTTP): real DynamoDB
 * tables and Secrets Manager secrets, one table and one secret prefix per test.
 *
 * Needs AWS_ENDPOINT_URL (set by the jest global setup, which starts moto), AWS_REGION and
 * credentials in the environment; without them the suite fails, it never passes silently.
 */
import {
  AttributeValue,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { randomBytes, randomUUID } from 'node:crypto';
import { resetProviderConfig } from '../../handlers/credential-provider/config';
import { CredentialInput, CredentialResult } from '../../handlers/contract/credential';
import { declarationTags } from '../../handlers/lifecycle/secret-binding';
import { READ_ACTION, ReadBatchResult } from '../../handlers/contract/drift';
import { handler } from '../../handlers/credential-provider/index';
import { runProviderEvent } from '../../handlers/credential-provider/flow';
import {
  API_KEY_PATTERN,
  CLIENT_SECRET_PATTERN,
  credentialIdFor,
  hashSecret,
  parseApiKey,
  isDataApiSecret,
} from '../../handlers/secret-format';
import { DynamoDbCredentialTable, SecretsManagerSecretStore } from '../../handlers/store';
import { createCredentialTable } from '../support/tables';

const endpoint = process.env.AWS_ENDPOINT_URL;
if (!endpoint) {
  throw new Error(
    'AWS_ENDPOINT_URL is not set: these integration tests need the local AWS (moto). Run them through jest, ' +
      'whose global setup (test/support/global-setup.ts) starts moto, or start `moto_server -H 127.0.0.1 -p 5123` ' +
      'and export AWS_ENDPOINT_URL=http://127.0.0.1:5123 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test',
  );
}
const region = process.env.AWS_REGION ?? 'us-east-1';
const dynamodb = new DynamoDBClient({ region });
const secretsManager = new SecretsManagerClient({ region });

interface World {
  readonly tableName: string;
  readonly prefix: string;
  readonly secretArn: string;
}

const savedEnv = { ...process.env };
const cleanups: Array<() => Promise<unknown>> = [];
let logs: string[] = [];

beforeEach(() => {
  logs = [];
  const keep = (...args: unknown[]) => void logs.push(args.map(String).join(' '));
  jest.spyOn(console, 'log').mockImplementation(keep);
  jest.spyOn(console, 'error').mockImplementation(keep);
});

afterEach(async () => {
  jest.restoreAllMocks();
  process.env = { ...savedEnv };
  resetProviderConfig();
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A fresh table and secret for one test; the provider is configured for them. */
async function world(): Promise<World> {
  const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const tableName = `dac-it-${id}`;
  const prefix = `dac-it-${id}/`;
  await createCredentialTable(dynamodb, tableName);
  cleanups.push(() => dynamodb.send(new DeleteTableCommand({ TableName: tableName })));
  const secretArn = await newSecret(`${prefix}analytics-export`);
  process.env.CREDENTIALS_TABLE_NAME = tableName;
  process.env.CREDENTIALS_SECRET_PREFIX = prefix;
  resetProviderConfig();
  return { tableName, prefix, secretArn };
}

/** A secret as Terraform creates it: no value yet. */
async function newSecret(name: string): Promise<string> {
  const out = await secretsManager.send(new CreateSecretCommand({ Name: name }));
  const arn = out.ARN ?? '';
  cleanups.push(() => secretsManager.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true })));
  return arn;
}

function inputFor(w: World, overrides: Partial<CredentialInput> = {}): CredentialInput {
  return {
    instanceId: randomUUID(),
    name: 'Analytics-DataAPI-Credential',
    authType: 'oauth2',
    scopes: ['conversations', 'users'],
    secretArn: w.secretArn,
    ...overrides,
  };
}

/** What Terraform does before it invokes the provider: tags the secret with the store and the digest of what it declares. */
async function declare(input: CredentialInput): Promise<void> {
  if (input.adopt === true) return;
  await secretsManager
    .send(
    new TagResourceCommand({
      SecretId: input.secretArn,
      Tags: Object.entries(declarationTags(process.env.CREDENTIALS_TABLE_NAME ?? '', input)).map(([Key, Value]) => ({ Key, Value })),
    }),
    )
    // A secret that is gone or being deleted cannot be tagged; the provider's answer to that is the test.
    .catch(() => undefined);
}

const create = async (input: CredentialInput) => {
  await declare(input);
  return handler({ ...input, tf: { action: 'create', prev_input: null } }) as Promise<CredentialResult>;
};
const update = async (input: CredentialInput, previous: CredentialInput) => {
  await declare(input);
  return handler({ ...input, tf: { action: 'update', prev_input: previous } });
};
const remove = (input: CredentialInput) => handler({ ...input, tf: { action: 'delete', prev_input: null } });

type Item = Record<string, AttributeValue>;

async function items(w: World): Promise<Item[]> {
  const out = await dynamodb.send(new ScanCommand({ TableName: w.tableName, ConsistentRead: true }));
  return out.Items ?? [];
}

async function item(w: World, credentialId: string): Promise<Item> {
  const found = (await items(w)).find((i) => i.pk.S === `CRED#${credentialId}`);
  if (found === undefined) throw new Error(`no item for credential ${credentialId}`);
  return found;
}

async function secretString(arn: string): Promise<string | undefined> {
  try {
    return (await secretsManager.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function secretVersions(arn: string): Promise<string[]> {
  const out = await secretsManager.send(new ListSecretVersionIdsCommand({ SecretId: arn }));
  return (out.Versions ?? []).map((v) => v.VersionId ?? '');
}

/** The secret JSON, checked to be there. */
async function secretJson(arn: string): Promise<Record<string, string>> {
  const text = await secretString(arn);
  if (text === undefined) throw new Error(`secret ${arn} has no value`);
  return JSON.parse(text);
}

/** The secret itself never leaves Secrets Manager: not in the result, the table or the logs. */
async function expectSecretOnlyInSecretsManager(w: World, secret: string, result: unknown): Promise<void> {
  expect(JSON.stringify(result)).not.toContain(secret);
  expect(JSON.stringify(await items(w))).not.toContain(secret);
  expect(logs.join('\n')).not.toContain(secret);
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error(`expected a rejection with an Error, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('credential provider against the local AWS', () => {
  it('creates an API key: the key in the secret, its hash in an active record, neither in the result', async () => {
    const w = await world();
    const input = inputFor(w, { authType: 'api_key', description: 'nightly export' });
    const credentialId = credentialIdFor(input.instanceId);

    const result = await create(input);

    const secret = await secretJson(w.secretArn);
    expect(Object.keys(secret)).toEqual(['authType', 'apiKey', 'credentialId']);
    expect(secret).toEqual({ authType: 'api_key', apiKey: expect.stringMatching(API_KEY_PATTERN), credentialId });
    expect(parseApiKey(secret.apiKey)).toEqual({ credentialId });
    expect(result).toEqual<CredentialResult>({
      credentialId,
      status: 'active',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const record = await item(w, credentialId);
    expect(Object.keys(record).sort()).toEqual(
      [
        'pk',
        'credentialId',
        'instanceId',
        'name',
        'description',
        'authType',
        'scopes',
        'secretArn',
        'secretHash',
        'status',
        'createdAt',
        'updatedAt',
        'version',
      ].sort(),
    );
    expect(record).toMatchObject({
      secretHash: { S: hashSecret(secret.apiKey) },
      status: { S: 'active' },
      scopes: { SS: expect.arrayContaining(['conversations', 'users']) },
      description: { S: 'nightly export' },
      version: { N: '2' },
    });
    await expectSecretOnlyInSecretsManager(w, secret.apiKey, result);
  });

  it('creates an OAuth 2.0 client: client id and secret in the secret, the client id also in result and record', async () => {
    const w = await world();
    const input = inputFor(w);
    const credentialId = credentialIdFor(input.instanceId);

    const result = await create(input);

    const secret = await secretJson(w.secretArn);
    expect(Object.keys(secret)).toEqual(['authType', 'clientId', 'clientSecret', 'credentialId']);
    expect(secret).toEqual({
      authType: 'oauth2',
      clientId: `dci_${credentialId}`,
      clientSecret: expect.stringMatching(CLIENT_SECRET_PATTERN),
      credentialId,
    });
    expect(isDataApiSecret(secret.clientSecret)).toBe(true);
    expect(result).toMatchObject({ clientId: `dci_${credentialId}`, status: 'active' });
    expect(await item(w, credentialId)).toMatchObject({
      clientId: { S: `dci_${credentialId}` },
      secretHash: { S: hashSecret(secret.clientSecret) },
    });
    await expectSecretOnlyInSecretsManager(w, secret.clientSecret, result);
  });

  it('create is idempotent: the same result, one secret version, and the stored hash matches it', async () => {
    const w = await world();
    const input = inputFor(w);

    const first = await create(input);
    const second = await create(input);

    expect(second).toEqual(first);
    expect(await secretVersions(w.secretArn)).toHaveLength(1);
    const secret = await secretJson(w.secretArn);
    expect((await item(w, first.credentialId as string)).secretHash.S).toBe(hashSecret(secret.clientSecret));
  });

  it('adopts an API key of another format: a hash claim item, an adopted record, nothing written to the secret; a second adoption is refused', async () => {
    const w = await world();
    const previewKey = `preview_${randomBytes(20).toString('hex')}`;
    await secretsManager.send(new PutSecretValueCommand({ SecretId: w.secretArn, SecretString: JSON.stringify({ apiKey: previewKey }) }));
    const input = inputFor(w, { authType: 'api_key', adopt: true });
    const credentialId = credentialIdFor(input.instanceId);

    expect(await create(input)).toMatchObject({ status: 'active', adopted: true });

    expect((await item(w, credentialId)).adopted).toEqual({ BOOL: true });
    expect((await item(w, credentialId)).secretHash.S).toBe(hashSecret(previewKey));
    const claim = (await items(w)).find((i) => i.pk.S === `KEYHASH#${hashSecret(previewKey)}`);
    expect(claim?.credentialId.S).toBe(credentialId);
    expect(await secretVersions(w.secretArn)).toHaveLength(1);
    const second = await failureOf(create(inputFor(w, { authType: 'api_key', adopt: true })));
    expect(second.message).toMatch(/already adopted by another credential/);
    expect(JSON.stringify(await items(w))).not.toContain(previewKey);
  });

  it('create converges after a crash between the record write and the secret write', async () => {
    const w = await world();
    const input = inputFor(w, { authType: 'api_key' });
    const credentialId = credentialIdFor(input.instanceId);
    const realSecrets = new SecretsManagerSecretStore(secretsManager);
    // The same flow the handler runs, with the process "dying" right before the secret write.
    await declare(input);
    const crashed = runProviderEvent(
      { ...input, tf: { action: 'create', prev_input: null } },
      {
        table: new DynamoDbCredentialTable(dynamodb, w.tableName),
        secrets: {
          readCurrentValue: (arn) => realSecrets.readCurrentValue(arn),
          writeValue: () => Promise.reject(new Error('Runtime.ExitError')),
          readMetadata: (arn) => realSecrets.readMetadata(arn),
        },
        secretPrefix: w.prefix,
        storeName: w.tableName,
        now: () => new Date(),
        randomBytes,
      },
    );
    await expect(crashed).rejects.toThrow('Runtime.ExitError');
    expect((await item(w, credentialId)).status.S).toBe('pending');
    expect(await secretString(w.secretArn)).toBeUndefined();

    const result = await create(input);

    expect(result).toMatchObject({ status: 'active' });
    const record = await item(w, credentialId);
    const secret = await secretJson(w.secretArn);
    expect(record.status.S).toBe('active');
    expect(record.secretHash.S).toBe(hashSecret(secret.apiKey));
    expect(await secretVersions(w.secretArn)).toHaveLength(1);
  });

  it('create resumes after a crash between the secret write and the activation, keeping that secret', async () => {
    const w = await world();
    const input = inputFor(w);
    const credentialId = credentialIdFor(input.instanceId);
    await create(input);
    // Roll the record back to the state of a crash right after the secret write.
    const record = await item(w, credentialId);
    await dynamodb.send(
      new PutItemCommand({ TableName: w.tableName, Item: { ...record, status: { S: 'pending' }, version: { N: '1' } } }),
    );
    const versionsBefore = await secretVersions(w.secretArn);

    await create(input);

    expect((await item(w, credentialId)).status.S).toBe('active');
    expect(await secretVersions(w.secretArn)).toEqual(versionsBefore);
  });

  it('updates name and scopes in place, leaving the secret value and version untouched', async () => {
    const w = await world();
    const input = inputFor(w);
    const created = await create(input);
    const valueBefore = await secretString(w.secretArn);
    const versionsBefore = await secretVersions(w.secretArn);

    const next = { ...input, name: 'Renamed', scopes: ['interactions' as const, 'users' as const] };
    const result = await update(next, input);

    // The result holds no name or scopes (the input does): the same but for the update time.
    expect(result).toEqual({ ...created, updatedAt: expect.any(String) });
    const record = await item(w, created.credentialId as string);
    expect(record.name.S).toBe('Renamed');
    expect([...(record.scopes.SS ?? [])].sort()).toEqual(['interactions', 'users']);
    expect(record.version.N).toBe('3');
    expect(await secretString(w.secretArn)).toBe(valueBefore);
    expect(await secretVersions(w.secretArn)).toEqual(versionsBefore);
  });

  it('an update repeated while the first is still running (a retry) lands once, and neither fails', async () => {
    const w = await world();
    const input = inputFor(w);
    const created = await create(input);
    const versionBefore = Number((await item(w, created.credentialId as string)).version.N);

    // Two different updates of one credential cannot both be declared (the secret holds one
    // declaration digest): what can race is the same update twice, e.g. a retried invocation.
    const renamed = { ...input, name: 'Renamed', description: 'described' };
    await declare(renamed);
    const results = await Promise.allSettled([0, 1].map(() => handler({ ...renamed, tf: { action: 'update', prev_input: input } })));

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const record = await item(w, created.credentialId as string);
    expect({ name: record.name.S, description: record.description?.S }).toEqual({ name: 'Renamed', description: 'described' });
    // Each write was conditional on the version it read: the second found the change made, or re-read and made none.
    expect(Number(record.version.N) - versionBefore).toBeGreaterThanOrEqual(1);
    expect(Number(record.version.N) - versionBefore).toBeLessThanOrEqual(2);
  });

  it('an update whose declaration the secret does not hold writes nothing', async () => {
    const w = await world();
    const input = inputFor(w);
    const created = await create(input);
    const before = await item(w, created.credentialId as string);

    const undeclared = { ...input, name: 'Renamed', rotationGracePeriodHours: 168 };
    await expect(handler({ ...undeclared, tf: { action: 'update', prev_input: input } })).rejects.toThrow(/declaration tag does not match/);

    expect(await item(w, created.credentialId as string)).toEqual(before);
  });

  it('refuses an auth type change and writes nothing', async () => {
    const w = await world();
    const input = inputFor(w, { authType: 'api_key' });
    const created = await create(input);
    const itemBefore = await item(w, created.credentialId as string);
    const valueBefore = await secretString(w.secretArn);

    const failure = await failureOf(update({ ...input, authType: 'oauth2' }, input));

    expect(failure.name).toBe('ConflictError');
    expect(failure.message).toMatch(/auth type of credential .* is api_key and cannot change to oauth2/);
    expect(failure.message).toMatch(/Change `authType` in the DataApiCredential construct/);
    expect(await item(w, created.credentialId as string)).toEqual(itemBefore);
    expect(await secretString(w.secretArn)).toBe(valueBefore);
  });

  it('refuses a secret outside the configured prefix and writes nothing', async () => {
    const w = await world();
    const outside = await newSecret(`dac-it-other-${randomBytes(4).toString('hex')}/database`);

    const failure = await failureOf(create(inputFor(w, { secretArn: outside })));

    expect(failure.name).toBe('ValidationError');
    expect(failure.message).toContain(`a secret whose name starts with the credential store's prefix "${w.prefix}"`);
    expect(await items(w)).toHaveLength(0);
    expect(await secretString(outside)).toBeUndefined();
  });

  it('refuses malformed events, naming the field, and writes nothing', async () => {
    const w = await world();
    const input = inputFor(w);
    const cases: Array<[unknown, RegExp]> = [
      [{ ...input }, /^Invalid tf:/],
      [{ ...input, tf: { action: 'upsert' } }, /^Invalid tf\.action: got "upsert"/],
      [{ ...input, scopes: ['users', 'admin'], tf: { action: 'create' } }, /^Invalid input\.scopes: got "admin" \(unknown scope\)/],
      [{ ...input, scopes: [], tf: { action: 'create' } }, /^Invalid input\.scopes: got \[\] \(empty\)/],
      [{ ...input, authType: 'basic', tf: { action: 'create' } }, /^Invalid input\.authType/],
      [{ ...input, instanceId: '../etc', tf: { action: 'create' } }, /^Invalid input\.instanceId/],
      [{ ...input, secretArn: 'my-secret', tf: { action: 'create' } }, /^Invalid input\.secretArn/],
      [{ ...input, name: ' ', tf: { action: 'update', prev_input: input } }, /^Invalid input\.name/],
      [null, /^Invalid event/],
    ];
    for (const [event, message] of cases) {
      const failure = await failureOf(handler(event));
      expect(failure.name).toBe('ValidationError');
      expect(failure.message).toMatch(message);
    }
    expect(await items(w)).toHaveLength(0);
    expect(await secretString(w.secretArn)).toBeUndefined();
  });

  it('fails clearly, with nothing written, when the secret does not exist or is being deleted', async () => {
    const w = await world();
    const missing = `${w.secretArn.slice(0, w.secretArn.lastIndexOf(':secret:'))}:secret:${w.prefix}missing-AbCdEf`;
    const notFound = await failureOf(create(inputFor(w, { secretArn: missing })));
    expect(notFound.name).toBe('NotFoundError');
    expect(notFound.message).toMatch(/The secret .*missing-AbCdEf does not exist/);

    await secretsManager.send(new DeleteSecretCommand({ SecretId: w.secretArn, RecoveryWindowInDays: 7 }));
    const deleting = await failureOf(create(inputFor(w)));
    expect(deleting.name).toBe('SecretScheduledForDeletionError');
    expect(deleting.message).toMatch(/scheduled for deletion/);
    expect(await items(w)).toHaveLength(0);
  });

  it('delete revokes the record, leaves the secret, and is idempotent', async () => {
    const w = await world();
    const input = inputFor(w);
    const created = await create(input);
    const valueBefore = await secretString(w.secretArn);

    const revoked = await remove(input);
    const again = await remove(input);

    expect(revoked).toEqual({ ...created, status: 'revoked', revokedAt: expect.any(String), updatedAt: expect.any(String) });
    expect(again).toEqual(revoked);
    const record = await item(w, created.credentialId as string);
    expect(record.status.S).toBe('revoked');
    expect(record.revokedAt.S).toBe((revoked as CredentialResult).revokedAt);
    expect(record.version.N).toBe('3');
    expect(await secretString(w.secretArn)).toBe(valueBefore);
    expect(await describeDeleted(w.secretArn)).toBe(false);
    expect(await remove(inputFor(w))).toEqual({});
  });

  it('delete with another instance id leaves the record active (a replacement never revokes its successor)', async () => {
    const w = await world();
    const successor = inputFor(w, { authType: 'api_key' });
    const created = await create(successor);
    const predecessor = inputFor(w, { authType: 'oauth2' });

    expect(await remove(predecessor)).toEqual({});

    const record = await item(w, created.credentialId as string);
    expect(record.status.S).toBe('active');
    expect(record.version.N).toBe('2');
  });

  it('update of a missing record tells the user to recreate the credential', async () => {
    const w = await world();
    const input = inputFor(w);
    const failure = await failureOf(update(input, input));
    expect(failure.name).toBe('NotFoundError');
    expect(failure.message).toMatch(/does not exist .* terraform apply -replace=/);
  });

  it('a revoked credential is never revived by a repeated create', async () => {
    const w = await world();
    const input = inputFor(w);
    await create(input);
    await remove(input);
    const failure = await failureOf(create(input));
    expect(failure.name).toBe('ConflictError');
    expect(failure.message).toMatch(/never revived/);
  });

  it('a secret value pasted outside the provider is replaced on the next create', async () => {
    const w = await world();
    const input = inputFor(w, { authType: 'api_key' });
    await create(input);
    await secretsManager.send(new PutSecretValueCommand({ SecretId: w.secretArn, SecretString: '{"apiKey":"pasted"}' }));

    await create(input);

    const secret = await secretJson(w.secretArn);
    expect((await item(w, credentialIdFor(input.instanceId))).secretHash.S).toBe(hashSecret(secret.apiKey));
  });
});

describe('the store\'s drift check (the read action over many credentials)', () => {
  it('reads the records in batches of 100 and finds exactly the drifted credentials among 130', async () => {
    const w = await world();
    const inputs: CredentialInput[] = [];
    for (let i = 0; i < 130; i++) {
      const secretArn = i === 0 ? w.secretArn : await newSecret(`${w.prefix}credential-${i}`);
      inputs.push(inputFor(w, { name: `Credential-${i}`, authType: i % 2 ? 'api_key' : 'oauth2', secretArn }));
    }
    for (let i = 0; i < inputs.length; i += 10) await Promise.all(inputs.slice(i, i + 10).map(create));
    const key = (i: number) => `Credential${i}_Provider_0000000${i % 10}`;
    const read = async () =>
      (await handler({ action: READ_ACTION, credentials: Object.fromEntries(inputs.map((input, i) => [key(i), input])) })) as ReadBatchResult;

    expect(await read()).toEqual({ inSync: true, checked: 130, drifted: {}, message: 'in sync' });

    // One record beyond the first hundred renamed, one deleted, one secret value overwritten.
    const renamed = credentialIdFor(inputs[117].instanceId);
    await dynamodb.send(
      new PutItemCommand({ TableName: w.tableName, Item: { ...(await item(w, renamed)), name: { S: 'Renamed-by-hand' } } }),
    );
    await dynamodb.send(new DeleteItemCommand({ TableName: w.tableName, Key: { pk: { S: `CRED#${credentialIdFor(inputs[3].instanceId)}` } } }));
    await secretsManager.send(new PutSecretValueCommand({ SecretId: inputs[64].secretArn, SecretString: '{"apiKey":"pasted"}' }));

    const drifted = await read();
    expect(drifted).toMatchObject({ inSync: false, checked: 130 });
    expect(Object.keys(drifted.drifted)).toEqual([key(3), key(64), key(117)]);
    expect(drifted.drifted[key(3)].drift).toEqual([expect.objectContaining({ field: 'record' })]);
    expect(drifted.drifted[key(64)].drift).toEqual([expect.objectContaining({ field: 'secret' })]);
    expect(drifted.drifted[key(117)].drift).toEqual([expect.objectContaining({ field: 'name' })]);
    expect(JSON.stringify(drifted)).not.toContain('pasted');
  }, 120_000);
});

async function describeDeleted(arn: string): Promise<boolean> {
  const out = await secretsManager.send(new DescribeSecretCommand({ SecretId: arn }));
  return out.DeletedDate !== undefined;
}
