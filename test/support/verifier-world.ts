/** In-memory credentials and tokens, a settable clock and a counting random source for the gateway's unit tests. */
import { ScopeName } from '../../handlers/contract/credential';
import { clientIdFor, clientLookupHash, generateApiKey, generateClientSecret, hashSecret, keyedHashSecret } from '../../handlers/secret-format';
import { CredentialRecord } from '../../handlers/lifecycle/credential-record';
import { TokenRecord } from '../../handlers/store/dynamodb-token-table';
import { HttpApiEvent } from '../../handlers/verifier/http';

export class World {
  readonly credentials = new Map<string, CredentialRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  time = new Date('2026-11-27T12:00:00.000Z');
  private counter = 0;

  readonly now = (): Date => new Date(this.time.getTime());
  readonly randomBytes = (size: number): Buffer => {
    this.counter++;
    const bytes = Buffer.alloc(size);
    bytes.writeUInt32BE(this.counter, size - 4);
    return bytes;
  };
  readonly readCredential = async (id: string) => {
    const record = this.credentials.get(id);
    return record && structuredClone(record);
  };
  readonly readToken = async (hash: string) => this.tokens.get(hash);
  /** Adopted API keys: key hash -> credential id. */
  readonly adoptedKeys = new Map<string, string>();
  readonly findAdoptedKey = async (hash: string) => this.adoptedKeys.get(hash);
  readonly putToken = async (token: TokenRecord) => {
    this.tokens.set(token.tokenHash, token);
  };
  /** As DynamoDB's conditional delete: only the owner's item goes. */
  readonly deleteToken = async (hash: string, credentialId: string) => {
    if (this.tokens.get(hash)?.credentialId !== credentialId) return false;
    return this.tokens.delete(hash);
  };

  advance(seconds: number): void {
    this.time = new Date(this.time.getTime() + seconds * 1000);
  }

  private record(id: string, fields: Partial<CredentialRecord> & Pick<CredentialRecord, 'authType' | 'secretHash' | 'scopes'>): CredentialRecord {
    const record: CredentialRecord = {
      credentialId: id,
      instanceId: `instance-${id.slice(0, 8)}`,
      name: `credential ${id.slice(0, 4)}`,
      secretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:data-api/credentials/${id}-AbCdEf`,
      status: 'active',
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
      version: 2,
      ...fields,
    };
    this.credentials.set(id, record);
    return record;
  }

  addOAuthClient(id: string, scopes: ScopeName[]): { clientId: string; clientSecret: string } {
    const clientSecret = generateClientSecret();
    const clientId = clientIdFor(id);
    this.record(id, { authType: 'oauth2', clientId, secretHash: hashSecret(clientSecret), scopes });
    return { clientId, clientSecret };
  }

  addApiKey(id: string, scopes: ScopeName[]): string {
    const apiKey = generateApiKey(id);
    this.record(id, { authType: 'api_key', secretHash: hashSecret(apiKey), scopes });
    return apiKey;
  }

  /**
   * As the provider's rotation of an OAuth 2.0 credential: `newId` inherits the client id of `oldId`
   * (its record, predecessorId, the lookup item), then `oldId` retires for `hours` (0: revoked).
   */
  rotateOAuthClient(oldId: string, newId: string, hours: number): { clientId: string; clientSecret: string } {
    const old = this.credentials.get(oldId)!;
    const clientSecret = generateClientSecret();
    this.record(newId, {
      authType: 'oauth2',
      clientId: old.clientId!,
      secretHash: hashSecret(clientSecret),
      scopes: [...old.scopes],
      secretArn: old.secretArn,
      predecessorId: oldId,
    });
    this.adoptedKeys.set(clientLookupHash(old.clientId!), newId);
    if (hours > 0) this.retire(oldId, hours);
    else this.revoke(oldId);
    return { clientId: old.clientId!, clientSecret };
  }

  /** As the provider's delete of a rotated-out credential: still accepted for `hours`. */
  retire(id: string, hours: number): void {
    const record = this.credentials.get(id)!;
    this.credentials.set(id, { ...record, status: 'retiring', retiresAt: new Date(this.time.getTime() + hours * 3600 * 1000).toISOString() });
  }

  /** An API key adopted from elsewhere: any format, found by its hash (HMAC-SHA-256 under `hashKey`, else SHA-256 as before 0.3). */
  adoptApiKey(id: string, apiKey: string, scopes: ScopeName[], hashKey?: Uint8Array): void {
    const secretHash = hashKey === undefined ? hashSecret(apiKey) : keyedHashSecret(apiKey, hashKey);
    this.record(id, { authType: 'api_key', secretHash, scopes, adopted: true, ...(hashKey === undefined ? {} : { hashScheme: 'hmac-sha256' as const }) });
    this.adoptedKeys.set(secretHash, id);
  }

  revoke(id: string): void {
    const record = this.credentials.get(id)!;
    this.credentials.set(id, { ...record, status: 'revoked', revokedAt: this.now().toISOString() });
  }
}

export const OAUTH_ID = 'a'.repeat(32);
export const KEY_ID = 'b'.repeat(32);

export function tokenRequest(params: Record<string, string>, options: { basic?: [string, string]; contentType?: string; base64?: boolean } = {}): HttpApiEvent {
  const body = new URLSearchParams(params).toString();
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded' };
  if (options.basic) {
    const [id, secret] = options.basic.map((part) => encodeURIComponent(part));
    headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  }
  return options.base64 === false
    ? { headers, body, isBase64Encoded: false }
    : { headers, body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
}

export function recordsRequest(entity: string, authorization?: string, version = 'v1'): HttpApiEvent {
  return {
    version: '2.0',
    routeKey: `GET /export/${version}/records/{entity}`,
    rawPath: `/export/${version}/records/${entity}`,
    rawQueryString: '',
    headers: { host: 'api.example', ...(authorization === undefined ? {} : { authorization }) },
    pathParameters: { entity },
    requestContext: { http: { method: 'GET', path: `/export/${version}/records/${entity}` }, requestId: 'r-1' },
  };
}
