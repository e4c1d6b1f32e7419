/**
 * The token function's (token, revocation, introspection) and the records verifier's real entry
 * points against the local AWS (moto over HTTP): one table for the file, credentials written
 * through the provider's own table module, and an HTTP records backend on 127.0.0.1.
 */
import { DeleteTableCommand, DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScopeName } from '../../handlers/contract/credential';
import { clientIdFor, generateApiKey, generateClientSecret, hashSecret } from '../../handlers/secret-format';
import { CredentialRecord } from '../../handlers/lifecycle/credential-record';
import { DynamoDbCredentialTable } from '../../handlers/store/dynamodb-credential-table';
import { DynamoDbTokenTable } from '../../handlers/store/dynamodb-token-table';
import { resetVerifierConfig } from '../../handlers/verifier/config';
import { HttpApiEvent, HttpResponse } from '../../handlers/verifier/http';
import { CredentialStore, DataApiGateway } from '../../lib';
import { evaluate, roleSession } from '../support/iam-evaluation';
import { localAwsEnv } from '../support/local-aws';
import { resource, synth } from '../support/synth';
import { synthesizedPolicy } from '../support/synthesized-policy';
import { createCredentialTable } from '../support/tables';

localAwsEnv(); // fails with a clear message when the local AWS is not running
jest.setTimeout(30_000);

const dynamodb = new DynamoDBClient({});
const tableName = `dac-it-gw-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const credentials = new DynamoDbCredentialTable(dynamodb, tableName);
const tokenTable = new DynamoDbTokenTable(dynamodb, tableName);
const savedEnv = { ...process.env };
const backendRequests: http.IncomingHttpHeaders[] = [];
let backend: http.Server;
let tokenHandler: (event: HttpApiEvent) => Promise<HttpResponse>;
let recordsHandler: (event: HttpApiEvent) => Promise<HttpResponse>;
let logs: string[] = [];
const secretsSeen: string[] = [];
/** The one credential whose client may introspect (the gateway's introspectionClients). */
const introspectorId = id();

/**
 * Every DynamoDB call the two functions make in this file, by function: moto does not enforce IAM,
 * so the last test evaluates each with the IAM engine against the role policy the construct synthesizes.
 */
interface GatewayCall {
  readonly fn: 'TokenEndpoint' | 'RecordsVerifier';
  readonly action: string;
  readonly pk: string;
  readonly attributes: string[];
}
const gatewayCalls: GatewayCall[] = [];
let calling: GatewayCall['fn'] | undefined;
const realSend = DynamoDBClient.prototype.send;

function recordGatewayCalls(): void {
  DynamoDBClient.prototype.send = function send(this: DynamoDBClient, command: any, ...rest: any[]) {
    if (this !== dynamodb && calling !== undefined) {
      const input = command.input ?? {};
      gatewayCalls.push({
        fn: calling,
        action: `dynamodb:${command.constructor.name.replace(/Command$/, '')}`,
        pk: (input.Key ?? input.Item)?.pk?.S ?? '',
        attributes: [...new Set(['pk', ...Object.values((input.ExpressionAttributeNames ?? {}) as Record<string, string>)])],
      });
    }
    return (realSend as any).call(this, command, ...rest);
  } as typeof realSend;
}

function asFunction(fn: GatewayCall['fn'], handler: (event: HttpApiEvent) => Promise<HttpResponse>) {
  return async (event: HttpApiEvent): Promise<HttpResponse> => {
    calling = fn;
    try {
      return await handler(event);
    } finally {
      calling = undefined;
    }
  };
}

const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/store';

/**
 * A function's synthesized role policy (IAM JSON text, `jsonencode()`), read back as Terraform
 * renders it, with the table's reference resolved, for the IAM engine.
 */
function renderPolicy(policy: { Version: string; Statement: Array<Record<string, any>> }): Record<string, unknown> {
  return JSON.parse(JSON.stringify(policy).replace(/\$\{aws_dynamodb_table\.\w+\.arn\}/g, TABLE_ARN));
}

/** The IAM engine's verdict on one recorded call under a function's synthesized role policy. */
async function engineAllows(policy: { Version: string; Statement: Array<Record<string, any>> }, call: GatewayCall): Promise<boolean> {
  const role = `arn:aws:iam::123456789012:role/store-${call.fn}`;
  const verdict = await evaluate({
    principal: roleSession(role, call.fn),
    principalArn: role,
    action: call.action,
    resource: TABLE_ARN,
    context: { 'dynamodb:LeadingKeys': [call.pk], ...(call.action === 'dynamodb:GetItem' ? {} : { 'dynamodb:Attributes': call.attributes }) },
    identityPolicies: [{ name: call.fn, policy: renderPolicy(policy) }],
  });
  return verdict.result === 'Allowed';
}

beforeAll(async () => {
  await createCredentialTable(dynamodb, tableName);
  backend = http.createServer((req, res) => {
    backendRequests.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, value: [{ id: 1 }] }));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  process.env.CREDENTIALS_TABLE_NAME = tableName;
  process.env.DATA_API_BACKEND_URL = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/backend`;
  process.env.DATA_API_INTROSPECTION_CREDENTIAL_IDS = introspectorId;
  resetVerifierConfig();
  // The handlers read their configuration on first use, once per process, as on Lambda.
  tokenHandler = asFunction('TokenEndpoint', (await import('../../handlers/verifier/token-handler')).handler);
  recordsHandler = asFunction('RecordsVerifier', (await import('../../handlers/verifier/records-handler')).handler);
  recordGatewayCalls();
});

afterAll(async () => {
  DynamoDBClient.prototype.send = realSend;
  process.env = savedEnv;
  resetVerifierConfig();
  await new Promise((resolve) => backend.close(resolve));
  await dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
});

beforeEach(() => {
  logs = [];
  const keep = (...args: unknown[]) => void logs.push(args.map(String).join(' '));
  jest.spyOn(console, 'log').mockImplementation(keep);
  jest.spyOn(console, 'error').mockImplementation(keep);
});

afterEach(() => {
  jest.restoreAllMocks();
  // Whatever a test did, no secret it handled reached a log line.
  for (const secret of secretsSeen) expect(logs.join('\n')).not.toContain(secret);
});

function id(): string {
  return randomBytes(16).toString('hex');
}

async function putCredential(fields: Pick<CredentialRecord, 'authType' | 'secretHash' | 'scopes'> & Partial<CredentialRecord>): Promise<CredentialRecord> {
  const credentialId = fields.credentialId ?? id();
  const record: CredentialRecord = {
    credentialId,
    instanceId: `instance-${credentialId.slice(0, 8)}`,
    name: `it ${credentialId.slice(0, 6)}`,
    secretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:it/${credentialId}-AbCdEf`,
    status: 'active',
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    version: 1,
    ...fields,
  };
  await credentials.write(record, { kind: 'absent' });
  return record;
}

async function oauthClient(scopes: ScopeName[], credentialId = id()) {
  const clientSecret = generateClientSecret();
  secretsSeen.push(clientSecret);
  const clientId = clientIdFor(credentialId);
  await putCredential({ credentialId, authType: 'oauth2', clientId, secretHash: hashSecret(clientSecret), scopes });
  return { credentialId, clientId, clientSecret };
}

function tokenEvent(form: Record<string, string>, routeKey = 'POST /oauth/v1/token'): HttpApiEvent {
  return {
    version: '2.0',
    routeKey,
    rawPath: routeKey.split(' ')[1],
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams(form).toString()).toString('base64'),
    isBase64Encoded: true,
  };
}

function recordsEvent(entity: string, bearer?: string, version = 'v1'): HttpApiEvent {
  return {
    version: '2.0',
    routeKey: `GET /export/${version}/records/{entity}`,
    rawPath: `/export/${version}/records/${entity}`,
    rawQueryString: '$top=2',
    headers: { accept: 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    pathParameters: { entity },
  };
}

async function issue(client: { clientId: string; clientSecret: string }): Promise<string> {
  const response = await tokenHandler(tokenEvent({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }));
  expect(response.statusCode).toBe(200);
  const token = JSON.parse(response.body).access_token as string;
  secretsSeen.push(token);
  return token;
}

describe('token endpoint and records verifier against the local AWS', () => {
  test('an issued token is stored only as its hash, with expiresAt (TTL) and the scopes, and reads records through the backend', async () => {
    const client = await oauthClient(['conversations', 'users']);
    const token = await issue(client);

    const scan = await dynamodb.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
    const tokenItem = (scan.Items ?? []).find((item) => item.pk.S === `TOKEN#${hashSecret(token)}`);
    expect(tokenItem).toMatchObject({ credentialId: { S: client.credentialId }, scopes: { SS: expect.arrayContaining(['conversations', 'users']) } });
    expect(Number(tokenItem!.expiresAt.N) - Math.floor(Date.now() / 1000)).toBeGreaterThan(3590);
    expect(JSON.stringify(scan.Items)).not.toContain(token);
    expect(JSON.stringify(scan.Items)).not.toContain(client.clientSecret);

    const response = await recordsHandler(recordsEvent('conversations', token));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ path: '/backend/export/v1/records/conversations?$top=2', value: [{ id: 1 }] });
    const seen = backendRequests.at(-1)!;
    expect(seen).toMatchObject({ 'x-data-api-credential-id': client.credentialId, 'x-data-api-scopes': 'conversations users', 'x-data-api-auth-type': 'oauth2' });
    expect(seen.authorization).toBeUndefined();
  });

  test('lastUsedAt is stamped once a minute without touching version, and survives the provider\'s next conditional write', async () => {
    const apiKey = generateApiKey(id());
    secretsSeen.push(apiKey);
    const credentialId = apiKey.slice(4, 36);
    await putCredential({ credentialId, authType: 'api_key', secretHash: hashSecret(apiKey), scopes: ['users'] });

    expect((await recordsHandler(recordsEvent('users', apiKey, 'v1beta2'))).statusCode).toBe(200);
    const stamped = (await credentials.read(credentialId))!;
    expect(stamped.lastUsedAt).toEqual(expect.any(String));
    expect(stamped.version).toBe(1);
    expect((await recordsHandler(recordsEvent('users', apiKey))).statusCode).toBe(200);
    expect((await credentials.read(credentialId))!.lastUsedAt).toBe(stamped.lastUsedAt);

    // The store's own condition: a second stamp inside the minute is refused, a later one written.
    const at = new Date(stamped.lastUsedAt!).getTime();
    expect(await tokenTable.recordLastUsed(credentialId, new Date(at + 30_000).toISOString(), new Date(at - 29_999).toISOString())).toBe(false);
    expect(await tokenTable.recordLastUsed(credentialId, new Date(at + 60_000).toISOString(), new Date(at + 1).toISOString())).toBe(true);

    // The provider writes the record it read, conditional on its version: the stamp stays.
    const read = (await credentials.read(credentialId))!;
    await credentials.write({ ...read, name: 'renamed', version: read.version + 1 }, { kind: 'version', version: read.version, instanceId: read.instanceId });
    expect(await credentials.read(credentialId)).toMatchObject({ name: 'renamed', version: 2, lastUsedAt: new Date(at + 60_000).toISOString() });
  });

  test('401 for a missing header, an expired token and the tokens of a revoked credential; 403 outside the scopes', async () => {
    const client = await oauthClient(['conversations']);
    const token = await issue(client);
    const expired = await issue(client);

    const missing = await recordsHandler(recordsEvent('conversations'));
    expect([missing.statusCode, missing.headers['www-authenticate']]).toEqual([401, 'Bearer realm="data-api"']);
    const outside = await recordsHandler(recordsEvent('users', token));
    expect([outside.statusCode, JSON.parse(outside.body).scope]).toEqual([403, 'users']);

    await dynamodb.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: `TOKEN#${hashSecret(expired)}` } },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': { N: String(Math.floor(Date.now() / 1000) - 1) } },
      }),
    );
    expect((await recordsHandler(recordsEvent('conversations', expired))).statusCode).toBe(401);
    expect((await recordsHandler(recordsEvent('conversations', token))).statusCode).toBe(200);

    const record = (await credentials.read(client.credentialId))!;
    await credentials.write(
      { ...record, status: 'revoked', revokedAt: new Date().toISOString(), version: record.version + 1 },
      { kind: 'version', version: record.version, instanceId: record.instanceId },
    );
    const revoked = await recordsHandler(recordsEvent('conversations', token));
    expect(revoked.statusCode).toBe(401);
    expect(revoked.headers['www-authenticate']).toContain('error="invalid_token"');
    const again = await tokenHandler(tokenEvent({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }));
    expect([again.statusCode, JSON.parse(again.body).error]).toEqual([401, 'invalid_client']);
  });

  test('revocation deletes a token\'s item only for its owner (a DynamoDB condition); introspection and the records API then refuse it', async () => {
    const owner = await oauthClient(['users']);
    const other = await oauthClient(['users']);
    const introspector = await oauthClient(['conversations'], introspectorId);
    const token = await issue(owner);
    const auth = (c: { clientId: string; clientSecret: string }) => ({ client_id: c.clientId, client_secret: c.clientSecret });
    const introspect = async () => JSON.parse((await tokenHandler(tokenEvent({ token, ...auth(introspector) }, 'POST /oauth/v1/introspect'))).body);

    expect(await tokenTable.delete(hashSecret(token), other.credentialId)).toBe(false);
    const refused = await tokenHandler(tokenEvent({ token, ...auth(other) }, 'POST /oauth/v1/revoke'));
    expect([refused.statusCode, JSON.parse(refused.body).error]).toEqual([400, 'unauthorized_client']);
    expect(await introspect()).toMatchObject({ active: true, client_id: owner.clientId, scope: 'users', token_type: 'Bearer' });
    const notAllowed = await tokenHandler(tokenEvent({ token, ...auth(owner) }, 'POST /oauth/v1/introspect'));
    expect(notAllowed.statusCode).toBe(403);

    const revoked = await tokenHandler(tokenEvent({ token, ...auth(owner) }, 'POST /oauth/v1/revoke'));
    expect([revoked.statusCode, revoked.body]).toEqual([200, '']);
    expect(await tokenTable.read(hashSecret(token))).toBeUndefined();
    expect(await introspect()).toEqual({ active: false });
    expect((await recordsHandler(recordsEvent('users', token))).statusCode).toBe(401);
    // A value in no format of ours may be an adopted key: both functions look its hash up.
    const legacy = await tokenHandler(tokenEvent({ token: 'legacy-key-0123456789abcdef', ...auth(introspector) }, 'POST /oauth/v1/introspect'));
    expect(JSON.parse(legacy.body)).toEqual({ active: false });
    expect((await recordsHandler(recordsEvent('users', 'legacy-key-0123456789abcdef'))).statusCode).toBe(401);
    const lines = logs.map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.route === 'revoke').map((l) => l.outcome)).toEqual(['unauthorized_client', 'revoked']);
    expect(lines.filter((l) => l.route === 'introspect').map((l) => l.outcome)).toEqual(['active', 'unauthorized_client', 'inactive', 'inactive']);
  });

  test('every request is logged as one JSON line of identifiers and outcome', async () => {
    const client = await oauthClient(['users']);
    await issue(client);
    const lines = logs.map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ level: 'info', route: 'token', status: 200, outcome: 'issued', credentialId: client.credentialId });
  });

  test('every DynamoDB call the two functions made above is allowed by their synthesized role policies, per the IAM engine (moto does not check IAM)', async () => {
    const s = synth((scope) => {
      const store = new CredentialStore(scope, 'Credentials');
      new DataApiGateway(scope, 'DataApi', { store, backend: { url: 'https://records.internal.example' } });
    });
    const policyOf = (fn: GatewayCall['fn']) => synthesizedPolicy(s, resource(s, 'aws_iam_role_policy', `DataApi_${fn}_Policy`).policy);
    const kinds = [...new Set(gatewayCalls.map((c) => `${c.fn} ${c.action} ${c.pk.replace(/#.*/, '#')}`))].sort();
    expect(kinds).toEqual([
      'RecordsVerifier dynamodb:GetItem CRED#',
      'RecordsVerifier dynamodb:GetItem KEYHASH#',
      'RecordsVerifier dynamodb:GetItem TOKEN#',
      'RecordsVerifier dynamodb:UpdateItem CRED#',
      'TokenEndpoint dynamodb:DeleteItem TOKEN#',
      'TokenEndpoint dynamodb:GetItem CRED#',
      'TokenEndpoint dynamodb:GetItem KEYHASH#',
      'TokenEndpoint dynamodb:GetItem TOKEN#',
      'TokenEndpoint dynamodb:PutItem TOKEN#',
    ]);
    const refused: GatewayCall[] = [];
    for (const call of gatewayCalls) if (!(await engineAllows(policyOf(call.fn), call))) refused.push(call);
    expect(refused).toEqual([]);
    // And the engine does refuse what the policies leave out: the verifier rewriting a record's scopes.
    expect(await engineAllows(policyOf('RecordsVerifier'), { fn: 'RecordsVerifier', action: 'dynamodb:UpdateItem', pk: 'CRED#x', attributes: ['pk', 'scopes'] })).toBe(false);
  });
});
