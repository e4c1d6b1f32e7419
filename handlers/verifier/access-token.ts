/**
 * Access tokens of the token endpoint: `dat_<43 base62 random><6 base62 CRC-32>`, the same
 * construction as API keys and client secrets (see `../secret-format`): 256 random bits, a
 * checksum that lets the verifier reject typos without a lookup, a prefix scanners can find.
 * Only `hashSecret(token)` is stored.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ACCESS_TOKEN } from '../contract/gateway';
import { API_KEY_PATTERN, base62Encode, CHECKSUM_LENGTH, hasValidChecksum, RANDOM_BYTES, RANDOM_LENGTH, RandomSource } from '../secret-format';

export const ACCESS_TOKEN_PATTERN = /^dat_[0-9A-Za-z]{49}$/;
/** Every kind of secret the gateway sees (API keys, client secrets, access tokens), for redaction. */
export const GATEWAY_SECRET_SCAN_PATTERN = /(?:dak_[0-9a-f]{32}_|dcs_|dat_)[0-9A-Za-z]{49}/g;

function checksum(body: string): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(Buffer.from(body, 'utf8')) >>> 0);
  return base62Encode(bytes, CHECKSUM_LENGTH);
}

export function generateAccessToken(randomBytes: RandomSource = cryptoRandomBytes): string {
  const bytes = randomBytes(RANDOM_BYTES);
  if (bytes.length !== RANDOM_BYTES) throw new RangeError(`expected ${RANDOM_BYTES} random bytes, got ${bytes.length}`);
  const body = `${ACCESS_TOKEN.PREFIX}${base62Encode(bytes, RANDOM_LENGTH)}`;
  return body + checksum(body);
}

export function isAccessToken(value: string): boolean {
  return ACCESS_TOKEN_PATTERN.test(value) && hasValidChecksum(value);
}

/** What a bearer value looks like, before any lookup. */
export function bearerKind(value: string): 'access_token' | 'api_key' | undefined {
  if (isAccessToken(value)) return 'access_token';
  if (API_KEY_PATTERN.test(value) && hasValidChecksum(value)) return 'api_key';
  return undefined;
}

export function redactGatewaySecrets(text: string): string {
  return text.replace(GATEWAY_SECRET_SCAN_PATTERN, (match) => `${match.slice(0, 4)}[REDACTED]`);
}
