import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiKey, generateClientSecret } from '../../handlers/secret-format';
import { ACCESS_TOKEN_PATTERN, generateAccessToken } from '../../handlers/verifier';
import { API_KEY_PATTERN, CLIENT_SECRET_PATTERN, isDataApiSecret } from '../../lib';

const CREDENTIAL_ID = '0123456789abcdef0123456789abcdef';
const rulesFile = readFileSync(join(__dirname, '..', '..', 'examples', 'leak-detection', 'gitleaks.toml'), 'utf8');
const rules = [...rulesFile.matchAll(/^regex = '''(.+)'''$/gm)].map((m) => new RegExp(m[1], 'g'));

describe('leak detection for users', () => {
  test('the gitleaks rules find generated keys and secrets inside surrounding text, and nothing else', () => {
    expect(rules).toHaveLength(3);
    const key = generateApiKey(CREDENTIAL_ID);
    const secret = generateClientSecret();
    const token = generateAccessToken();
    const text = `export API_KEY=${key}\nclient_secret: "${secret}"\nclient_id: dci_${CREDENTIAL_ID}\nAuthorization: Bearer ${token}\n`;
    const found = rules.flatMap((rule) => [...text.matchAll(rule)].map((m) => m[0]));
    expect(found.sort()).toEqual([key, secret, token].sort());
  });

  test('the gitleaks rules are the published patterns', () => {
    expect(rules.map((r) => r.source.replace(/\\b/g, ''))).toEqual([
      API_KEY_PATTERN.source.replace(/[\^$]/g, ''),
      CLIENT_SECRET_PATTERN.source.replace(/[\^$]/g, ''),
      ACCESS_TOKEN_PATTERN.source.replace(/[\^$]/g, ''),
    ]);
  });

  test('isDataApiSecret confirms a real key or secret and rejects a one-character change', () => {
    for (const value of [generateApiKey(CREDENTIAL_ID), generateClientSecret()]) {
      expect(isDataApiSecret(value)).toBe(true);
      const i = value.length - 10;
      const changed = value.slice(0, i) + (value[i] === 'a' ? 'b' : 'a') + value.slice(i + 1);
      expect(isDataApiSecret(changed)).toBe(false);
    }
    expect(isDataApiSecret(`dci_${CREDENTIAL_ID}`)).toBe(false);
    expect(isDataApiSecret(undefined)).toBe(false);
  });
});
