/**
 * A stack's `terraform output -json`, flattened for scripts: `<Construct>.<Name>` for every output
 * (`Credentials_TableName_AB12CD34` -> `Credentials.TableName`), and for each credential in a
 * store's `DeclaredCredentials` output (one output per store since 0.2.0) `<credential>.CredentialId`,
 * `<credential>.SecretArn` and, for OAuth 2.0 clients, `<credential>.ClientId`, the credential
 * being its construct path below the stack. Values that are not strings come as JSON.
 */
export type RawOutputs = Record<string, { value: unknown }>;

const DECLARATIONS_KIND = 'data-api-credential-declarations';

export function flatOutputs(raw: RawOutputs): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, { value }] of Object.entries(raw)) {
    flat[key.split('_').slice(0, 2).join('.')] = typeof value === 'string' ? value : JSON.stringify(value);
    const store = value as { kind?: unknown; credentials?: Record<string, Record<string, unknown>> } | null;
    if (typeof store !== 'object' || store === null || store.kind !== DECLARATIONS_KIND || store.credentials === undefined) continue;
    for (const [credential, entry] of Object.entries(store.credentials)) {
      flat[`${credential}.CredentialId`] = String(entry.credentialId);
      flat[`${credential}.SecretArn`] = String(entry.secretArn);
      if (typeof entry.clientId === 'string') flat[`${credential}.ClientId`] = entry.clientId;
    }
  }
  return flat;
}
