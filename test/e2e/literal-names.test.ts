/**
 * Names and descriptions are literals wherever they land: a name with `"`, `\`, `%{` and `${` (none
 * of which the contract refuses) reaches the provider's input, the secret's description, the
 * store's `DeclaredCredentials` output and the drift check as written. Before, the invocation's
 * `jsonencode` ended the string at the `"` and the secret's description read `%{` as a template
 * directive: `terraform apply` failed. Real `terraform` on the local AWS.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { App } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthType, DataApiCredential, DataApiScope } from '../../lib';
import { synthStack } from '../../examples/synth-stack';
import { flatOutputs, type RawOutputs } from '../../examples/stack-outputs';
import { terraform } from '../../local/terraform';
import { localAwsEnv } from '../support/local-aws';
import { credentialsStack } from '../support/stacks';

jest.setTimeout(240_000);

const STACK = 'e2e-literal-names';
const NAME = 'Partner "north" \\ 50%{off} ${var.x}';
const DESCRIPTION = 'Reads "users"; %{ if true }not a directive%{ endif } ${not.a.reference} \\n';
const env = localAwsEnv();
const dynamodb = new DynamoDBClient({});
const work = mkdtempSync(join(tmpdir(), 'dac-e2e-literal-'));
const statePath = join(work, 'terraform.tfstate');
let cwd = '';
let applied = false;

const tf = (args: string[], okCodes?: number[]) => terraform([...args, '-no-color'], { cwd, env, okCodes });

afterAll(async () => {
  if (cwd && applied) await tf(['destroy', '-auto-approve']).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

test('a name and a description with quotes, backslashes and template sequences are stored as declared', async () => {
  cwd = synthStack(join(work, 'cdktf.out'), (app: App) =>
    credentialsStack(
      app,
      STACK,
      statePath,
      (stack, store) => {
        new DataApiCredential(stack, 'Client', { store, name: NAME, description: DESCRIPTION, authType: AuthType.OAUTH2, scopes: [DataApiScope.USERS] });
      },
      { driftCheck: true },
    ),
  );
  await tf(['init']);
  applied = true;
  await tf(['apply', '-auto-approve']);

  const out = flatOutputs(JSON.parse((await tf(['output', '-json'])).stdout) as RawOutputs);
  const state = JSON.parse(readFileSync(statePath, 'utf8'));
  const attributes = (type: string) => state.resources.find((r: { type: string; mode: string }) => r.type === type && r.mode === 'managed').instances[0].attributes;
  const input = JSON.parse(attributes('aws_lambda_invocation').input);
  expect([input.name, input.description]).toEqual([NAME, DESCRIPTION]);
  expect(attributes('aws_secretsmanager_secret').description).toContain(`"${NAME}"`);
  const declared = Object.entries(state.outputs).find(([key]) => key.includes('DeclaredCredentials'))![1] as { value: { credentials: Record<string, { name: string; options: { description: string } }> } };
  expect([declared.value.credentials.Client.name, declared.value.credentials.Client.options.description]).toEqual([NAME, DESCRIPTION]);
  // The provider stored them as declared (its binding to the secret's tags compared the same text).
  const record = await dynamodb.send(new GetItemCommand({ TableName: out['Credentials.TableName'], Key: { pk: { S: `CRED#${out['Client.CredentialId']}` } } }));
  expect([record.Item?.name?.S, record.Item?.description?.S]).toEqual([NAME, DESCRIPTION]);

  // The drift check reads it in sync: no change but the check's own read.
  const plan = await tf(['plan', '-detailed-exitcode'], [0, 2]);
  expect(plan.stdout).toContain('drifted = {}');
  expect(plan.stdout + plan.stderr).not.toMatch(/Check block assertion failed|Warning:|Error:/);
  expect(plan.stdout).toMatch(/0 to add, 0 to change, 0 to destroy|No changes/);
});
