/**
 * What a Data API consumer writes: read the credential's secret, get an access token (OAuth 2.0
 * credentials) or use the API key as it is, and read records. Plain Node 20 (global fetch) and
 * the Secrets Manager client; nothing from this library is needed.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export type CredentialSecret =
  | { authType: 'api_key'; apiKey: string; credentialId: string }
  | { authType: 'oauth2'; clientId: string; clientSecret: string; credentialId: string };

export async function readCredentialSecret(secretArn: string): Promise<CredentialSecret> {
  const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
  return JSON.parse(SecretString!) as CredentialSecret;
}

/** The bearer value for the records routes: the API key, or a fresh access token (valid for an hour). */
export async function bearerFor(baseUrl: string, secret: CredentialSecret): Promise<string> {
  if (secret.authType === 'api_key') return secret.apiKey;
  const response = await fetch(`${baseUrl}/oauth/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${secret.clientId}:${secret.clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** `GET /export/<version>/records/<entity>`: the status, the WWW-Authenticate challenge, and the JSON body. */
export async function readRecords(baseUrl: string, bearer: string, entity: string, version = 'v1') {
  const response = await fetch(`${baseUrl}/export/${version}/records/${entity}`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as any };
}
