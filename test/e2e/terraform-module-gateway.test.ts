/**
 * The Terraform module, complete: its Data API gateway (`gateway`) and adoption (`adopt`), end to
 * end with the real `terraform` on the local AWS and real HTTP through the local API gateway. One
 * configuration holds the module (an OAuth 2.0 client, an API key, an introspecting client, an
 * adopted key whose secret was created in Secrets Manager before the apply, and the gateway in front
 * of the sample records backend) and, as JSON beside the HCL, the same store, credentials and
 * gateway through the constructs; so one applied state shows the module's gateway serving records
 * to each kind of credential, and the parity of the two routes' resources, attributes, policies and
 * invocation inputs. The steps build on each other and run in order.
 */
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SampleRecordsBackend } from '../../examples/sample-records-backend';
import { synthStack } from '../../examples/synth-stack';
import { SECRET_TAGS, validateCredentialInput } from '../../handlers/contract/credential';
import { AuthType, CredentialStore, DataApiCredential, DataApiGateway, DataApiScope } from '../../lib';
import { terraform } from '../../local/terraform';
import { lambdaLog, localAwsEnv } from '../support/local-aws';
import { credentialRecords, sha256 } from '../support/store';
import { STORE_PARITY_PAIRS } from '../support/module-parity';

jest.setTimeout(300_000);

const REPO = join(__dirname, '..', '..');
const MODULE = join(REPO, 'terraform');
const STORE = 'module-gw';
const TWIN = 'module-gw-cdktf';
const BACKEND = 'module-gw-sample-records';
const ADMIN = 'arn:aws:iam::123456789012:root';
const TAGS = { app: 'analytics', 'managed-by': 'data-api-credentials' };
const env = localAwsEnv();
const secrets = new SecretsManagerClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-module-gw-'));
const cwd = join(work, 'config');
/** Every secret value seen (keys, client secrets, tokens): none may appear in the state, a plan or anything printed. */
const seenSecrets = new Set<string>();
const artefacts: string[] = [];
/** The existing API keys, in secrets created before the apply (the module's, the twin's). */
const PREVIEW_KEYS: Record<string, string> = { [STORE]: 'preview-key-Module-0123456789abcdefXYZ', [TWIN]: 'preview-key-Twin-0123456789abcdefXYZab' };
const adoptedArns: Record<string, string> = {};
let backendResource = '';
let api = '';

const tf = async (args: string[], okCodes?: number[]) => {
  const result = await terraform([...args, '-no-color'], { cwd, env, okCodes });
  artefacts.push(result.stdout, result.stderr);
  return result;
};

/** main.tf: the module call a team writes, with its `gateway` and `credentials` arguments as given. */
function writeMain(gateway: string, credentials: string = CREDENTIALS_HCL()): void {
  writeFileSync(
    join(cwd, 'main.tf'),
    `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region = ${JSON.stringify(env.AWS_REGION)}
}

module "credentials" {
  source = ${JSON.stringify(MODULE)}

  name                        = "${STORE}"
  admins                      = ["${ADMIN}"]
  deletion_protection         = false
  secret_recovery_window_days = 0
  log_retention_days          = 7
  tags                        = ${JSON.stringify(TAGS).replace(/":/g, '" =').replace(/,"/g, ', "')}

${credentials}
${gateway}
}

output "credentials" {
  value = module.credentials.credentials
}

output "gateway_url" {
  value = module.credentials.gateway_url
}

output "gateway_api_id" {
  value = module.credentials.gateway_api_id
}

output "gateway_guardrail_policy" {
  value = module.credentials.gateway_guardrail_policy
}
`,
  );
}

const CREDENTIALS_HCL = () => `  credentials = {
    analytics_export = {
      name        = "Analytics-DataAPI-Credential"
      scopes      = ["all"]
      description = "Nightly export of every Data API entity to the warehouse"
    }
    usage_reporting = {
      name      = "Usage-Reporting"
      auth_type = "api_key"
      scopes    = ["conversations", "users"]
    }
    records_mirror = {
      name   = "Records-Mirror"
      scopes = ["users"]
    }
    preview_export = {
      name      = "Preview-Export"
      auth_type = "api_key"
      scopes    = ["conversations"]
      adopt     = { from_secret_arn = "${adoptedArns[STORE]}" }
    }
  }`;

const GATEWAY_HCL = () => `  gateway = {
    backend               = { function_arn = ${backendResource}.arn }
    introspection_clients = ["records_mirror"]
    log_retention_days    = 7
  }`;

/** The same store, credentials and gateway through the constructs, as JSON beside the HCL, with the sample backend both gateways use. */
function writeConstructsTwin(): void {
  const stackDir = synthStack(join(work, 'cdktf.out'), (app) => {
    const stack = new TerraformStack(app, 'parity');
    new AwsProvider(stack, 'aws', { region: env.AWS_REGION });
    const store = new CredentialStore(stack, 'Credentials', {
      name: TWIN,
      secretPrefix: `data-api/credentials/${TWIN}/`,
      admins: [ADMIN],
      deletionProtection: false,
      secretRecoveryWindowDays: 0,
      logRetentionDays: 7,
      tags: TAGS,
    });
    const secretName = (key: string) => `data-api/credentials/${TWIN}/${key}`;
    new DataApiCredential(stack, 'AnalyticsExport', {
      store,
      name: 'Analytics-DataAPI-Credential',
      scopes: DataApiScope.ALL,
      description: 'Nightly export of every Data API entity to the warehouse',
      secretName: secretName('analytics_export'),
    });
    new DataApiCredential(stack, 'UsageReporting', {
      store,
      name: 'Usage-Reporting',
      authType: AuthType.API_KEY,
      scopes: [DataApiScope.CONVERSATIONS, DataApiScope.USERS],
      secretName: secretName('usage_reporting'),
    });
    const mirror = new DataApiCredential(stack, 'RecordsMirror', { store, name: 'Records-Mirror', scopes: [DataApiScope.USERS], secretName: secretName('records_mirror') });
    new DataApiCredential(stack, 'PreviewExport', {
      store,
      name: 'Preview-Export',
      authType: AuthType.API_KEY,
      scopes: [DataApiScope.CONVERSATIONS],
      adopt: { fromSecretArn: adoptedArns[TWIN] },
    });
    const backend = new SampleRecordsBackend(stack, 'SampleBackend', { functionName: BACKEND });
    new DataApiGateway(stack, 'DataApi', { store, name: TWIN, backend: { functionArn: backend.functionArn }, introspectionClients: [mirror], logRetentionDays: 7 });
    return stack;
  });
  const synthesized = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  delete synthesized.terraform;
  delete synthesized.provider;
  // The twin's outputs would clash with nothing, but they are not what this test reads.
  delete synthesized.output;
  backendResource = `aws_lambda_function.${Object.keys(synthesized.resource.aws_lambda_function).find((id) => id.startsWith('SampleBackend_Function'))}`;
  writeFileSync(join(cwd, 'constructs-twin.tf.json'), JSON.stringify(synthesized, null, 2));
  cpSync(join(stackDir, 'assets'), join(cwd, 'assets'), { recursive: true });
}

interface CredentialOutput {
  credential_id: string;
  secret_arn: string;
  secret_name: string;
  client_id: string | null;
  adopted: boolean;
}

async function output<T>(name: string): Promise<T> {
  return JSON.parse((await terraform(['output', '-json', name], { cwd, env })).stdout) as T;
}

async function secretOf(arn: string): Promise<Record<string, string>> {
  const got = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  const json = JSON.parse(got.SecretString!) as Record<string, string>;
  for (const field of ['apiKey', 'clientSecret']) if (json[field]) seenSecrets.add(json[field]);
  return json;
}

interface Answer {
  status: number;
  json: any;
}

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${api}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, json };
}

const form = (params: Record<string, string>, id: string, secret: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
  body: new URLSearchParams(params).toString(),
});
const records = (entity: string, bearer: string, version = 'v1') => call(`/export/${version}/records/${entity}`, { headers: { authorization: `Bearer ${bearer}` } });

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === '.terraform') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

afterAll(async () => {
  if (existsSync(join(cwd, 'terraform.tfstate'))) {
    const state = JSON.parse(readFileSync(join(cwd, 'terraform.tfstate'), 'utf8')) as { resources: unknown[] };
    if (state.resources.length > 0) await tf(['destroy', '-auto-approve']).catch(() => undefined);
  }
  for (const arn of Object.values(adoptedArns)) await secrets.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true })).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('the Terraform module with the Data API gateway and an adopted key', () => {
  test('bad gateway and adopt input fails at plan, naming the variable, the value and what is allowed; nothing is created', async () => {
    mkdirSync(cwd, { recursive: true });
    adoptedArns[STORE] = `arn:aws:secretsmanager:${env.AWS_REGION}:123456789012:secret:data-api/credentials/${STORE}/preview-AbCdEf`;
    const failures = async (gateway: string, credentials?: string) => {
      writeMain(gateway, credentials);
      return (await tf(['plan'], [1])).stderr.replace(/\s+/g, ' ');
    };
    writeMain('');
    await tf(['init']);

    // Terraform checks a variable once the variables its checks read passed theirs: the gateway's
    // own values first, then (after the credentials) its introspection clients.
    const gateway = await failures(`  gateway = {
    backend                      = { function_arn = "arn:aws:lambda:${env.AWS_REGION}:123456789012:function:f", url = "https://records.internal" }
    name                         = "x"
    authorizer_cache_ttl_seconds = 3601
    token_reserved_concurrency   = 0
    issuer                       = "https://api.example.com/"
  }`);
    expect(gateway).toContain('Invalid gateway.backend: got both function_arn and url; allowed: { function_arn = "<Lambda function ARN>" } or { url = "https://..." }.');
    expect(gateway).toContain('Invalid gateway.name: got "x"; allowed: 3 to 56 letters, digits, "-" or "_" (the functions are named "<name>-token" and "<name>-records").');
    expect(gateway).toContain('Invalid gateway.authorizer_cache_ttl_seconds: got 3601; allowed: a whole number of seconds from 0 (no cache) to 3600.');
    expect(gateway).toContain('Invalid gateway.token_reserved_concurrency: got 0; allowed: a whole number from 1 to 10000, or -1 for no reservation');
    expect(gateway).toContain('Invalid gateway.issuer: got "https://api.example.com/"; allowed: an https URL without a trailing slash, query or fragment.');

    const clients = await failures(`  gateway = {
    backend               = { url = "https://records.internal" }
    introspection_clients = ["usage_reporting", "nobody", "records_mirror", "records_mirror"]
  }`);
    expect(clients).toContain(
      'Invalid gateway.introspection_clients: got ["usage_reporting (an API-key credential)","nobody (not a key of credentials)","records_mirror (listed twice)"]; ' +
        'allowed: keys of OAuth 2.0 credentials of this store (credentials), each once.',
    );

    const adoptWithReaders = await failures('', CREDENTIALS_HCL().replace('adopt     =', `readers   = ["${ADMIN}"]\n      adopt     =`));
    expect(adoptWithReaders).toContain('Invalid adopt (credentials["preview_export"]): got with readers; allowed: auth_type = "api_key", and no rotation, readers or secret_name');

    const adoptElsewhere = await failures('', CREDENTIALS_HCL().replace(`secret:data-api/credentials/${STORE}/preview`, 'secret:elsewhere/preview'));
    expect(adoptElsewhere).toContain(
      `Invalid adopt.from_secret_arn (credentials["preview_export"]): got "arn:aws:secretsmanager:${env.AWS_REGION}:123456789012:secret:elsewhere/preview-AbCdEf"; ` +
        `allowed: a Secrets Manager secret ARN whose name starts with the store's secret_prefix "data-api/credentials/${STORE}/" (the provider reads only those)`,
    );
    expect(existsSync(join(cwd, 'terraform.tfstate'))).toBe(false);
  });

  test('apply deploys the store, its credentials (one adopted) and the gateway beside the constructs\' twin', async () => {
    for (const store of [STORE, TWIN]) {
      const created = await secrets.send(new CreateSecretCommand({ Name: `data-api/credentials/${store}/preview`, SecretString: JSON.stringify({ apiKey: PREVIEW_KEYS[store] }) }));
      adoptedArns[store] = created.ARN!;
      seenSecrets.add(PREVIEW_KEYS[store]);
    }
    writeConstructsTwin();
    writeMain(GATEWAY_HCL());
    await tf(['apply', '-auto-approve']);

    const url = await output<string>('gateway_url');
    expect(url).toMatch(/^https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com$/);
    api = `${env.DATA_API_URL}/_api/${await output<string>('gateway_api_id')}`;
    const out = await output<Record<string, CredentialOutput>>('credentials');
    expect(out.preview_export).toMatchObject({ secret_arn: adoptedArns[STORE], secret_name: `data-api/credentials/${STORE}/preview`, client_id: null, adopted: true });
    expect(out.usage_reporting.adopted).toBe(false);
    // The adopted key's record: its declared name and scopes, bound to the secret it was read from; its hash is the store's HMAC, not SHA-256.
    const record = (await credentialRecords(STORE)).find((r) => r.credentialId === out.preview_export.credential_id);
    expect(record).toMatchObject({ name: 'Preview-Export', authType: 'api_key', status: 'active', scopes: ['conversations'], secretArn: adoptedArns[STORE] });
    expect(record).toMatchObject({ hashScheme: 'hmac-sha256', secretHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(record!.secretHash).not.toBe(sha256(PREVIEW_KEYS[STORE]));
    const guardrail = JSON.parse(await output<string>('gateway_guardrail_policy'));
    expect(guardrail.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      'OnlyTheDeployerInvokesOrChangesTheGatewayFunctions',
      'OnlyTheDeployerChangesTheGatewayRoles',
      'OnlyTheDeployerChangesTheGatewayLogs',
      'OnlyTheDeployerChangesTheApi',
    ]);
  });

  test('through the module\'s gateway: a token from an OAuth 2.0 credential\'s client credentials reads records; the API key and the adopted key do too, within their scopes', async () => {
    const out = await output<Record<string, CredentialOutput>>('credentials');
    const client = await secretOf(out.analytics_export.secret_arn);
    const issued = await call('/oauth/v1/token', form({ grant_type: 'client_credentials' }, client.clientId, client.clientSecret));
    expect([issued.status, issued.json.token_type, issued.json.scope]).toEqual([200, 'Bearer', 'conversations interactions plugin-calls plugin-resources users']);
    const token = issued.json.access_token as string;
    seenSecrets.add(token);
    const byToken = await records('plugin-calls', token, 'v1beta2');
    expect([byToken.status, byToken.json.entity, byToken.json.version, byToken.json.credentialId]).toEqual([200, 'plugin-calls', 'v1beta2', out.analytics_export.credential_id]);

    const key = (await secretOf(out.usage_reporting.secret_arn)).apiKey;
    const byKey = await records('users', key);
    expect([byKey.status, byKey.json.credentialId]).toEqual([200, out.usage_reporting.credential_id]);
    expect((await records('plugin-calls', key)).status).toBe(403);

    const byAdopted = await records('conversations', PREVIEW_KEYS[STORE]);
    expect([byAdopted.status, byAdopted.json.credentialId]).toEqual([200, out.preview_export.credential_id]);
    expect((await records('users', PREVIEW_KEYS[STORE])).status).toBe(403);
    // Each store's key is its own: the twin's adopted key means nothing to the module's gateway.
    expect((await records('conversations', PREVIEW_KEYS[TWIN])).status).toBe(401);
    expect((await records('conversations', `${token.slice(0, -1)}x`)).status).toBe(401);
  });

  test('introspection: only the declared introspection client may ask, and it learns what a value may read', async () => {
    const out = await output<Record<string, CredentialOutput>>('credentials');
    const mirror = await secretOf(out.records_mirror.secret_arn);
    const asMirror = await call('/oauth/v1/introspect', form({ token: PREVIEW_KEYS[STORE] }, mirror.clientId, mirror.clientSecret));
    expect(asMirror.status).toBe(200);
    expect(asMirror.json).toMatchObject({ active: true, scope: 'conversations', credential_id: out.preview_export.credential_id, auth_type: 'api_key' });
    const exporter = await secretOf(out.analytics_export.secret_arn);
    const refused = await call('/oauth/v1/introspect', form({ token: PREVIEW_KEYS[STORE] }, exporter.clientId, exporter.clientSecret));
    expect([refused.status, refused.json.error]).toEqual([403, 'unauthorized_client']);
  });

  test('parity: the module\'s gateway and adoption apply the resources, attributes, policies and inputs of the constructs\'', async () => {
    const state = JSON.parse((await terraform(['show', '-json'], { cwd, env })).stdout) as { values: { root_module: { resources: StateResource[]; child_modules: Array<{ address: string; resources: StateResource[] }> } } };
    const twin = state.values.root_module.resources.filter((r) => r.mode === 'managed' && !r.address.includes('SampleBackend'));
    const module = state.values.root_module.child_modules.find((m) => m.address === 'module.credentials')!.resources.filter((r) => r.mode === 'managed');
    const pairs: Array<readonly [string, string]> = [
      ...STORE_PARITY_PAIRS,
      ...(['AnalyticsExport:analytics_export', 'UsageReporting:usage_reporting', 'RecordsMirror:records_mirror'].flatMap((pair) => {
        const [id, key] = pair.split(':');
        return [
          [`terraform_data.${id}_Instance`, `terraform_data.instance.${key}`],
          [`aws_secretsmanager_secret.${id}_Secret`, `aws_secretsmanager_secret.credential.${key}`],
          [`aws_lambda_invocation.${id}_Provider`, `aws_lambda_invocation.credential.${key}`],
        ] as Array<[string, string]>;
      })),
      // The OAuth 2.0 clients, whose client ids outlive rotations.
      ['terraform_data.AnalyticsExport_Client', 'terraform_data.client.analytics_export'],
      ['terraform_data.RecordsMirror_Client', 'terraform_data.client.records_mirror'],
      // The adopted key: an instance and an invocation, no secret.
      ['terraform_data.PreviewExport_Instance', 'terraform_data.instance.preview_export'],
      ['aws_lambda_invocation.PreviewExport_Provider', 'aws_lambda_invocation.credential.preview_export'],
      // The gateway.
      ...(['TokenEndpoint:token', 'RecordsVerifier:records'].flatMap((pair) => {
        const [id, key] = pair.split(':');
        return [
          [`aws_cloudwatch_log_group.DataApi_${id}_LogGroup`, `aws_cloudwatch_log_group.gateway.${key}`],
          [`aws_iam_role.DataApi_${id}_Role`, `aws_iam_role.gateway.${key}`],
          [`aws_iam_role_policy.DataApi_${id}_Policy`, `aws_iam_role_policy.gateway.${key}`],
          [`aws_lambda_function.DataApi_${id}_Function`, `aws_lambda_function.gateway.${key}`],
        ] as Array<[string, string]>;
      })),
      ['aws_apigatewayv2_api.DataApi', 'aws_apigatewayv2_api.gateway'],
      ['aws_lambda_permission.DataApi_TokenInvoke', 'aws_lambda_permission.gateway.token'],
      ['aws_lambda_permission.DataApi_RecordsInvoke', 'aws_lambda_permission.gateway.records'],
      ['aws_apigatewayv2_integration.DataApi_TokenIntegration', 'aws_apigatewayv2_integration.gateway.token'],
      ['aws_apigatewayv2_integration.DataApi_RecordsIntegration', 'aws_apigatewayv2_integration.gateway.records'],
      ['aws_apigatewayv2_route.DataApi_TokenRoute', 'aws_apigatewayv2_route.oauth.token'],
      ['aws_apigatewayv2_route.DataApi_RevokeRoute', 'aws_apigatewayv2_route.oauth.revoke'],
      ['aws_apigatewayv2_route.DataApi_IntrospectRoute', 'aws_apigatewayv2_route.oauth.introspect'],
      ['aws_apigatewayv2_route.DataApi_ServerMetadataRoute', 'aws_apigatewayv2_route.oauth.server_metadata'],
      ['aws_apigatewayv2_route.DataApi_ResourceMetadataRoute', 'aws_apigatewayv2_route.oauth.resource_metadata'],
      ['aws_apigatewayv2_route.DataApi_RecordsRoute-v1', 'aws_apigatewayv2_route.records.v1'],
      ['aws_apigatewayv2_route.DataApi_RecordsRoute-v1beta2', 'aws_apigatewayv2_route.records.v1beta2'],
      ['aws_apigatewayv2_stage.DataApi_DefaultStage', 'aws_apigatewayv2_stage.gateway'],
    ];
    expect(twin.map(idOf).sort()).toEqual(pairs.map(([id]) => id).sort());
    expect(module.map(idOf).sort()).toEqual([...pairs.map(([, id]) => id), 'terraform_data.declarations'].sort());

    const normalise = comparableWith(state.values.root_module.resources.concat(module));
    const find = (resources: StateResource[], id: string) => resources.find((r) => idOf(r) === id);
    for (const [twinId, moduleId] of pairs) {
      const [a, b] = [find(twin, twinId), find(module, moduleId)];
      expect([twinId, a && normalise(a)]).toEqual([twinId, b && normalise(b)]);
    }

    // Not only equal, but right: the token function names the introspection client by its id, the
    // provider reads exactly the declared adopted secret, and the adopted input says so.
    const out = await output<Record<string, CredentialOutput>>('credentials');
    const tokenFn = find(module, 'aws_lambda_function.gateway.token')!;
    // By the credential id its client id names (the first of its rotations; here, its only one).
    expect(tokenFn.values.environment[0].variables.DATA_API_INTROSPECTION_CREDENTIAL_IDS).toBe(out.records_mirror.client_id!.slice('dci_'.length));
    expect(out.records_mirror.client_id).toBe(`dci_${out.records_mirror.credential_id}`);
    const providerPolicy = JSON.parse(find(module, 'aws_iam_role_policy.provider')!.values.policy);
    const adoptedStatement = providerPolicy.Statement.find((s: { Sid: string }) => s.Sid === 'ReadDeclaredAdoptedSecrets');
    expect([...[adoptedStatement.Resource].flat()].sort()).toEqual([adoptedArns[STORE], `${adoptedArns[STORE]}-??????`].sort());
    const input = validateCredentialInput(JSON.parse(find(module, 'aws_lambda_invocation.credential.preview_export')!.values.input));
    expect(input).toMatchObject({ secretArn: adoptedArns[STORE], adopt: true, authType: 'api_key', scopes: ['conversations'] });
    // The table and hash-key policies let the gateway's roles in, as the constructs' do.
    const roles = ['token', 'records'].map((kind) => find(module, `aws_iam_role.gateway.${kind}`)!.values.arn as string);
    const tablePolicy = JSON.stringify(JSON.parse(find(module, 'aws_dynamodb_resource_policy.table')!.values.policy));
    for (const role of roles) expect(tablePolicy).toContain(role);
    // Only the generated credentials' secrets carry a declaration tag; the adopted secret is untouched by Terraform.
    const adopted = await secrets.send(new DescribeSecretCommand({ SecretId: adoptedArns[STORE] }));
    expect((adopted.Tags ?? []).map((t) => t.Key)).not.toContain(SECRET_TAGS.DECLARATION);
  });

  test('destroy removes the gateway and revokes every credential; the adopted key\'s secret stays its owner\'s', async () => {
    await tf(['destroy', '-auto-approve']);
    const state = JSON.parse(readFileSync(join(cwd, 'terraform.tfstate'), 'utf8')) as { resources: unknown[] };
    expect(state.resources).toEqual([]);
    expect(await secretOf(adoptedArns[STORE])).toEqual({ apiKey: PREVIEW_KEYS[STORE] });
    expect(lambdaLog(`${STORE}-provider`).match(/"outcome":"revoked"/g)?.length).toBeGreaterThanOrEqual(4);
  });

  test('no secret value, API key or access token appears in the state, a plan, anything printed, the configuration or the functions\' logs', () => {
    // The two generated keys and client secrets read, the three clients, the two adopted keys, the token.
    expect(seenSecrets.size).toBeGreaterThanOrEqual(6);
    const logs = [`${STORE}-provider`, `${STORE}-token`, `${STORE}-records`].map(lambdaLog);
    expect(logs[2]).not.toBe('');
    const texts = [...artefacts, ...logs, ...filesUnder(cwd).map((file) => readFileSync(file).toString('latin1'))];
    expect([...seenSecrets].filter((secret) => texts.some((text) => text.includes(secret)))).toEqual([]);
  });
});

interface StateResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: string | number;
  values: Record<string, any>;
}

/** `type.name` without cdktf's hash suffix, with a for_each key (count indexes are left out). */
function idOf(resource: StateResource): string {
  const key = typeof resource.index === 'string' ? `.${resource.index}` : '';
  return `${resource.type}.${resource.name.replace(/_[0-9A-F]{8}$/, '')}${key}`;
}

/** What must agree between the two routes. */
const COMPARED: Record<string, string[]> = {
  aws_dynamodb_table: ['name', 'billing_mode', 'hash_key', 'attribute', 'ttl', 'point_in_time_recovery', 'server_side_encryption', 'deletion_protection_enabled', 'tags'],
  aws_dynamodb_resource_policy: ['policy', 'resource_arn'],
  aws_cloudwatch_log_group: ['name', 'retention_in_days', 'kms_key_id', 'tags'],
  aws_iam_role: ['name', 'assume_role_policy', 'tags'],
  aws_iam_role_policy: ['name', 'policy', 'role'],
  aws_lambda_function: ['function_name', 'description', 'runtime', 'handler', 'memory_size', 'timeout', 'environment', 'source_code_hash', 'code_sha256', 'role', 'kms_key_arn', 'reserved_concurrent_executions', 'tags'],
  aws_lambda_permission: ['statement_id', 'action', 'function_name', 'principal', 'source_arn'],
  terraform_data: ['triggers_replace'],
  aws_secretsmanager_secret: ['name', 'description', 'kms_key_id', 'recovery_window_in_days', 'policy', 'tags'],
  aws_secretsmanager_secret_policy: ['policy', 'secret_arn'],
  aws_lambda_invocation: ['function_name', 'lifecycle_scope', 'terraform_key', 'input', 'qualifier'],
  aws_apigatewayv2_api: ['name', 'protocol_type', 'description', 'route_selection_expression', 'api_key_selection_expression', 'tags'],
  aws_apigatewayv2_integration: ['api_id', 'integration_type', 'integration_uri', 'integration_method', 'payload_format_version', 'timeout_milliseconds', 'connection_type'],
  aws_apigatewayv2_route: ['api_id', 'route_key', 'target', 'authorization_type'],
  aws_apigatewayv2_stage: ['api_id', 'name', 'auto_deploy', 'default_route_settings', 'tags'],
};

/**
 * A resource's compared attributes with what differs by nature made equal: the twin's store name,
 * secrets' random suffixes, instance ids, declaration digests, credential ids, and the API and
 * integration ids (an integration id becomes the function it integrates).
 */
function comparableWith(all: StateResource[]): (resource: StateResource) => Record<string, unknown> {
  const ids: Array<[string, string]> = [];
  for (const r of all) {
    if (r.type === 'aws_apigatewayv2_api') ids.push([r.values.id, 'API-ID']);
    if (r.type === 'aws_apigatewayv2_integration') ids.push([r.values.id, `INTEGRATION-OF-${String(r.values.integration_uri).replace(/^.*:function:|\/invocations$/g, '')}`]);
  }
  return (resource) => {
    const picked = Object.fromEntries(COMPARED[resource.type].map((key) => [key, resource.values[key]]));
    let text = JSON.stringify(picked, (key, value) =>
      ['policy', 'assume_role_policy', 'input'].includes(key) && typeof value === 'string' && value !== '' ? JSON.parse(value) : value,
    );
    for (const [id, name] of ids) text = text.split(id).join(name);
    text = text
      .replace(new RegExp(TWIN, 'g'), STORE)
      .replace(/(:secret:[A-Za-z0-9/_+=.@-]+?)-[A-Za-z0-9]{6}(?=["*]|-\?{6})/g, '$1-RANDOM')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'INSTANCE-ID')
      .replace(new RegExp(`("${SECRET_TAGS.DECLARATION}":")[0-9a-f]{64}"`, 'g'), '$1DIGEST"')
      .replace(/\b[0-9a-f]{32}\b/g, 'CREDENTIAL-ID');
    return JSON.parse(text);
  };
}
