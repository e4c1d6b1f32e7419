/**
 * In-memory stand-ins for the provider's two ports, with the same conditional-write and
 * idempotency semantics as the DynamoDB and Secrets Manager implementations, plus a clock and a
 * deterministic random source. The integration tests cover the real stores against the local AWS.
 */
import { randomUUID } from 'node:crypto';
import { CredentialInput } from '../../handlers/contract/credential';
import { declarationTags } from '../../handlers/lifecycle/secret-binding';
import { LifecycleDeps } from '../../handlers/lifecycle/operations';
import { NotFoundError, StaleRecordError } from '../../handlers/errors';
import { lifecycleErrors } from '../../handlers/lifecycle/messages';
import { CredentialRecord } from '../../handlers/lifecycle/credential-record';
import { CredentialTable, SecretMetadata, SecretStore, WriteCondition } from '../../handlers/lifecycle/ports';
import { clientLookupHash } from '../../handlers/secret-format';

export class InMemoryCredentialTable implements CredentialTable {
  readonly records = new Map<string, CredentialRecord>();
  readonly writes: Array<{ record: CredentialRecord; condition: WriteCondition }> = [];
  /** `KEYHASH#` lookup items: adopted key hash -> credential id. */
  readonly keyHashes = new Map<string, string>();
  reads = 0;
  /** Runs before each write is checked; a test can change the table here to simulate a race. */
  beforeWrite?: (record: CredentialRecord) => void;

  async read(credentialId: string): Promise<CredentialRecord | undefined> {
    this.reads++;
    const record = this.records.get(credentialId);
    return record === undefined ? undefined : structuredClone(record);
  }

  /** The id lists `readMany` was called with. */
  readonly batches: string[][] = [];

  async readMany(credentialIds: readonly string[]): Promise<Map<string, CredentialRecord>> {
    this.batches.push([...credentialIds]);
    const found = new Map<string, CredentialRecord>();
    for (const id of credentialIds) {
      const record = this.records.get(id);
      if (record !== undefined) found.set(id, structuredClone(record));
    }
    return found;
  }

  async write(record: CredentialRecord, condition: WriteCondition): Promise<void> {
    this.beforeWrite?.(record);
    const stored = this.records.get(record.credentialId);
    const holds =
      condition.kind === 'absent'
        ? stored === undefined
        : stored !== undefined && stored.version === condition.version && stored.instanceId === condition.instanceId;
    if (!holds) throw new StaleRecordError(record.credentialId);
    this.writes.push({ record: structuredClone(record), condition });
    this.records.set(record.credentialId, structuredClone(record));
  }

  async keyHashHolder(secretHash: string): Promise<string | undefined> {
    return this.keyHashes.get(secretHash);
  }

  async pointClientId(clientId: string, credentialId: string): Promise<void> {
    this.keyHashes.set(clientLookupHash(clientId), credentialId);
  }

  async claimKeyHash(secretHash: string, credentialId: string): Promise<void> {
    const holder = this.keyHashes.get(secretHash);
    if (holder !== undefined && holder !== credentialId) throw lifecycleErrors.keyAlreadyAdopted(credentialId);
    this.keyHashes.set(secretHash, credentialId);
  }
}

interface FakeSecret {
  readonly versions: Map<string, string>;
  current?: string;
  /** The current value's version id: the writer's token, or a new id for a write from elsewhere. */
  currentVersionId?: string;
  scheduledForDeletion?: boolean;
}

export class InMemorySecretStore implements SecretStore {
  readonly secrets = new Map<string, FakeSecret>();
  readonly puts: Array<{ secretArn: string; value: string; token: string }> = [];
  /** Set to make the next `writeValue` fail after (`'after'`) or instead of (`'before'`) storing. */
  crashOnWrite?: 'before' | 'after';
  readonly tags = new Map<string, Record<string, string>>();

  /** What Terraform does before it invokes the provider: tags the secret with the store and the declaration's digest. */
  declare(input: Omit<CredentialInput, 'adopt'>, storeName = STORE_NAME): void {
    this.tags.set(input.secretArn, declarationTags(storeName, input));
  }

  /** Reads of values (`readCurrentValue`), counted: the drift check reads a value only when the version does not tell. */
  valueReads = 0;

  async readMetadata(secretArn: string): Promise<SecretMetadata> {
    const secret = this.secret(secretArn);
    return {
      tags: { ...(this.tags.get(secretArn) ?? {}) },
      ...(secret.currentVersionId === undefined ? {} : { currentVersionId: secret.currentVersionId }),
      scheduledForDeletion: secret.scheduledForDeletion === true,
    };
  }

  /** Terraform creates the secret (without a value) before the provider runs. */
  createSecret(secretArn: string): void {
    this.secrets.set(secretArn, { versions: new Map() });
  }

  /** A write that did not come from the provider (console, another tool). */
  overwrite(secretArn: string, value: string): void {
    const secret = this.secret(secretArn);
    secret.current = value;
    secret.currentVersionId = randomUUID();
  }

  current(secretArn: string): string | undefined {
    return this.secrets.get(secretArn)?.current;
  }

  versionCount(secretArn: string): number {
    return this.secrets.get(secretArn)?.versions.size ?? 0;
  }

  async readCurrentValue(secretArn: string): Promise<string | undefined> {
    this.valueReads++;
    return this.secret(secretArn).current;
  }

  async writeValue(secretArn: string, value: string, token: string): Promise<void> {
    const secret = this.secret(secretArn);
    const crash = this.crashOnWrite;
    this.crashOnWrite = undefined;
    if (crash === 'before') throw new Error('simulated crash before the secret write');
    const existing = secret.versions.get(token);
    if (existing !== undefined && existing !== value) throw new Error(`token ${token} reused with another value`);
    this.puts.push({ secretArn, value, token });
    if (existing === undefined) {
      secret.versions.set(token, value);
      secret.current = value;
      secret.currentVersionId = token;
    }
    if (crash === 'after') throw new Error('simulated crash after the secret write');
  }

  private secret(secretArn: string): FakeSecret {
    const secret = this.secrets.get(secretArn);
    if (secret === undefined) throw new NotFoundError(`The secret ${secretArn} does not exist`);
    return secret;
  }
}

/** A clock that advances one second per reading, from a fixed start. */
export function steppingClock(start = Date.parse('2026-11-01T10:00:00.000Z')): () => Date {
  let ticks = 0;
  return () => new Date(start + 1000 * ticks++);
}

/** Deterministic, distinct random bytes per call. */
export function countingRandom(): (size: number) => Buffer {
  let call = 0;
  return (size) => {
    call++;
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = (call * 131 + i * 17) & 0xff;
    return bytes;
  };
}

export const PREFIX = 'data-api-credentials/';
export const STORE_NAME = 'store';
export const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${PREFIX}team/export-AbC123`;

export interface Fixture {
  readonly table: InMemoryCredentialTable;
  readonly secrets: InMemorySecretStore;
  readonly deps: LifecycleDeps;
}

export function fixture(): Fixture {
  const table = new InMemoryCredentialTable();
  const secrets = new InMemorySecretStore();
  secrets.createSecret(SECRET_ARN);
  return {
    table,
    secrets,
    deps: { table, secrets, secretPrefix: PREFIX, storeName: STORE_NAME, now: steppingClock(), randomBytes: countingRandom() },
  };
}

/** A provider input for the fakes' secret, with overrides. */
export function inputFor(instanceId: string, authType: CredentialInput['authType'], overrides: Partial<CredentialInput> = {}): CredentialInput {
  return {
    instanceId,
    name: 'Analytics-DataAPI-Credential',
    authType,
    scopes: ['conversations', 'users'],
    secretArn: SECRET_ARN,
    ...overrides,
  };
}
