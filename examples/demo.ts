/**
 * `npm run demo`: the example stack's whole life through the real `terraform` on the local AWS,
 * in numbered steps. Everything it starts it stops; its files live in a temporary folder.
 */
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import Table from 'cli-table3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDrift } from '../cli/drift';
import { runList } from '../cli/list';
import { runReview } from '../cli/review';
import { AuthType, DataApiScope } from '../lib';
import { CONFLICTING_VARIABLES, LocalAws, startLocalAws } from '../local';
import { ensureLambdaNode } from '../scripts/lambda-node';
import { synthStack } from './synth-stack';
import { terraform } from '../local/terraform';
import { AnalyticsCredentialsStack, AnalyticsCredentialsStackProps } from './analytics-credentials-stack';
import { bearerFor, readCredentialSecret, readRecords } from './data-api-consumer';
import { flatOutputs, type RawOutputs } from './stack-outputs';

const STACK = 'analytics-credentials';
const STEPS = 12;
let step = 0;
const started = Date.now();

function heading(text: string): void {
  step += 1;
  console.log(`\n[${step}/${STEPS}] ${text}`);
}
const say = (text = '') => console.log(text ? `      ${text}` : '');
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

interface Context {
  readonly env: Record<string, string>;
  readonly outdir: string;
  readonly statePath: string;
  cwd: string;
}

function synth(ctx: Context, props: AnalyticsCredentialsStackProps = {}): void {
  ctx.cwd = synthStack(ctx.outdir, (app) => new AnalyticsCredentialsStack(app, STACK, { statePath: ctx.statePath, withGateway: true, ...props }));
}

async function run(ctx: Context, args: string[]): Promise<string> {
  const since = Date.now();
  say(`$ terraform ${args.join(' ')}`);
  const { stdout } = await terraform([...args, '-no-color'], { cwd: ctx.cwd, env: ctx.env });
  const summary = [...stdout.split('\n')].reverse().find((line) => /^(Apply complete|Destroy complete|Plan:|No changes)/.test(line));
  say(`${summary ?? 'done'} (${seconds(since)})`);
  return stdout;
}

async function outputs(ctx: Context): Promise<Record<string, string>> {
  const { stdout } = await terraform(['output', '-json'], { cwd: ctx.cwd, env: ctx.env });
  const raw = JSON.parse(stdout) as RawOutputs;
  return flatOutputs(raw);
}

interface Row {
  credentialId: string;
  name: string;
  authType: string;
  scopes: string[];
  status: string;
}

async function storeRows(ctx: Context): Promise<Row[]> {
  const table = (await outputs(ctx))['Credentials.TableName'];
  const { Items = [] } = await new DynamoDBClient({}).send(new ScanCommand({ TableName: table }));
  // The table also holds the gateway's access-token items (`TOKEN#...`): only credential records are listed.
  return Items.filter((item) => item.pk?.S?.startsWith('CRED#')).map((item) => ({
    credentialId: item.credentialId?.S ?? '',
    name: item.name?.S ?? '',
    authType: item.authType?.S ?? '',
    scopes: item.scopes?.SS ?? [],
    status: item.status?.S ?? '',
  })).sort((a, b) => a.name.localeCompare(b.name) || a.status.localeCompare(b.status));
}

async function printCredentials(ctx: Context): Promise<void> {
  const out = await outputs(ctx);
  const arnOf = (name: string) =>
    name === 'Analytics-DataAPI-Credential' ? out['AnalyticsExport.SecretArn'] : out['UsageReporting.SecretArn'] ?? '';
  const table = new Table({ head: ['Name', 'Auth type', 'Scopes', 'Status', 'Secret ARN'], style: { head: [], border: [] } });
  for (const row of await storeRows(ctx)) {
    const scopes = DataApiScope.ALL.filter((s) => row.scopes.includes(s));
    table.push([row.name, row.authType, `${scopes.join(', ')} (${scopes.length}/5)`, row.status, arnOf(row.name)]);
  }
  console.log(table.toString().replace(/^/gm, '      '));
}

/** The resources a saved plan changes, one line each, with the scope changes of credentials. */
async function printPlan(ctx: Context): Promise<void> {
  await run(ctx, ['plan', '-out=step.tfplan']);
  const { stdout } = await terraform(['show', '-json', 'step.tfplan'], { cwd: ctx.cwd, env: ctx.env });
  const plan = JSON.parse(stdout) as {
    resource_changes: Array<{ address: string; change: { actions: string[]; before: any; after: any } }>;
  };
  const label: Record<string, string> = {
    update: '~ update in place',
    'create,delete': '+/- replace (create before destroy)',
    'delete,create': '-/+ replace',
    create: '+ create',
    delete: '- destroy',
  };
  for (const { address, change } of plan.resource_changes) {
    const kind = label[change.actions.join()];
    if (!kind) continue;
    say(`${kind.padEnd(36)} ${address}`);
    if (address.startsWith('aws_lambda_invocation.') && change.before?.input && change.after?.input) {
      const before = JSON.parse(change.before.input) as { scopes: string[]; authType: string };
      const after = JSON.parse(change.after.input) as { scopes: string[]; authType: string };
      const added = after.scopes.filter((s) => !before.scopes.includes(s));
      const removed = before.scopes.filter((s) => !after.scopes.includes(s));
      if (added.length || removed.length) say(`${''.padEnd(38)}scopes: ${[...added.map((s) => `+${s}`), ...removed.map((s) => `-${s}`)].join(' ')}`);
      if (before.authType !== after.authType) say(`${''.padEnd(38)}authType: ${before.authType} -> ${after.authType}`);
    }
  }
}

/** Prints what a command printed, indented like the rest of the demo. */
function indented(text: string): void {
  console.log(text.trimEnd().replace(/^/gm, '      '));
}

/** `data-api-credentials review` of the saved plan: the pull-request comment. */
async function printReview(ctx: Context): Promise<void> {
  const { stdout } = await terraform(['show', '-json', 'step.tfplan'], { cwd: ctx.cwd, env: ctx.env });
  const planFile = join(ctx.cwd, 'step.plan.json');
  writeFileSync(planFile, stdout);
  say('$ terraform show -json step.tfplan > step.plan.json');
  say('$ npx data-api-credentials review step.plan.json --fail-on delete');
  const chunks: string[] = [];
  const code = await runReview(planFile, { failOn: 'delete' }, (text) => chunks.push(text), (line) => chunks.push(`${line}\n`));
  indented(chunks.join(''));
  say(`(exit ${code}: no credential is deleted, so the policy gate passes)`);
}

/** `data-api-credentials drift`, in process; returns its exit code. */
async function drift(ctx: Context, repair: boolean): Promise<number> {
  say(`$ npx data-api-credentials drift --dir ${ctx.cwd.replace(/.*\/(cdktf\.out)/, '$1')}${repair ? ' --repair' : ''}`);
  const since = Date.now();
  const chunks: string[] = [];
  const code = await runDrift({ dir: ctx.cwd, repair }, (text) => chunks.push(text));
  indented(chunks.join(''));
  say(`(exit ${code}, ${seconds(since)})`);
  return code;
}

function hidden(value: string): string {
  return `${value.slice(0, 4)}… (${value.length} characters, hidden)`;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'data-api-credentials-demo-'));
  let local: LocalAws | undefined;
  try {
    heading('Start the local AWS: moto_server and the local Lambda runner, on 127.0.0.1');
    ensureLambdaNode((line) => say(line));
    local = await startLocalAws({ dataDir: join(work, 'local-aws') });
    for (const name of CONFLICTING_VARIABLES) delete process.env[name];
    Object.assign(process.env, local.env);
    say(`AWS_ENDPOINT_URL=${local.env.AWS_ENDPOINT_URL}  AWS_ENDPOINT_URL_LAMBDA=${local.env.AWS_ENDPOINT_URL_LAMBDA}`);
    const ctx: Context = { env: local.env, outdir: join(work, 'cdktf.out'), statePath: join(work, 'terraform.tfstate'), cwd: '' };

    heading('Synthesize examples/analytics-credentials-stack.ts and apply it');
    say('An OAuth 2.0 credential with all scopes, and an API key with two scopes.');
    synth(ctx);
    await run(ctx, ['init']);
    await run(ctx, ['apply', '-auto-approve']);

    heading('The credentials, as the store lists them (never a secret)');
    await printCredentials(ctx);

    heading('The secrets are in Secrets Manager, and nowhere in the Terraform state');
    const out = await outputs(ctx);
    const state = readFileSync(ctx.statePath, 'utf8');
    for (const construct of ['AnalyticsExport', 'UsageReporting']) {
      const arn = out[`${construct}.SecretArn`];
      const value = JSON.parse((await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!);
      const secret: string = value.clientSecret ?? value.apiKey;
      const field = value.clientSecret ? 'clientSecret' : 'apiKey';
      say(`${arn}`);
      say(`  ${JSON.stringify({ ...value, [field]: hidden(secret) })}`);
      const hits = state.split(secret).length - 1;
      say(`  terraform.tfstate (${state.length} bytes) contains the ${field} ${hits} times ${hits === 0 ? '✓' : '✗'}`);
      if (hits !== 0) throw new Error(`the ${field} of ${construct} is in the state`);
    }

    heading('A consumer reads its secret, gets a token and calls the Data API (the local gateway, DATA_API_URL)');
    const api = local.env.DATA_API_URL;
    const token = await bearerFor(api, await readCredentialSecret(out['AnalyticsExport.SecretArn']));
    say(`POST ${api}/oauth/v1/token  (client credentials, HTTP Basic) -> access token ${hidden(token)}`);
    const expect = (what: string, status: number, want: number) => {
      if (status !== want) throw new Error(`${what}: expected ${want}, got ${status}`);
    };
    for (const version of ['v1', 'v1beta2']) {
      const answer = await readRecords(api, token, 'conversations', version);
      say(`GET /export/${version}/records/conversations with the token -> ${answer.status} (${answer.body.value?.length ?? 0} records) ✓`);
      expect(`GET /export/${version}/records/conversations`, answer.status, 200);
    }
    const reportingKey = await bearerFor(api, await readCredentialSecret(out['UsageReporting.SecretArn']));
    const refused = await readRecords(api, reportingKey, 'plugin-calls');
    say(`GET /export/v1/records/plugin-calls with Usage-Reporting's API key -> ${refused.status}`);
    say(`  WWW-Authenticate: ${refused.challenge}`);
    expect('plugin-calls outside the scopes', refused.status, 403);

    heading('Add the "interactions" scope to Usage-Reporting: an in-place update');
    const scopes = [DataApiScope.CONVERSATIONS, DataApiScope.USERS, DataApiScope.INTERACTIONS];
    synth(ctx, { reportingScopes: scopes });
    await printPlan(ctx);
    await run(ctx, ['apply', 'step.tfplan']);
    await printCredentials(ctx);

    heading('Switch Usage-Reporting from API key to OAuth 2.0: a replacement, never an update');
    synth(ctx, { reportingScopes: scopes, reportingAuthType: AuthType.OAUTH2 });
    await printPlan(ctx);

    heading('Review that plan as a pull-request comment');
    await printReview(ctx);
    await run(ctx, ['apply', 'step.tfplan']);
    const after = await outputs(ctx);
    say(`Same secret, new value: ${after['UsageReporting.SecretArn'] === out['UsageReporting.SecretArn'] ? 'the secret ARN is unchanged ✓' : 'the secret ARN changed ✗'}`);
    say(`Old credential ${out['UsageReporting.CredentialId']} is revoked; new credential ${after['UsageReporting.CredentialId']} is active:`);
    await printCredentials(ctx);

    heading('The replaced API key is refused with 401, as any deleted credential is');
    const gone = await readRecords(api, reportingKey, 'conversations');
    say(`GET /export/v1/records/conversations with the old API key -> ${gone.status}`);
    say(`  WWW-Authenticate: ${gone.challenge}`);
    expect('the replaced API key', gone.status, 401);
    const still = await readRecords(api, token, 'conversations');
    say(`The same request with Analytics-DataAPI-Credential's token -> ${still.status} ✓`);
    expect('the other credential', still.status, 200);

    heading('A second plan: nothing drifted, nothing to do');
    await run(ctx, ['plan', '-detailed-exitcode']);

    heading('Drift: someone removes a scope by hand; drift finds it, --repair puts it back');
    const exportId = after['AnalyticsExport.CredentialId'];
    say(`$ aws dynamodb update-item ... DELETE scopes "plugin-calls"   (credential ${exportId})`);
    await new DynamoDBClient({}).send(
      new UpdateItemCommand({
        TableName: after['Credentials.TableName'],
        Key: { pk: { S: `CRED#${exportId}` } },
        UpdateExpression: 'DELETE scopes :gone',
        ExpressionAttributeValues: { ':gone': { SS: ['plugin-calls'] } },
      }),
    );
    if ((await drift(ctx, false)) !== 2) throw new Error('drift did not report the removed scope');
    if ((await drift(ctx, true)) !== 0) throw new Error('drift --repair did not restore the scope');
    say('$ npx data-api-credentials list');
    const listed: string[] = [];
    await runList({ dir: ctx.cwd }, (text) => listed.push(text));
    indented(listed.join(''));

    heading('Destroy: the credentials are revoked first, then the store goes');
    await run(ctx, ['destroy', '-auto-approve']);
  } finally {
    await local?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`\nDone in ${seconds(started)}. The local AWS is stopped and the demo's files are removed.`);
}

main().catch((error: Error) => {
  console.error(`\nThe demo failed: ${error.message}`);
  process.exit(1);
});
