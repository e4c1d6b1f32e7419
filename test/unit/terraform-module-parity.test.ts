/**
 * Fast parity of the two routes, without the local AWS: the HCL example (examples/terraform, the
 * module) and its twin declared through the constructs, in one root, planned by the real
 * `terraform` with the real `hashicorp/aws` provider, compared resource by resource as the e2e
 * compares them after an apply (`test/support/module-parity.ts`: the same pairs, attributes and
 * normalisation).
 *
 * Why a plan and not `terraform test`: a test's assertions see a child module's outputs only
 * (`module.credentials` is an object of its 11 outputs), and `mock_provider "aws"` mocks the
 * `aws_iam_policy_document` data sources too (random `json`), so the policies could not be compared.
 *
 * Why two plans: from an empty state the policies, the invocation inputs and the secrets' tags are
 * unknown as a whole (they hold ARNs and instance ids that exist only after apply). The first plan
 * gives every resource's planned values; they are written into a state, with made-up ARNs and ids in
 * AWS's formats (so the e2e's normalisation applies), and planned again with `-refresh=false`: now
 * every compared attribute is known. Both routes go through the same steps, so an attribute one
 * route sets and the other leaves to AWS still differs (a value against null).
 *
 * The AWS provider's only calls while planning are STS GetCallerIdentity (its configuration and
 * `aws_caller_identity`), answered by a stub on 127.0.0.1 that every AWS endpoint points at; any
 * other call fails the test.
 */
import { isDeepStrictEqual } from 'node:util';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCredentialInput, SECRET_TAGS } from '../../handlers/contract/credential';
import { declarationDigest } from '../../handlers/lifecycle/secret-binding';
import { terraform } from '../../local/terraform';
import { PROVIDER_MIRROR_DIR, writeTerraformCliConfig } from '../../local/terraform-cli-config';
import {
  COMPARED,
  comparable,
  idOf,
  MODULE_ONLY,
  PARITY_PAIRS,
  UNKNOWN,
  unknownsMarked,
  writeConstructsTwin,
} from '../support/module-parity';

jest.setTimeout(240_000);

const REPO = join(__dirname, '..', '..');
const MODULE = join(REPO, 'terraform');
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
/** Who plans: a user, so `aws_iam_session_context` needs no IAM call. */
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:user/deployer`;
const TERRAFORM_TIMEOUT_MS = 120_000;
/** The {@link COMPARED} attributes of the 17 pairs. */
const COMPARED_ATTRIBUTES = 72;
/** Plans at most: from an empty state, then from the state the one before describes. */
const MAX_PASSES = 3;

const work = mkdtempSync(join(tmpdir(), 'dac-unit-parity-'));
const cwd = join(work, 'config');

interface PlannedResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  schema_version: number;
  values: Record<string, unknown>;
}
interface PlannedModule {
  address?: string;
  resources?: PlannedResource[];
  child_modules?: PlannedModule[];
}
interface ResourceChange {
  address: string;
  module_address?: string;
  mode: string;
  type: string;
  name: string;
  index?: string | number;
  change: { actions: string[]; after: Record<string, unknown> | null; after_unknown: Record<string, unknown> };
}
interface Plan {
  planned_values: { root_module: PlannedModule };
  resource_changes: ResourceChange[];
}

/** The STS stub: answers GetCallerIdentity, records every request, refuses the rest. */
interface Stub {
  url: string;
  calls: string[];
  server: Server;
}

async function startStub(): Promise<Stub> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1] ?? req.headers['x-amz-target'] ?? `${req.method} ${req.url}`;
      calls.push(String(action));
      if (action === 'GetCallerIdentity') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
            `<Arn>${DEPLOYER}</Arn><UserId>AIDAPARITYDEPLOYER</UserId><Account>${ACCOUNT}</Account>` +
            '</GetCallerIdentityResult><ResponseMetadata><RequestId>parity</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
        );
        return;
      }
      // Not retried by the SDK (a 4xx that is not throttling), so an unexpected call fails the plan at once.
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>UnexpectedCall</Code><Message>the parity stub answers GetCallerIdentity only, not ${action}</Message></Error></ErrorResponse>`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, server };
}

let stub: Stub | undefined;

afterAll(async () => {
  if (stub) {
    stub.server.closeAllConnections();
    await new Promise<void>((resolve) => stub!.server.close(() => resolve()));
  }
  rmSync(work, { recursive: true, force: true });
});

function environment(stubUrl: string): Record<string, string> {
  // Every AWS endpoint the shell may point elsewhere (the local AWS) goes to the stub.
  const endpoints = Object.keys(process.env).filter((name) => name.startsWith('AWS_ENDPOINT_URL_'));
  return {
    ...Object.fromEntries(endpoints.map((name) => [name, stubUrl])),
    AWS_ENDPOINT_URL: stubUrl,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'parity',
    AWS_SECRET_ACCESS_KEY: 'parity',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(work, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-aws-credentials'),
    TF_CLI_CONFIG_FILE: writeTerraformCliConfig(work),
  };
}

/** Fails at once, saying what to install, when the provider mirror lacks hashicorp/aws. */
function requireProviderMirror(): void {
  const aws = join(PROVIDER_MIRROR_DIR, 'registry.terraform.io', 'hashicorp', 'aws');
  if (!existsSync(aws)) {
    throw new Error(
      `the Terraform provider mirror ${aws} is missing: this test plans with the real hashicorp/aws 5.x offline. ` +
        `Install it with \`terraform providers mirror ${PROVIDER_MIRROR_DIR}\` run in a folder whose configuration ` +
        'requires hashicorp/aws "~> 5.0" (on a machine that reaches registry.terraform.io), then run the test again.',
    );
  }
}

async function planJson(env: Record<string, string>, extra: string[]): Promise<Plan> {
  const options = { cwd, env, timeoutMs: TERRAFORM_TIMEOUT_MS };
  await terraform(['plan', '-no-color', '-out=parity.tfplan', ...extra], options);
  return JSON.parse((await terraform(['show', '-json', 'parity.tfplan'], options)).stdout) as Plan;
}

function plannedResources(module: PlannedModule): PlannedResource[] {
  return [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(plannedResources)];
}

const hex = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * What an apply would have filled in: the ids and ARNs others refer to, in AWS's formats, and the
 * optional computed values that would otherwise keep the resource changing in the next plan.
 */
function madeUp(resource: PlannedResource): Record<string, unknown> {
  const v = resource.values;
  const region = `${REGION}:${ACCOUNT}`;
  switch (resource.type) {
    case 'terraform_data': {
      const h = hex(resource.address, 32);
      const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      // An OAuth 2.0 client's input (and so its output) is its first instance's id: any id of that format.
      return { id, input: id, output: id };
    }
    case 'aws_dynamodb_table':
      return { id: v.name, arn: `arn:aws:dynamodb:${region}:table/${v.name}` };
    case 'aws_iam_role':
      return { id: v.name, arn: `arn:aws:iam::${ACCOUNT}:role/${v.name}`, unique_id: `AROA${hex(resource.address, 17).toUpperCase()}`, managed_policy_arns: [] };
    case 'aws_cloudwatch_log_group':
      return { id: v.name, arn: `arn:aws:logs:${region}:log-group:${v.name}` };
    case 'aws_lambda_function': {
      const arn = `arn:aws:lambda:${region}:function:${v.function_name}`;
      return {
        id: v.function_name,
        arn,
        qualified_arn: `${arn}:$LATEST`,
        version: '$LATEST',
        invoke_arn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        architectures: ['x86_64'],
      };
    }
    case 'aws_secretsmanager_secret': {
      const suffix = Buffer.from(hex(resource.address, 8), 'hex').toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 6);
      const arn = `arn:aws:secretsmanager:${region}:secret:${v.name}-${suffix}`;
      return { id: arn, arn };
    }
    default:
      return { id: `${resource.address}-id` };
  }
}

/** The cty type of a JSON value as HCL builds it (objects and tuples), for a dynamically-typed attribute in a state. */
function ctyType(value: unknown): unknown {
  if (value === null) return 'dynamic';
  if (Array.isArray(value)) return ['tuple', value.map(ctyType)];
  if (typeof value === 'object') return ['object', Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, ctyType(v)]))];
  return typeof value;
}

/** terraform_data's arguments are dynamically typed: a state holds them with their type. */
const DYNAMIC: Readonly<Record<string, readonly string[]>> = { terraform_data: ['input', 'output', 'triggers_replace'] };

function stateAttributes(resource: PlannedResource, computed: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...resource.values, ...computed };
  for (const name of DYNAMIC[resource.type] ?? []) {
    const value = attributes[name];
    attributes[name] = value === undefined || value === null ? null : { value, type: ctyType(value) };
  }
  return attributes;
}

/** A state holding every managed resource of a plan as an apply would have left it, with made-up ids and ARNs. */
function stateFrom(plan: Plan, terraformVersion: string): string {
  const unknownOf = new Map(plan.resource_changes.map((rc) => [rc.address, rc.change.after_unknown]));
  const groups = new Map<string, { module?: string; mode: string; type: string; name: string; provider: string; instances: unknown[] }>();
  for (const resource of plannedResources(plan.planned_values.root_module).filter((r) => r.mode === 'managed')) {
    const module = /^(module\.[^.]+(?:\[[^\]]+\])?)\./.exec(resource.address)?.[1];
    const key = `${module ?? ''}/${resource.type}.${resource.name}`;
    const unknown = unknownOf.get(resource.address) ?? {};
    const computed = Object.fromEntries(Object.entries(madeUp(resource)).filter(([attribute]) => unknown[attribute] === true));
    if (!groups.has(key)) {
      groups.set(key, { ...(module ? { module } : {}), mode: 'managed', type: resource.type, name: resource.name, provider: `provider["${resource.provider_name}"]`, instances: [] });
    }
    groups.get(key)!.instances.push({
      ...(resource.index !== undefined ? { index_key: resource.index } : {}),
      schema_version: resource.schema_version,
      attributes: stateAttributes(resource, computed),
      sensitive_attributes: [],
    });
  }
  return JSON.stringify({ version: 4, terraform_version: terraformVersion, serial: 1, lineage: '00000000-0000-4000-8000-000000000000', outputs: {}, resources: [...groups.values()] });
}

interface Planned {
  id: string;
  type: string;
  values: Record<string, unknown>;
}

/** The managed resources of a plan, split by route, with what is unknown marked. */
function byRoute(plan: Plan): { twin: Planned[]; module: Planned[] } {
  const managed = plan.resource_changes.filter((rc) => rc.mode === 'managed');
  const planned = (rc: ResourceChange): Planned => ({
    id: idOf(rc),
    type: rc.type,
    values: unknownsMarked(rc.change.after ?? {}, rc.change.after_unknown) as Record<string, unknown>,
  });
  return {
    twin: managed.filter((rc) => !rc.module_address).map(planned),
    module: managed.filter((rc) => rc.module_address === 'module.credentials').map(planned),
  };
}

/** Where two values differ, as `path: twin ≠ module` lines. */
function differences(a: unknown, b: unknown, path: string): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return [`${path}: constructs ${JSON.stringify(a)} ≠ module ${JSON.stringify(b)}`];
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((item) => item === null || typeof item !== 'object')) {
    // Lists of names (a policy's actions, principals): what one route has and the other lacks.
    const [onlyA, onlyB] = [a.filter((item) => !b.includes(item)), b.filter((item) => !a.includes(item))];
    if (onlyA.length === 0 && onlyB.length === 0) return [`${path}: constructs ${JSON.stringify(a)} ≠ module ${JSON.stringify(b)} (order)`];
    return [`${path}: only the constructs have ${JSON.stringify(onlyA)}, only the module ${JSON.stringify(onlyB)}`];
  }
  const keys = Array.isArray(a)
    ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => i)
    : [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
  return keys.flatMap((key) =>
    differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`),
  );
}

/** Leaves of a value, counted, and those still unknown. */
function leaves(value: unknown, path: string, into: { count: number; unknown: string[] }): void {
  if (value === UNKNOWN) into.unknown.push(path);
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) leaves(inner, `${path}.${key}`, into);
  } else into.count++;
}

/** The compared attributes (of both routes) a plan knows only after apply: the test compares them, so none may be. */
function unknownCompared(plan: Plan): string[] {
  const { twin, module } = byRoute(plan);
  const found = { count: 0, unknown: [] as string[] };
  for (const resource of [...twin, ...module]) {
    if (COMPARED[resource.type]) leaves(comparable(resource), resource.id, found);
  }
  return found.unknown;
}

describe('the Terraform module and the constructs, planned side by side without the local AWS', () => {
  let first: Plan;
  let last: Plan;

  beforeAll(async () => {
    requireProviderMirror();
    const { terraform_version: version } = JSON.parse((await terraform(['version', '-json'], { cwd: REPO, timeoutMs: 30_000 })).stdout) as { terraform_version: string };
    stub = await startStub();
    const env = environment(stub.url);
    mkdirSync(cwd, { recursive: true });
    const example = readFileSync(join(REPO, 'examples', 'terraform', 'main.tf'), 'utf8');
    if (!example.includes('source = "../../terraform"')) throw new Error('examples/terraform/main.tf no longer calls the module as source = "../../terraform"');
    writeFileSync(join(cwd, 'main.tf'), example.replace('source = "../../terraform"', `source = ${JSON.stringify(MODULE)}`));
    writeConstructsTwin(join(work, 'cdktf.out'), cwd, REGION);
    await terraform(['init', '-no-color', '-input=false'], { cwd, env, timeoutMs: TERRAFORM_TIMEOUT_MS });

    first = await planJson(env, []);
    // Each plan from the state the one before describes knows more; one is enough today.
    last = first;
    for (let pass = 2; unknownCompared(last).length > 0; pass++) {
      if (pass > MAX_PASSES) throw new Error(`after ${MAX_PASSES} plans these compared attributes are still unknown: ${unknownCompared(last).join(', ')}`);
      writeFileSync(join(cwd, 'terraform.tfstate'), stateFrom(last, version));
      last = await planJson(env, ['-refresh=false']);
    }
  });

  test('the AWS provider called nothing but STS GetCallerIdentity', () => {
    expect(stub!.calls.length).toBeGreaterThan(0);
    expect([...new Set(stub!.calls)]).toEqual(['GetCallerIdentity']);
  });

  test('from an empty state, each route plans to create the same resources', () => {
    const { twin, module } = byRoute(first);
    expect(first.resource_changes.filter((rc) => rc.mode === 'managed').every((rc) => rc.change.actions.join() === 'create')).toBe(true);
    expect(twin.map((r) => r.id).sort()).toEqual(PARITY_PAIRS.map(([id]) => id).sort());
    expect(module.map((r) => r.id).sort()).toEqual([...PARITY_PAIRS.map(([, id]) => id), ...MODULE_ONLY].sort());
  });

  test('every pair agrees on every compared attribute, policies, invocation inputs and secret tags included', () => {
    const { twin, module } = byRoute(last);
    const find = (resources: Planned[], id: string) => {
      const found = resources.find((r) => r.id === id);
      if (!found) throw new Error(`${id} is not in the plan`);
      return found;
    };
    const mismatches: string[] = [];
    const known = { count: 0, unknown: [] as string[] };
    for (const [twinId, moduleId] of PARITY_PAIRS) {
      const [a, b] = [comparable(find(twin, twinId)), comparable(find(module, moduleId))];
      mismatches.push(...differences(a, b, `${twinId} ↔ ${moduleId}`));
      leaves(b, moduleId, known);
    }
    expect(mismatches).toEqual([]);
    // The second plan knows everything compared: policies, inputs and tags are compared, not skipped.
    expect(known.unknown).toEqual([]);
    expect(PARITY_PAIRS.reduce((sum, [, id]) => sum + COMPARED[find(module, id).type].length, 0)).toBe(COMPARED_ATTRIBUTES);
    expect(known.count).toBeGreaterThan(250);
  });

  test('each secret is tagged with the digest of its invocation\'s input, on both routes', () => {
    const { twin, module } = byRoute(last);
    for (const resources of [twin, module]) {
      const secretsByArn = new Map(resources.filter((r) => r.type === 'aws_secretsmanager_secret').map((r) => [r.values.arn as string, r.values.tags as Record<string, string>]));
      const invocations = resources.filter((r) => r.type === 'aws_lambda_invocation');
      expect(invocations).toHaveLength(2);
      for (const invocation of invocations) {
        const input = validateCredentialInput(JSON.parse(invocation.values.input as string));
        const tags = secretsByArn.get(input.secretArn)!;
        expect(tags[SECRET_TAGS.DECLARATION]).toBe(declarationDigest(tags[SECRET_TAGS.STORE], input));
      }
    }
  });
});
