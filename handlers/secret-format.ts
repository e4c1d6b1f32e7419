/**
 * Identifiers and secret formats of Data API credentials. Pure: no I/O, no AWS.
 *
 * | what          | format                                                  | pattern                              |
 * |---------------|---------------------------------------------------------|--------------------------------------|
 * | credential id | first 32 hex of sha256("data-api-credential:" + instanceId) | `^[0-9a-f]{32}$`                  |
 * | API key       | `dak_<credentialId>_<43 base62 random><6 base62 CRC-32>` | `^dak_[0-9a-f]{32}_[0-9A-Za-z]{49}$` |
 * | client id     | `dci_<credentialId>` (an identifier, not a secret)       | `^dci_[0-9a-f]{32}$`                 |
 * | client secret | `dcs_<43 base62 random><6 base62 CRC-32>`                | `^dcs_[0-9A-Za-z]{49}$`              |
 *
 * - The random part is 32 bytes from `crypto.randomBytes` (256 bits) written as a big-endian
 *   number in base62 (alphabet `0-9A-Za-z`), left-padded with `0` to 43 characters (62^43 > 2^256).
 * - The checksum is the CRC-32 (IEEE 802.3, as zlib) of every character before it, prefix
 *   included, in base62 left-padded to 6 characters (62^6 > 2^32). It lets scanners and the
 *   verifier reject typos and look-alikes offline (a random string passes with odds 1 in 2^32);
 *   it adds no secrecy.
 * - The credential id inside an API key lets a verifier fetch the record by id and compare
 *   hashes in constant time, without an index on the hash.
 * - The distinctive prefixes make leaked values easy to find (secret scanning, gitleaks).
 * - Only `hashSecret(value)` (SHA-256, hex) is ever stored. A plain hash is enough: the secrets
 *   carry 256 random bits, so there is nothing to brute-force. An adopted key may carry far less,
 *   so it is stored as `keyedHashSecret` (HMAC-SHA-256 under the store's hash key, kept in Secrets
 *   Manager): its hash in the table alone cannot be tried against guesses.
 */
import { createHash, createHmac, randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ADOPTED_API_KEY_PATTERN, AuthTypeName, CLIENT_ID_PREFIX, CREDENTIAL_ID_LENGTH, CREDENTIAL_ID_SALT, SecretValue } from './contract/credential';

export const API_KEY_PREFIX = 'dak_';
export const CLIENT_SECRET_PREFIX = 'dcs_';

export const CREDENTIAL_ID_PATTERN = /^[0-9a-f]{32}$/;
export const API_KEY_PATTERN = /^dak_[0-9a-f]{32}_[0-9A-Za-z]{49}$/;
export const CLIENT_ID_PATTERN = /^dci_[0-9a-f]{32}$/;
export const CLIENT_SECRET_PATTERN = /^dcs_[0-9A-Za-z]{49}$/;
/** Both secret kinds, unanchored, for finding them in text (logs, messages). */
export const SECRET_SCAN_PATTERN = /(?:dak_[0-9a-f]{32}_|dcs_)[0-9A-Za-z]{49}/;

export const RANDOM_BYTES = 32;
export const RANDOM_LENGTH = 43;
export const CHECKSUM_LENGTH = 6;

/** A source of random bytes; `crypto.randomBytes` in production, a fixed one in tests. */
export type RandomSource = (size: number) => Buffer;

const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Writes `bytes` as one big-endian number in base62, left-padded with `0` to exactly `length`. */
export function base62Encode(bytes: Uint8Array, length: number): string {
  let value = bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = BASE62_ALPHABET[Number(value % 62n)] + text;
    value /= 62n;
  }
  if (text.length > length) {
    throw new RangeError(`${bytes.length} bytes do not fit in ${length} base62 characters`);
  }
  return text.padStart(length, '0');
}

function checksumOf(body: string): string {
  const crc = crc32(Buffer.from(body, 'utf8'));
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc);
  return base62Encode(bytes, CHECKSUM_LENGTH);
}

function randomPart(randomBytes: RandomSource): string {
  const bytes = randomBytes(RANDOM_BYTES);
  if (bytes.length !== RANDOM_BYTES) throw new RangeError(`expected ${RANDOM_BYTES} random bytes, got ${bytes.length}`);
  return base62Encode(bytes, RANDOM_LENGTH);
}

function assertCredentialId(credentialId: string): void {
  if (!CREDENTIAL_ID_PATTERN.test(credentialId)) {
    throw new RangeError(`not a credential id (32 lowercase hex characters): ${JSON.stringify(credentialId)}`);
  }
}

/** The credential id of a credential instance: deterministic, so a repeated create finds its record. */
export function credentialIdFor(instanceId: string): string {
  return createHash('sha256')
    .update(CREDENTIAL_ID_SALT + instanceId, 'utf8')
    .digest('hex')
    .slice(0, CREDENTIAL_ID_LENGTH);
}

export function clientIdFor(credentialId: string): string {
  assertCredentialId(credentialId);
  return `${CLIENT_ID_PREFIX}${credentialId}`;
}

export function generateApiKey(credentialId: string, randomBytes: RandomSource = cryptoRandomBytes): string {
  assertCredentialId(credentialId);
  const body = `${API_KEY_PREFIX}${credentialId}_${randomPart(randomBytes)}`;
  return body + checksumOf(body);
}

export function generateClientSecret(randomBytes: RandomSource = cryptoRandomBytes): string {
  const body = `${CLIENT_SECRET_PREFIX}${randomPart(randomBytes)}`;
  return body + checksumOf(body);
}

/** True when the last 6 characters are the checksum of the rest (format not checked). */
export function hasValidChecksum(value: string): boolean {
  if (value.length <= CHECKSUM_LENGTH) return false;
  const body = value.slice(0, -CHECKSUM_LENGTH);
  return value.slice(-CHECKSUM_LENGTH) === checksumOf(body);
}

/** An API key or client secret in this library's format with a valid checksum. */
export function isDataApiSecret(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    (API_KEY_PATTERN.test(value) || CLIENT_SECRET_PATTERN.test(value)) &&
    hasValidChecksum(value)
  );
}

export interface ParsedApiKey {
  readonly credentialId: string;
}

/** The credential id inside a well-formed API key with a valid checksum; undefined otherwise. */
export function parseApiKey(value: unknown): ParsedApiKey | undefined {
  if (typeof value !== 'string' || !API_KEY_PATTERN.test(value) || !hasValidChecksum(value)) return undefined;
  return { credentialId: value.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + CREDENTIAL_ID_LENGTH) };
}

/** The credential id of a client id (`dci_<credentialId>`); undefined for anything else. */
export function parseClientId(value: unknown): { readonly credentialId: string } | undefined {
  if (typeof value !== 'string' || !CLIENT_ID_PATTERN.test(value)) return undefined;
  return { credentialId: value.slice(CLIENT_ID_PREFIX.length) };
}

/**
 * The key of a client id's lookup item (`KEYHASH#<this>` -> the newest credential holding the client
 * id, written when a rotation's successor inherits it). Domain-separated with characters an adopted
 * key never has (`:` and a space, see ADOPTED_API_KEY_PATTERN), so it never equals an adopted key's hash.
 */
export function clientLookupHash(clientId: string): string {
  return createHash('sha256').update(`data-api-client-id: ${clientId}`, 'utf8').digest('hex');
}

/** SHA-256 of the secret's UTF-8 bytes, lowercase hex: what the record stores instead of it. */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Whether `value` hashes to `hash`, compared in constant time (for a given hash length). */
export function secretMatchesHash(value: string, hash: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(hash)) return false;
  const actual = createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(actual, Buffer.from(hash, 'hex'));
}

/** HMAC-SHA-256 of the value under the store's hash key, lowercase hex: the keyed hash of an adopted key. */
export function keyedHashSecret(value: string, key: Uint8Array): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

/** The hash schemes of a record's `secretHash`: plain SHA-256 (generated values, older adoptions) or HMAC-SHA-256. */
export type HashScheme = 'sha256' | 'hmac-sha256';

/** Whether `value` has the record's hash under its scheme, compared in constant time. */
export function matchesHashOf(value: string, record: { readonly secretHash: string; readonly hashScheme?: HashScheme }, key: Uint8Array | undefined): boolean {
  if (record.hashScheme !== 'hmac-sha256') return secretMatchesHash(value, record.secretHash);
  if (key === undefined || !/^[0-9a-f]{64}$/.test(record.secretHash)) return false;
  return timingSafeEqual(Buffer.from(keyedHashSecret(value, key), 'hex'), Buffer.from(record.secretHash, 'hex'));
}

/** A new secret value for a credential (what its Secrets Manager secret will hold). */
export function generateSecretValue(
  authType: AuthTypeName,
  credentialId: string,
  options: { readonly clientId?: string; readonly randomBytes?: RandomSource } = {},
): SecretValue {
  const randomBytes = options.randomBytes ?? cryptoRandomBytes;
  if (authType === 'api_key') {
    return { authType, apiKey: generateApiKey(credentialId, randomBytes), credentialId };
  }
  return {
    authType,
    clientId: options.clientId ?? clientIdFor(credentialId),
    clientSecret: generateClientSecret(randomBytes),
    credentialId,
  };
}

/** The secret part of a secret value: the API key or the client secret. */
export function secretOf(value: SecretValue): string {
  return value.authType === 'api_key' ? value.apiKey : value.clientSecret;
}

/** The JSON written to Secrets Manager, keys in a fixed order. */
export function formatSecretValue(value: SecretValue): string {
  return value.authType === 'api_key'
    ? JSON.stringify({ authType: value.authType, apiKey: value.apiKey, credentialId: value.credentialId })
    : JSON.stringify({
        authType: value.authType,
        clientId: value.clientId,
        clientSecret: value.clientSecret,
        credentialId: value.credentialId,
      });
}

/** Reads a secret value written by `formatSecretValue`; undefined for anything else (never throws). */
export function parseSecretValue(text: string): SecretValue | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const value = parsed as Record<string, unknown>;
  if (typeof value.credentialId !== 'string') return undefined;
  if (value.authType === 'api_key' && typeof value.apiKey === 'string') {
    return { authType: 'api_key', apiKey: value.apiKey, credentialId: value.credentialId };
  }
  if (value.authType === 'oauth2' && typeof value.clientId === 'string' && typeof value.clientSecret === 'string') {
    return {
      authType: 'oauth2',
      clientId: value.clientId,
      clientSecret: value.clientSecret,
      credentialId: value.credentialId,
    };
  }
  return undefined;
}

/**
 * The API key of a secret brought under management (adoption): JSON with an `apiKey` of printable
 * bearer characters, in any format (ours included). Undefined for anything else.
 */
export function parseAdoptedApiKey(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const apiKey = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).apiKey : undefined;
  return typeof apiKey === 'string' && ADOPTED_API_KEY_PATTERN.test(apiKey) ? apiKey : undefined;
}

/**
 * Whether a value has the shape of an API key or client secret this library generates (`dak_`,
 * `dcs_`), checksum or not: such a value is never adopted.
 */
export function isGeneratedSecretFormat(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) || value.startsWith(CLIENT_SECRET_PREFIX);
}

/** Replaces anything that looks like one of our secrets; a last line of defence for logs and messages. */
export function redactSecrets(text: string): string {
  return text.replace(new RegExp(SECRET_SCAN_PATTERN.source, 'g'), (match) => `${match.slice(0, 4)}[REDACTED]`);
}
