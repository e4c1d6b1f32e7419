import { createHash, randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import {
  API_KEY_PATTERN,
  base62Encode,
  CLIENT_ID_PATTERN,
  CLIENT_SECRET_PATTERN,
  clientIdFor,
  credentialIdFor,
  formatSecretValue,
  generateApiKey,
  generateClientSecret,
  generateSecretValue,
  hashSecret,
  hasValidChecksum,
  isDataApiSecret,
  parseApiKey,
  parseClientId,
  parseSecretValue,
  redactSecrets,
  secretMatchesHash,
  secretOf,
} from '../../../handlers/secret-format';

const CREDENTIAL_ID = '5d9dfcaab1b63635e18b0b564bbcdb89';
const zeros = (size: number) => Buffer.alloc(size);
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('credential ids', () => {
  it('are the first 32 hex characters of sha256("data-api-credential:" + instanceId)', () => {
    expect(credentialIdFor('8f14e45f-ceea-467f-a0e7-1d0d9f3b8a11')).toBe(CREDENTIAL_ID);
    const instanceId = 'another-instance-id';
    expect(credentialIdFor(instanceId)).toBe(
      createHash('sha256').update(`data-api-credential:${instanceId}`).digest('hex').slice(0, 32),
    );
  });

  it('give OAuth 2.0 client ids dci_<credentialId>, which parse back', () => {
    const clientId = clientIdFor(CREDENTIAL_ID);
    expect(clientId).toBe(`dci_${CREDENTIAL_ID}`);
    expect(clientId).toMatch(CLIENT_ID_PATTERN);
    expect(parseClientId(clientId)).toEqual({ credentialId: CREDENTIAL_ID });
    expect(parseClientId('dci_xyz')).toBeUndefined();
  });

  it('are checked before being embedded', () => {
    expect(() => clientIdFor('not-an-id')).toThrow(/credential id/);
    expect(() => generateApiKey(CREDENTIAL_ID.toUpperCase())).toThrow(/credential id/);
  });
});

describe('base62', () => {
  it('writes 32 bytes in exactly 43 characters, zero-padded, for the smallest and largest values', () => {
    expect(base62Encode(zeros(32), 43)).toBe('0'.repeat(43));
    expect(base62Encode(Buffer.from([1]), 43)).toBe(`${'0'.repeat(42)}1`);
    const max = base62Encode(Buffer.alloc(32, 0xff), 43);
    expect(max).toHaveLength(43);
    expect(max).toMatch(/^[0-9A-Za-z]{43}$/);
  });

  it('is positional big-endian with the alphabet 0-9A-Za-z', () => {
    expect(base62Encode(Buffer.from([61]), 2)).toBe('0z');
    expect(base62Encode(Buffer.from([62]), 2)).toBe('10');
    expect(base62Encode(Buffer.from([0x01, 0x00]), 3)).toBe('048'); // 256 = 4*62 + 8
  });

  it('refuses a value that does not fit the width', () => {
    expect(() => base62Encode(Buffer.from([0xff, 0xff]), 2)).toThrow(RangeError);
  });
});

describe('checksum', () => {
  it('is the CRC-32 (zlib) of everything before it, in 6 base62 characters', () => {
    for (const value of [generateApiKey(CREDENTIAL_ID), generateClientSecret()]) {
      const body = value.slice(0, -6);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlibCrc32(body));
      expect(value.slice(-6)).toBe(base62Encode(crc, 6));
    }
  });
});

describe('API keys', () => {
  it('have the documented shape and embed the credential id', () => {
    const key = generateApiKey(CREDENTIAL_ID);
    expect(key).toMatch(API_KEY_PATTERN);
    expect(key).toHaveLength(4 + 32 + 1 + 43 + 6);
    expect(key.startsWith(`dak_${CREDENTIAL_ID}_`)).toBe(true);
    expect(parseApiKey(key)).toEqual({ credentialId: CREDENTIAL_ID });
  });

  it('end in the base62 CRC-32 of everything before', () => {
    const key = generateApiKey(CREDENTIAL_ID, zeros);
    const body = `dak_${CREDENTIAL_ID}_${'0'.repeat(43)}`;
    expect(key.slice(0, -6)).toBe(body);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlibCrc32(body));
    expect(key.slice(-6)).toBe(base62Encode(crc, 6));
    expect(hasValidChecksum(key)).toBe(true);
  });

  it('are different every time', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey(CREDENTIAL_ID)));
    expect(keys.size).toBe(200);
  });

  it('are rejected by parseApiKey when the format or the checksum is wrong', () => {
    const key = generateApiKey(CREDENTIAL_ID);
    expect(parseApiKey(`${key}x`)).toBeUndefined();
    expect(parseApiKey(key.replace('dak_', 'dcs_'))).toBeUndefined();
    expect(parseApiKey(key.slice(0, -1) + (key.endsWith('0') ? '1' : '0'))).toBeUndefined();
    expect(parseApiKey(42)).toBeUndefined();
  });
});

describe('client secrets', () => {
  it('have the documented shape and a valid checksum', () => {
    const secret = generateClientSecret();
    expect(secret).toMatch(CLIENT_SECRET_PATTERN);
    expect(secret).toHaveLength(4 + 43 + 6);
    expect(isDataApiSecret(secret)).toBe(true);
  });
});

describe('checksums', () => {
  it('catch every single-character substitution (checked on random secrets at every position)', () => {
    for (let round = 0; round < 20; round++) {
      const secret = round % 2 === 0 ? generateApiKey(CREDENTIAL_ID) : generateClientSecret();
      for (let position = 4; position < secret.length; position++) {
        const original = secret[position];
        const replacement = ALPHANUMERIC[(ALPHANUMERIC.indexOf(original) + 1 + (round % 61)) % 62];
        const typo = secret.slice(0, position) + replacement + secret.slice(position + 1);
        expect(hasValidChecksum(typo)).toBe(false);
      }
    }
  });

  it('reject look-alikes: right shape, random tail', () => {
    let accepted = 0;
    for (let i = 0; i < 500; i++) {
      const tail = base62Encode(randomBytes(36), 49).slice(-49);
      if (isDataApiSecret(`dcs_${tail}`)) accepted++;
    }
    expect(accepted).toBe(0);
  });

  it('say no to short or foreign strings', () => {
    expect(hasValidChecksum('')).toBe(false);
    expect(hasValidChecksum('abc')).toBe(false);
    expect(isDataApiSecret('ghp_0123456789012345678901234567890123456789')).toBe(false);
    expect(isDataApiSecret(undefined)).toBe(false);
  });
});

describe('hashes', () => {
  it('are the SHA-256 hex of the secret', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('match only their own secret', () => {
    const secret = generateClientSecret();
    const hash = hashSecret(secret);
    expect(secretMatchesHash(secret, hash)).toBe(true);
    expect(secretMatchesHash(generateClientSecret(), hash)).toBe(false);
    expect(secretMatchesHash(secret, hash.toUpperCase())).toBe(false);
  });

  it('never throw on a malformed stored hash (so the compare cannot be used to probe lengths)', () => {
    expect(secretMatchesHash('x', '')).toBe(false);
    expect(secretMatchesHash('x', 'abc')).toBe(false);
    expect(secretMatchesHash('x', 'z'.repeat(64))).toBe(false);
  });
});

describe('secret values', () => {
  it('are the documented JSON for API keys', () => {
    const value = generateSecretValue('api_key', CREDENTIAL_ID);
    const json = JSON.parse(formatSecretValue(value));
    expect(Object.keys(json)).toEqual(['authType', 'apiKey', 'credentialId']);
    expect(json).toEqual({ authType: 'api_key', apiKey: secretOf(value), credentialId: CREDENTIAL_ID });
    expect(json.apiKey).toMatch(API_KEY_PATTERN);
  });

  it('are the documented JSON for OAuth 2.0, keeping a given client id', () => {
    const fresh = JSON.parse(formatSecretValue(generateSecretValue('oauth2', CREDENTIAL_ID)));
    expect(Object.keys(fresh)).toEqual(['authType', 'clientId', 'clientSecret', 'credentialId']);
    expect(fresh.clientId).toBe(`dci_${CREDENTIAL_ID}`);
    expect(fresh.clientSecret).toMatch(CLIENT_SECRET_PATTERN);
    const adopted = generateSecretValue('oauth2', CREDENTIAL_ID, { clientId: 'legacy-client' });
    expect(adopted).toMatchObject({ clientId: 'legacy-client' });
  });

  it('parse back, and anything else parses to undefined', () => {
    const value = generateSecretValue('oauth2', CREDENTIAL_ID);
    expect(parseSecretValue(formatSecretValue(value))).toEqual(value);
    for (const text of ['', 'not json', 'null', '"x"', '{}', '{"authType":"api_key","credentialId":"x"}']) {
      expect(parseSecretValue(text)).toBeUndefined();
    }
  });
});

describe('redaction', () => {
  it('hides both secret kinds wherever they appear, and keeps the rest', () => {
    const key = generateApiKey(CREDENTIAL_ID);
    const secret = generateClientSecret();
    const text = redactSecrets(`key=${key} secret:"${secret}"x${secret} id=dci_${CREDENTIAL_ID}`);
    expect(text).not.toContain(key);
    expect(text).not.toContain(secret);
    expect(text).toBe(`key=dak_[REDACTED] secret:"dcs_[REDACTED]"xdcs_[REDACTED] id=dci_${CREDENTIAL_ID}`);
  });
});
