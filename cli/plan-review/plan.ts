/**
 * Reading a Terraform plan (`terraform show -json PLANFILE`): the resource changes, and what each
 * credential declares before and after the change. No judgement here (that is `classify.ts`).
 *
 * Each credential is found through its declaration (known at plan time, even when the invocation's
 * input is not): a `CredentialStore`'s `DeclaredCredentials` output (`{ kind: DECLARATIONS_KIND, credentials }`),
 * a 0.1 construct's own `Declaration` output, or the Terraform module's `terraform_data` that carries
 * its credentials' declarations (a plan holds no output of a child module); for stacks without any
 * of them, through the invocation's input.
 */
import { isProviderFunctionAddress, isProviderFunctionNameOutput } from '../../handlers/contract/construct-ids';
import { CredentialDeclaration, DECLARATION_KIND, DECLARATIONS_KIND, withOptionsExpanded } from '../../handlers/contract/declaration';
import { ValidationError } from '../../handlers/errors';

/** What a credential declares, as far as the plan knows it: its auth type and `EDITABLE_FIELDS`. */
export interface DeclaredCredential {
  readonly name: string;
  readonly authType: string;
  readonly scopes: string[];
  readonly [field: string]: unknown;
}

/** A credential invocation's input: its declaration, and the instance and secret it was bound to. */
export type InvocationInput = DeclaredCredential & { instanceId?: string; secretArn?: string };

export interface ResourceChange {
  address: string;
  /** Child modules' resources only, e.g. `module.credentials`. */
  module_address?: string;
  mode?: string;
  type: string;
  action_reason?: string;
  change: { actions: string[]; before?: any; after?: any; after_unknown?: any };
}

interface OutputChange {
  actions: string[];
  before?: unknown;
  after?: unknown;
}

/** What a credential declared before and after the change; either side is absent where no declaration says. */
export interface DeclaredSides {
  readonly before?: CredentialDeclaration;
  readonly after?: CredentialDeclaration;
}

export interface Plan {
  /** Every resource change, data sources included, in the plan's order. */
  readonly resourceChanges: readonly ResourceChange[];
  /** The managed resources' changes, by address. */
  readonly byAddress: ReadonlyMap<string, ResourceChange>;
  /** Every credential, keyed by its invocation's address; with empty sides when only its input names it. */
  readonly credentials: ReadonlyMap<string, DeclaredSides>;
  /** The module's `terraform_data` carriers of declarations: part of the credentials' changes, never "other infrastructure". */
  readonly carriers: ReadonlySet<string>;
  /** The names of the stores' provider functions: their outputs, the functions themselves, and what declared credentials invoke. */
  readonly providerFunctions: ReadonlySet<string>;
  /** Failed `check` assertions (the opt-in drift check), one message each. */
  readonly failedChecks: string[];
}

export const isObject = (value: unknown): value is Record<string, any> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function asDeclaration(value: unknown): CredentialDeclaration | undefined {
  if (!isObject(value) || value.kind !== DECLARATION_KIND || typeof value.invocation !== 'string') return undefined;
  // Since 0.3 a store's entries have one type (a Terraform map's): the optional declared fields in
  // `options`, only those declared, and `null` for an id or address that does not apply. Older
  // declarations have every field at the top level and leave out what is not declared; all read the same.
  const present = Object.entries(withOptionsExpanded(value)).filter(([, field]) => field !== null);
  const withRotation = present.filter(([name, field]) => name !== 'rotation' || (isObject(field) && typeof field.trigger === 'string'));
  const declaration = Object.fromEntries(withRotation) as CredentialDeclaration;
  // Before 0.3 the rotation's grace period was inside `rotation`; every declared field is at the top level since.
  const legacyGrace = declaration.rotation?.gracePeriodHours;
  return legacyGrace !== undefined && declaration.rotationGracePeriodHours === undefined
    ? { ...declaration, rotationGracePeriodHours: legacyGrace }
    : declaration;
}

/**
 * The declarations of a `{ kind: DECLARATIONS_KIND, credentials }` value: a store's `Credentials`
 * output, or the `terraform_data` input the Terraform module keeps them in, whose addresses
 * (relative to the module) are made absolute.
 */
function moduleDeclarations(input: Record<string, any>, moduleAddress: string | undefined): CredentialDeclaration[] {
  if (!isObject(input.credentials)) return [];
  const absolute = (address: string) => (moduleAddress ? `${moduleAddress}.${address}` : address);
  return Object.values(input.credentials).flatMap((value) => {
    // Every entry is a declaration by its container's kind; a store's entries leave theirs out since 0.3.
    const declaration = asDeclaration(isObject(value) ? { kind: DECLARATION_KIND, ...value } : value);
    if (declaration === undefined || typeof declaration.instance !== 'string') return [];
    return [
      {
        ...declaration,
        instance: absolute(declaration.instance),
        invocation: absolute(declaration.invocation),
        ...(typeof declaration.secret === 'string' ? { secret: absolute(declaration.secret) } : {}),
      },
    ];
  });
}

/** A credential invocation's input, if `text` is one. */
export function invocationInput(text: unknown): InvocationInput | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value = JSON.parse(text);
    if (isObject(value) && typeof value.name === 'string' && typeof value.authType === 'string' && Array.isArray(value.scopes)) {
      return value as InvocationInput;
    }
  } catch {
    // not a credential's input
  }
  return undefined;
}

/** Validates the parsed `terraform show -json` of a plan file. */
function asPlan(value: unknown): { resource_changes: ResourceChange[]; output_changes: Record<string, OutputChange>; checks: unknown[] } {
  if (!isObject(value) || (value.resource_changes !== undefined && !Array.isArray(value.resource_changes)) || value.format_version === undefined) {
    throw new ValidationError(
      'plan JSON',
      isObject(value) ? `an object with keys ${Object.keys(value).slice(0, 6).join(', ')}` : typeof value,
      'the output of `terraform show -json PLANFILE`',
    );
  }
  if (value.planned_values === undefined && value.resource_changes === undefined && isObject(value.values)) {
    throw new ValidationError('plan JSON', 'a state (`terraform show -json` without a plan file)', 'the output of `terraform show -json PLANFILE`');
  }
  return {
    resource_changes: (value.resource_changes ?? []) as ResourceChange[],
    output_changes: (isObject(value.output_changes) ? value.output_changes : {}) as Record<string, OutputChange>,
    checks: Array.isArray(value.checks) ? value.checks : [],
  };
}

/** The plan's resource changes and every credential's declarations; throws `ValidationError` on what is not a plan. */
export function readPlan(planJson: unknown): Plan {
  const plan = asPlan(planJson);
  const byAddress = new Map(plan.resource_changes.filter((rc) => rc.mode !== 'data').map((rc) => [rc.address, rc]));

  const credentials = new Map<string, DeclaredSides>();
  const declare = (side: 'before' | 'after', declaration: CredentialDeclaration) =>
    credentials.set(declaration.invocation, { ...credentials.get(declaration.invocation), [side]: declaration });
  for (const change of Object.values(plan.output_changes)) {
    for (const side of ['before', 'after'] as const) {
      const value = change[side];
      const declarations = isObject(value) && value.kind === DECLARATIONS_KIND ? moduleDeclarations(value, undefined) : [asDeclaration(value)];
      for (const declaration of declarations) if (declaration) declare(side, declaration);
    }
  }
  const carriers = new Set<string>();
  for (const rc of plan.resource_changes) {
    if (rc.type !== 'terraform_data' || rc.mode === 'data') continue;
    for (const side of ['before', 'after'] as const) {
      const input: unknown = rc.change[side]?.input;
      if (!isObject(input) || input.kind !== DECLARATIONS_KIND) continue;
      carriers.add(rc.address);
      for (const declaration of moduleDeclarations(input, rc.module_address)) declare(side, declaration);
    }
  }
  for (const rc of plan.resource_changes) {
    if (rc.type === 'aws_lambda_invocation' && rc.mode !== 'data' && !credentials.has(rc.address)) {
      if (invocationInput(rc.change.before?.input) || invocationInput(rc.change.after?.input)) credentials.set(rc.address, {});
    }
  }

  const providerFunctions = providerFunctionNames(plan);
  for (const address of credentials.keys()) {
    const change = byAddress.get(address)?.change;
    for (const value of [change?.before?.function_name, change?.after?.function_name]) if (typeof value === 'string') providerFunctions.add(value);
  }
  return {
    resourceChanges: plan.resource_changes,
    byAddress,
    credentials,
    carriers,
    providerFunctions,
    failedChecks: failedChecks(plan.checks),
  };
}

/**
 * The provider functions of the stores in the plan, by the construct ids the constructs give them:
 * the stores' outputs and the provider functions themselves.
 */
function providerFunctionNames(plan: ReturnType<typeof asPlan>): Set<string> {
  const names = new Set<string>();
  for (const [key, change] of Object.entries(plan.output_changes)) {
    if (!isProviderFunctionNameOutput(key)) continue;
    for (const value of [change.before, change.after]) if (typeof value === 'string') names.add(value);
  }
  for (const rc of plan.resource_changes) {
    if (rc.type !== 'aws_lambda_function' || !isProviderFunctionAddress(rc.address)) continue;
    for (const value of [rc.change.before?.function_name, rc.change.after?.function_name]) if (typeof value === 'string') names.add(value);
  }
  return names;
}

function failedChecks(checks: unknown[]): string[] {
  const messages: string[] = [];
  for (const check of checks) {
    if (!isObject(check) || check.status !== 'fail') continue;
    for (const instance of Array.isArray(check.instances) ? check.instances : []) {
      for (const problem of isObject(instance) && Array.isArray(instance.problems) ? instance.problems : []) {
        if (isObject(problem) && typeof problem.message === 'string') messages.push(problem.message);
      }
    }
  }
  return messages;
}
