/**
 * Holding against everyone who is not an admin, on a stack real `terraform` deployed to the local
 * AWS (a store with an admin, two credentials, one with a reader, and a gateway with a verification
 * cache):
 * - crafted direct invocations of the provider (what anyone whose IAM allows `lambda:InvokeFunction`
 *   on it can send) are refused before anything is written;
 * - every attack on the stack's IAM (a function used beyond its job, a reader or a developer with
 *   broad IAM permissions going for the secret, the table or the provider) is evaluated with the IAM
 *   engine against the policies Terraform applied (recorded by the local AWS) and denied, beside
 *   positive controls that must stay allowed;
 * - the token endpoint refuses oversized bodies and floods of parameters at once;
 * - the verification cache never outlives a revoked access token.
 * The steps build on each other and run in order.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { TerraformOutput } from 'cdktf';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthStack } from '../../examples/synth-stack';
import { ScopeName } from '../../handlers/contract/credential';
import { AuthType, DataApiCredential, DataApiGateway, DataApiScope } from '../../lib';
import { CredentialInstance } from '../../lib/credential-instance';
import { terraform } from '../../local/terraform';
import { currentPolicyState, evaluate, PolicyState, Request, readCallLog, roleSession } from '../support/iam-evaluation';
import { localAwsEnv } from '../support/local-aws';
import { credentialsStack } from '../support/stacks';
import { credentialRecords, StoredRecord } from '../support/store';
import { flatOutputs, type RawOutputs } from '../../examples/stack-outputs';

jest.setTimeout(240_000);

const STACK = 'e2e-hardening';
const STORE = `${STACK}-Credentials`;
const ACCOUNT = '123456789012';
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;
const READER = `arn:aws:iam::${ACCOUNT}:role/warehouse-loader`;
const DEVELOPER = `arn:aws:iam::${ACCOUNT}:role/developer`;
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${STORE}`;
const PROVIDER_ROLE = `arn:aws:iam::${ACCOUNT}:role/${STORE}-provider`;
const ALL: ScopeName[] = ['conversations', 'interactions', 'plugin-calls', 'plugin-resources', 'users'];

const env = localAwsEnv();
const lambda = new LambdaClient({});
const secrets = new SecretsManagerClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-hard-'));
const statePath = join(work, 'terraform.tfstate');
let cwd = '';
let destroyed = false;
let backend: http.Server;
let out: Record<string, string> = {};
let previewArn = '';
/** A key from before this library (the preview API), adopted by the stack. */
const PREVIEW_KEY = 'preview-0a1b2c3d4e5f60718293a4b5c6d7e8f9';

const tf = (args: string[]) => terraform([...args, '-no-color'], { cwd, env });

async function outputs(): Promise<Record<string, string>> {
  const raw = JSON.parse((await terraform(['output', '-json'], { cwd, env })).stdout) as RawOutputs;
  return flatOutputs(raw);
}

/** What a caller with `lambda:InvokeFunction` on the provider can do: any event, straight to the function. */
async function invokeProvider(event: unknown): Promise<{ error?: string; result?: unknown }> {
  const answer = await lambda.send(new InvokeCommand({ FunctionName: `${STORE}-provider`, Payload: Buffer.from(JSON.stringify(event)) }));
  const payload = JSON.parse(Buffer.from(answer.Payload ?? []).toString('utf8') || 'null');
  return answer.FunctionError !== undefined ? { error: String(payload?.errorMessage) } : { result: payload };
}

async function secretString(arn: string): Promise<string> {
  return (await secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? '';
}

async function records(): Promise<StoredRecord[]> {
  return credentialRecords(STORE);
}

function input(name: 'Victim' | 'Other', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    instanceId: out[`${name}.InstanceId`],
    name: name === 'Victim' ? 'Victim-Key' : 'Other-Client',
    authType: name === 'Victim' ? 'api_key' : 'oauth2',
    scopes: name === 'Victim' ? ['users'] : ['conversations'],
    secretArn: out[`${name}.SecretArn`],
    ...overrides,
  };
}

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, value: [] }));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  if (cwd && !destroyed) await tf(['destroy', '-auto-approve']).catch(() => undefined);
  await new Promise((resolve) => backend.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe('holding against everyone who is not an admin', () => {
  test('apply deploys a store with an admin, two credentials (one read by a consumer) and a gateway with a cache', async () => {
    const port = (backend.address() as AddressInfo).port;
    const preview = await secrets.send(
      new CreateSecretCommand({ Name: `data-api/credentials/${STACK}/preview-key`, SecretString: JSON.stringify({ apiKey: PREVIEW_KEY }) }),
    );
    previewArn = preview.ARN!;
    cwd = synthStack(join(work, 'cdktf.out'), (app) =>
      credentialsStack(
        app,
        STACK,
        statePath,
        (stack, store) => {
          const victim = new DataApiCredential(stack, 'Victim', {
            store,
            name: 'Victim-Key',
            authType: AuthType.API_KEY,
            scopes: [DataApiScope.USERS],
            readers: [READER],
          });
          const other = new DataApiCredential(stack, 'Other', { store, name: 'Other-Client', scopes: [DataApiScope.CONVERSATIONS] });
          // A declared adoption: the provider may read this one untagged secret, which makes it a target.
          new DataApiCredential(stack, 'Preview', {
            store,
            name: 'Preview-Key',
            authType: AuthType.API_KEY,
            scopes: [DataApiScope.USERS],
            adopt: { fromSecretArn: previewArn },
          });
          new DataApiGateway(stack, 'DataApi', { store, backend: { url: `http://127.0.0.1:${port}` }, authorizerCacheTtlSeconds: 300 });
          // The instance ids the crafted invocations use: in state and in the provider's log anyway.
          for (const [id, cred] of [['Victim', victim], ['Other', other]] as const) {
            new TerraformOutput(stack, `${id}_InstanceId`, { value: (cred.node.findChild('Instance') as CredentialInstance).id });
          }
        },
        { admins: [ADMIN] },
      ),
    );
    await tf(['init']);
    await tf(['apply', '-auto-approve']);
    out = await outputs();
    expect(out['Victim.InstanceId']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await records()).map((r) => r.status)).toEqual(['active', 'active', 'active']);
  });

  test("a crafted create with a made-up instance, another credential's secret and every scope writes nothing", async () => {
    const before = await secretString(out['Victim.SecretArn']);
    const crafted = await invokeProvider({
      ...input('Victim', { instanceId: 'deadbeef-0000-4000-8000-00000000000a', scopes: ALL }),
      tf: { action: 'create', prev_input: null },
    });
    expect(crafted.error).toMatch(/is not declared for this write: its declaration tag does not match .*nothing was written/);
    expect(await secretString(out['Victim.SecretArn'])).toBe(before);
    expect(await records()).toHaveLength(3);
  });

  test('a crafted create of an existing credential naming another secret does not move it', async () => {
    const before = await secretString(out['Victim.SecretArn']);
    const crafted = await invokeProvider({ ...input('Other', { secretArn: out['Victim.SecretArn'] }), tf: { action: 'create', prev_input: null } });
    expect(crafted.error).toMatch(/a create cannot move it/);
    expect(await secretString(out['Victim.SecretArn'])).toBe(before);
    expect((await records()).find((r) => r.name === 'Other-Client')!.secretArn).toBe(out['Other.SecretArn']);
  });

  test('a crafted update raising the scopes beyond the declared ones is refused', async () => {
    const crafted = await invokeProvider({ ...input('Victim', { scopes: ALL }), tf: { action: 'update', prev_input: input('Victim') } });
    expect(crafted.error).toMatch(/declaration tag does not match the invocation/);
    expect([...(await records()).find((r) => r.name === 'Victim-Key')!.scopes]).toEqual(['users']);
  });

  test.each([
    ['name', { name: 'Renamed-By-Hand' }],
    ['description', { description: 'not what was reviewed' }],
    ['rotation grace period', { rotationGracePeriodHours: 168 }],
    ['auth type change grace period', { authTypeChangeGracePeriodHours: 168 }],
  ])('a crafted update of the %s, with the instance and scopes as declared, is refused', async (_, change) => {
    const before = (await records()).find((r) => r.name === 'Victim-Key')!;
    const crafted = await invokeProvider({ ...input('Victim', change), tf: { action: 'update', prev_input: input('Victim') } });
    expect(crafted.error).toMatch(/declaration tag does not match the invocation.*nothing was written/);
    expect((await records()).find((r) => r.credentialId === before.credentialId)).toEqual(before);
  });

  test('a crafted read with an instance id (from the state or the log) is refused and tells nothing of the record', async () => {
    const crafted = await invokeProvider({ ...input('Victim', { name: 'guess', scopes: ALL }), action: 'read' });
    expect(crafted.error).toMatch(/not declared for this read: its declaration tag does not match.*nothing was read/);
    expect(crafted.error).not.toMatch(/Victim-Key|users|active|api_key/);
    // The declared read, as the drift check sends it, still answers.
    expect((await invokeProvider({ ...input('Victim'), action: 'read' })).result).toMatchObject({ inSync: true });
  });

  test.each([
    ["a live API key of another credential", async () => ({ apiKey: JSON.parse(await secretString(out['Victim.SecretArn'])).apiKey as string })],
    ["an OAuth 2.0 client's secret", async () => ({ apiKey: JSON.parse(await secretString(out['Other.SecretArn'])).clientSecret as string })],
  ])('%s planted in a declared adoption\'s secret is never adopted into a new five-scope credential', async (_, planted) => {
    const value = await planted();
    await secrets.send(new PutSecretValueCommand({ SecretId: previewArn, SecretString: JSON.stringify(value) }));
    try {
      const crafted = await invokeProvider({
        instanceId: 'deadbeef-0000-4000-8000-00000000000c',
        name: 'Minted',
        authType: 'api_key',
        scopes: ALL,
        secretArn: previewArn,
        adopt: true,
        tf: { action: 'create', prev_input: null },
      });
      expect(crafted.error).toMatch(/a key or client secret this library generated \(not shown\)/);
      expect(crafted.error).not.toContain(value.apiKey);
      expect(await records()).toHaveLength(3);
    } finally {
      await secrets.send(new PutSecretValueCommand({ SecretId: previewArn, SecretString: JSON.stringify({ apiKey: PREVIEW_KEY }) }));
    }
  });

  test("a crafted adoption of another credential's key into a new five-scope credential is refused", async () => {
    const crafted = await invokeProvider({
      ...input('Victim', { instanceId: 'deadbeef-0000-4000-8000-00000000000b', scopes: ALL, adopt: true }),
      tf: { action: 'create', prev_input: null },
    });
    expect(crafted.error).toMatch(/only keys created elsewhere can be adopted/);
    expect(await records()).toHaveLength(3);
  });

  test('the token endpoint refuses a 1.3 MB body and 40,000 parameters with 400, in well under a second of handler time', async () => {
    const api = `${env.DATA_API_URL}/_api/${out['DataApi.ApiId']}`;
    const post = async (body: string) => {
      const started = Date.now();
      const response = await fetch(`${api}/oauth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(20_000),
      });
      return { status: response.status, json: (await response.json()) as { error: string; error_description: string }, ms: Date.now() - started };
    };
    const huge = await post(`grant_type=client_credentials&pad=${'a'.repeat(1_300_000)}`);
    expect(huge.status).toBe(400);
    expect(huge.json.error_description).toMatch(/larger than 8192 bytes/);
    const flood = await post(Array.from({ length: 40_000 }, (_, i) => `p${i}=x`).join('&'));
    expect(flood.status).toBe(400);
    expect(flood.json.error).toBe('invalid_request');
  });

  test('with a verification cache, a revoked access token is refused at once', async () => {
    const api = `${env.DATA_API_URL}/_api/${out['DataApi.ApiId']}`;
    const client = JSON.parse(await secretString(out['Other.SecretArn'])) as { clientId: string; clientSecret: string };
    const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    const form = (params: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams(params).toString(),
    });
    const issued = (await (await fetch(`${api}/oauth/v1/token`, form({ grant_type: 'client_credentials' }))).json()) as { access_token: string };
    const read = () => fetch(`${api}/export/v1/records/conversations`, { headers: { authorization: `Bearer ${issued.access_token}` } });
    expect((await read()).status).toBe(200);
    expect((await read()).status).toBe(200); // cached
    expect((await fetch(`${api}/oauth/v1/revoke`, form({ token: issued.access_token }))).status).toBe(200);
    expect((await read()).status).toBe(401);
  });

  describe('IAM attacks, evaluated against the policies Terraform applied', () => {
    let state: PolicyState;
    let hashKeyArn = '';
    const attacks: Array<[string, () => Request]> = [];
    const controls: Array<[string, () => Request]> = [];
    const broad = (action: string) => [{ name: 'broad', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] } }];
    const asRole = (roleArn: string, session: string, request: Omit<Request, 'principal' | 'principalArn' | 'identityPolicies'>): Request => ({
      principal: roleSession(roleArn, session),
      principalArn: roleArn,
      identityPolicies: state.identityPolicies(roleArn),
      ...request,
    });
    const onTable = (action: string, leadingKey: string, attributes?: string[]) => ({
      action,
      resource: TABLE_ARN,
      context: { 'dynamodb:LeadingKeys': [leadingKey], ...(attributes ? { 'dynamodb:Attributes': attributes } : {}) },
      resourcePolicy: state.tablePolicies.get(TABLE_ARN),
    });
    const onSecret = (action: string, secretArn: string) => ({
      action,
      resource: secretArn,
      context: { 'secretsmanager:SecretId': secretArn, ...state.resourceContext(action, secretArn) },
      resourcePolicy: state.secretPolicies.get(secretArn),
    });
    const token = `arn:aws:iam::${ACCOUNT}:role/${STACK}-DataApi-token`;
    const verifier = `arn:aws:iam::${ACCOUNT}:role/${STACK}-DataApi-records`;
    const victim = () => out['Victim.SecretArn'];
    const guardrail = () => [{ name: 'ProviderGuardrailPolicy', policy: JSON.parse(out['Credentials.ProviderGuardrailPolicy']) }];
    const providerArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${STORE}-provider`;
    // The applying identity, as the table policy names it (the one principal it lets change the table).
    const deployerArn = (): string => {
      const statements = (state.tablePolicies.get(TABLE_ARN) as { Statement: Array<{ Sid: string; Condition: Record<string, Record<string, string>> }> }).Statement;
      return statements.find((st) => st.Sid === 'OnlyTheDeployerChangesTheTable')!.Condition.StringNotEquals['aws:PrincipalArn'];
    };
    const developer = (action: string, request: Omit<Request, 'principal' | 'principalArn' | 'identityPolicies' | 'action'>) => ({
      principal: roleSession(DEVELOPER, 'dev'),
      principalArn: DEVELOPER,
      identityPolicies: broad('*'),
      action,
      ...request,
    });

    attacks.push(
      ['the provider mints an access token (PutItem TOKEN#)', () => asRole(PROVIDER_ROLE, 'p', onTable('dynamodb:PutItem', 'TOKEN#<sha256>'))],
      ['the provider deletes a record (DeleteItem)', () => asRole(PROVIDER_ROLE, 'p', onTable('dynamodb:DeleteItem', 'CRED#x'))],
      ['the provider scans the table', () => asRole(PROVIDER_ROLE, 'p', { ...onTable('dynamodb:Scan', 'CRED#x'), context: {} })],
      ['the provider writes a secret outside its prefix', () => asRole(PROVIDER_ROLE, 'p', onSecret('secretsmanager:PutSecretValue', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`))],
      ['the provider writes a secret of another store under its prefix', () => asRole(PROVIDER_ROLE, 'p', { ...onSecret('secretsmanager:PutSecretValue', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:data-api/credentials/${STACK}/x-AbCdEf`), context: { 'aws:ResourceTag/data-api-credentials:store': 'another-store' } })],
      ['the provider changes a secret\'s tags', () => asRole(PROVIDER_ROLE, 'p', onSecret('secretsmanager:TagResource', victim()))],
      ['the records verifier raises a credential\'s scopes (UpdateItem scopes)', () => asRole(verifier, 'v', onTable('dynamodb:UpdateItem', 'CRED#x', ['pk', 'scopes']))],
      ['the records verifier mints an access token', () => asRole(verifier, 'v', onTable('dynamodb:PutItem', 'TOKEN#<sha256>'))],
      ['the token function rewrites a credential record', () => asRole(token, 't', onTable('dynamodb:PutItem', 'CRED#x'))],
      ['the token function reads a secret', () => asRole(token, 't', onSecret('secretsmanager:GetSecretValue', victim()))],
      ['a reader with secretsmanager:* swaps the value (PutSecretValue)', () => ({ ...asRole(READER, 'r', onSecret('secretsmanager:PutSecretValue', victim())), identityPolicies: broad('secretsmanager:*') })],
      ['a reader with secretsmanager:* moves AWSCURRENT (UpdateSecretVersionStage)', () => ({ ...asRole(READER, 'r', onSecret('secretsmanager:UpdateSecretVersionStage', victim())), identityPolicies: broad('secretsmanager:*') })],
      ['a reader with secretsmanager:* lifts the policy (DeleteResourcePolicy)', () => ({ ...asRole(READER, 'r', onSecret('secretsmanager:DeleteResourcePolicy', victim())), identityPolicies: broad('secretsmanager:*') })],
      ['a reader with secretsmanager:* rewrites the policy (PutResourcePolicy)', () => ({ ...asRole(READER, 'r', onSecret('secretsmanager:PutResourcePolicy', victim())), identityPolicies: broad('secretsmanager:*') })],
      ['a reader with secretsmanager:* rebinds the secret (TagResource)', () => ({ ...asRole(READER, 'r', onSecret('secretsmanager:TagResource', victim())), identityPolicies: broad('secretsmanager:*') })],
      ['a developer with *:* reads the value of a secret they are not a reader of', () => developer('secretsmanager:GetSecretValue', onSecret('secretsmanager:GetSecretValue', victim()))],
      ['a developer with *:* swaps a secret value', () => developer('secretsmanager:PutSecretValue', onSecret('secretsmanager:PutSecretValue', victim()))],
      ['a developer with *:* deletes a secret', () => developer('secretsmanager:DeleteSecret', onSecret('secretsmanager:DeleteSecret', victim()))],
      ['a developer with *:* reads a credential record (GetItem)', () => developer('dynamodb:GetItem', onTable('dynamodb:GetItem', 'CRED#x'))],
      ['a developer with *:* scans the table', () => developer('dynamodb:Scan', { ...onTable('dynamodb:Scan', 'CRED#x'), context: {} })],
      ['a developer with *:* exports the table', () => developer('dynamodb:ExportTableToPointInTime', { ...onTable('dynamodb:ExportTableToPointInTime', 'CRED#x'), context: {} })],
      ['a developer with *:* writes a record', () => developer('dynamodb:PutItem', onTable('dynamodb:PutItem', 'CRED#x'))],
      ['a developer with *:* reads the store\'s hash key (the HMAC key of adopted keys)', () => developer('secretsmanager:GetSecretValue', onSecret('secretsmanager:GetSecretValue', hashKeyArn))],
      ['the token function reads a credential\'s secret instead of the hash key', () => asRole(token, 't', onSecret('secretsmanager:GetSecretValue', out['Other.SecretArn']))],
      ['a developer with *:* invokes the provider, under the guardrail SCP', () => ({ ...developer('lambda:InvokeFunction', { resource: providerArn }), serviceControlPolicies: guardrail() })],
      ['a developer with *:* replaces the provider\'s code, under the guardrail SCP', () => ({ ...developer('lambda:UpdateFunctionCode', { resource: providerArn }), serviceControlPolicies: guardrail() })],
      ['a developer with *:* widens the provider role, under the guardrail SCP', () => ({ ...developer('iam:PutRolePolicy', { resource: PROVIDER_ROLE }), serviceControlPolicies: guardrail() })],
      ['an admin with secretsmanager:* rewrites a secret policy (only the deployer may)', () => ({ ...asRole(ADMIN, 'a', onSecret('secretsmanager:PutResourcePolicy', victim())), identityPolicies: broad('secretsmanager:*') })],
    );
    controls.push(
      ['the records verifier reads the store\'s hash key', () => asRole(verifier, 'v', onSecret('secretsmanager:GetSecretValue', hashKeyArn))],
      ['the reader reads its secret', () => ({ ...asRole(READER, 'r', onSecret('secretsmanager:GetSecretValue', victim())), identityPolicies: [] })],
      ['the deployer with secretsmanager:* updates the secret policy', () => ({ ...asRole(deployerArn(), 'd', onSecret('secretsmanager:PutResourcePolicy', victim())), identityPolicies: broad('secretsmanager:*') })],
      ['an admin with *:* scans the table (the list command)', () => ({ ...asRole(ADMIN, 'a', { ...onTable('dynamodb:Scan', 'CRED#x'), context: {} }), identityPolicies: broad('*') })],
      ['an admin invokes the provider under the guardrail SCP', () => ({ ...asRole(ADMIN, 'a', { action: 'lambda:InvokeFunction', resource: providerArn }), identityPolicies: broad('lambda:InvokeFunction'), serviceControlPolicies: guardrail() })],
      ['without the guardrail a developer with *:* can invoke the provider (why the SCP is needed)', () => developer('lambda:InvokeFunction', { resource: providerArn })],
    );

    beforeAll(async () => {
      state = currentPolicyState(readCallLog(env.LOCAL_AWS_CALL_LOG));
      hashKeyArn = (await secrets.send(new DescribeSecretCommand({ SecretId: `data-api/credentials/${STACK}/.hash-key/${STORE}` }))).ARN!;
    });

    test('the policies of this stack were recorded: the provider role, the table policy, the victim secret policy', () => {
      expect(state.identityPolicies(PROVIDER_ROLE)).toHaveLength(1);
      expect(state.tablePolicies.get(TABLE_ARN)).toBeDefined();
      expect(state.secretPolicies.get(out['Victim.SecretArn'])).toBeDefined();
      expect(state.secretPolicies.get(out['Other.SecretArn'])).toBeDefined();
    });

    test(`every attack is denied (${attacks.length})`, async () => {
      const allowed: string[] = [];
      for (const [name, request] of attacks) {
        const verdict = await evaluate(request());
        if (verdict.result !== 'ExplicitlyDenied' && verdict.result !== 'ImplicitlyDenied') allowed.push(`${name}: ${verdict.result} ${verdict.detail ?? ''}`);
      }
      expect(allowed).toEqual([]);
    });

    test(`every control is allowed (${controls.length}), so the denials are the policies' and not the engine's`, async () => {
      const refused: string[] = [];
      for (const [name, request] of controls) {
        const verdict = await evaluate(request());
        if (verdict.result !== 'Allowed') refused.push(`${name}: ${verdict.result} ${verdict.detail ?? ''}`);
      }
      expect(refused).toEqual([]);
    });
  });

  test('destroy removes everything', async () => {
    await tf(['destroy', '-auto-approve']);
    destroyed = true;
  });
});
