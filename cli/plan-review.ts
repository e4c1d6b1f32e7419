/**
 * A Terraform plan (`terraform show -json PLANFILE`) as a reviewer of Data API credentials sees
 * it: which credentials are created, updated, replaced or deleted, and why, with store and other
 * infrastructure summarised apart. Pure: no I/O.
 *
 * Each credential is found through its declaration (known at plan time, even when the invocation's
 * input is not): a `CredentialStore`'s `DeclaredCredentials` output (`{ kind: DECLARATIONS_KIND, credentials }`),
 * a 0.1 construct's own `Declaration` output, or the Terraform module's `terraform_data` that carries
 * its credentials' declarations (a plan holds no output of a child module); for stacks without any
 * of them, through the invocation's input.
 */
import { SCOPE_NAMES } from '../handlers/contract/credential';
import { isProviderFunctionAddress, isProviderFunctionNameOutput } from '../handlers/contract/construct-ids';
import { CredentialDeclaration, DECLARATION_KIND, DECLARATIONS_KIND } from '../handlers/contract/declaration';
import { canonicalScopes, scopeDifference } from '../handlers/lifecycle/credential-drift';
import { ValidationError } from '../handlers/errors';

export const CHANGE_KINDS = ['create', 'update', 'replace', 'delete'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** What a credential declares, as far as the plan knows it. */
export interface DeclaredCredential {
  readonly name: string;
  readonly authType: string;
  readonly scopes: string[];
  readonly description?: string;
}

export interface CredentialChange {
  readonly kind: ChangeKind;
  /** The name after the change (before it, for a delete). */
  readonly name: string;
  /** Address of the credential's invocation: its identity in the plan. */
  readonly address: string;
  readonly authType: string;
  readonly scopes: string[];
  readonly renamedFrom?: string;
  readonly scopesAdded: string[];
  readonly scopesRemoved: string[];
  readonly authTypeFrom?: string;
  readonly descriptionChanged: boolean;
  /** Replacements: why, in words. */
  readonly reasons: string[];
  /** What the credential's consumers must do, in words. */
  readonly consumerImpact: string;
  /** Replacements: hours the old value keeps working after the apply (0: refused at once). */
  readonly gracePeriodHours?: number;
}

export interface OtherChange {
  readonly address: string;
  readonly kind: ChangeKind;
}

export interface PlanReview {
  readonly summary: Record<ChangeKind, number> & { readonly other: number };
  readonly credentials: CredentialChange[];
  readonly other: OtherChange[];
  /** Failed `check` assertions (the opt-in drift check), one message each. */
  readonly warnings: string[];
}

interface ResourceChange {
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

const isObject = (value: unknown): value is Record<string, any> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function kindOf(actions: readonly string[]): ChangeKind | undefined {
  switch ([...actions].sort().join()) {
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    case 'create,delete':
      return 'replace';
    default:
      return undefined; // no-op, read, forget
  }
}

function asDeclaration(value: unknown): CredentialDeclaration | undefined {
  return isObject(value) && value.kind === DECLARATION_KIND && typeof value.invocation === 'string'
    ? (value as CredentialDeclaration)
    : undefined;
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
    const declaration = asDeclaration(value);
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
function parseInput(text: unknown): (DeclaredCredential & { instanceId?: string; secretArn?: string }) | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value = JSON.parse(text);
    if (isObject(value) && typeof value.name === 'string' && typeof value.authType === 'string' && Array.isArray(value.scopes)) {
      return value as DeclaredCredential & { instanceId?: string; secretArn?: string };
    }
  } catch {
    // not a credential's input
  }
  return undefined;
}

export const AUTH_TYPE_LABELS: Record<string, string> = { api_key: 'API key', oauth2: 'OAuth 2.0' };
export const authTypeLabel = (authType: string): string => AUTH_TYPE_LABELS[authType] ?? authType;

/** Validates the parsed `terraform show -json` of a plan file. */
export function asPlan(value: unknown): { resource_changes: ResourceChange[]; output_changes: Record<string, OutputChange>; checks: unknown[] } {
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

export function reviewPlan(planJson: unknown): PlanReview {
  const plan = asPlan(planJson);
  const byAddress = new Map(plan.resource_changes.filter((rc) => rc.mode !== 'data').map((rc) => [rc.address, rc]));

  // Every credential, keyed by its invocation's address, with what it declared before and after.
  const credentials = new Map<string, { before?: CredentialDeclaration; after?: CredentialDeclaration }>();
  const declare = (side: 'before' | 'after', declaration: CredentialDeclaration) =>
    credentials.set(declaration.invocation, { ...credentials.get(declaration.invocation), [side]: declaration });
  for (const change of Object.values(plan.output_changes)) {
    for (const side of ['before', 'after'] as const) {
      const value = change[side];
      const declarations = isObject(value) && value.kind === DECLARATIONS_KIND ? moduleDeclarations(value, undefined) : [asDeclaration(value)];
      for (const declaration of declarations) if (declaration) declare(side, declaration);
    }
  }
  // The module's carriers are part of the credentials' changes, never "other infrastructure".
  const claimed = new Set<string>();
  for (const rc of plan.resource_changes) {
    if (rc.type !== 'terraform_data' || rc.mode === 'data') continue;
    for (const side of ['before', 'after'] as const) {
      const input: unknown = rc.change[side]?.input;
      if (!isObject(input) || input.kind !== DECLARATIONS_KIND) continue;
      claimed.add(rc.address);
      for (const declaration of moduleDeclarations(input, rc.module_address)) declare(side, declaration);
    }
  }
  for (const rc of plan.resource_changes) {
    if (rc.type === 'aws_lambda_invocation' && rc.mode !== 'data' && !credentials.has(rc.address)) {
      if (parseInput(rc.change.before?.input) || parseInput(rc.change.after?.input)) credentials.set(rc.address, {});
    }
  }

  const changes: CredentialChange[] = [];
  for (const [address, declared] of credentials) {
    const change = reviewCredential(address, declared, plan.resource_changes, byAddress, claimed);
    if (change) changes.push(change);
  }
  // Any other invocation of a store's provider creates, changes or revokes a credential too, whoever
  // declared it: it is a credential change (and `--fail-on` gates it), never "other infrastructure".
  const providers = providerFunctionNames(plan);
  for (const address of credentials.keys()) {
    const change = byAddress.get(address)?.change;
    for (const value of [change?.before?.function_name, change?.after?.function_name]) if (typeof value === 'string') providers.add(value);
  }
  for (const rc of plan.resource_changes) {
    if (rc.type !== 'aws_lambda_invocation' || rc.mode === 'data' || claimed.has(rc.address) || credentials.has(rc.address)) continue;
    const names = [rc.change.before?.function_name, rc.change.after?.function_name];
    const kind = kindOf(rc.change.actions);
    if (kind === undefined || !names.some((n) => typeof n === 'string' && providers.has(n))) continue;
    claimed.add(rc.address);
    changes.push(undeclaredInvocation(rc, kind));
  }

  const other: OtherChange[] = [];
  for (const rc of plan.resource_changes) {
    const kind = kindOf(rc.change.actions);
    if (rc.mode === 'data' || claimed.has(rc.address) || kind === undefined) continue;
    other.push({ address: rc.address, kind });
  }

  const order = (c: CredentialChange) => CHANGE_KINDS.indexOf(c.kind);
  changes.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  const summary = { create: 0, update: 0, replace: 0, delete: 0, other: other.length };
  for (const change of changes) summary[change.kind] += 1;
  return { summary, credentials: changes, other, warnings: failedChecks(plan.checks) };
}

/**
 * The provider functions of the stores in the plan: the stores' outputs, the provider functions
 * themselves, and (added by the caller) the functions the declared credentials invoke.
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

/** An invocation of a provider that no DataApiCredential declared: shown as a credential change, to be read by hand. */
function undeclaredInvocation(rc: ResourceChange, kind: ChangeKind): CredentialChange {
  const input = [rc.change.after?.input, rc.change.before?.input].map((text) => {
    try {
      return typeof text === 'string' ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }).find((value) => isObject(value));
  const scopes = Array.isArray(input?.scopes) ? input!.scopes.filter((s): s is string => typeof s === 'string') : [];
  return {
    kind,
    name: `undeclared invocation ${rc.address}`,
    address: rc.address,
    authType: typeof input?.authType === 'string' ? input.authType : 'unknown',
    scopes,
    scopesAdded: [],
    scopesRemoved: [],
    descriptionChanged: false,
    reasons: ['an aws_lambda_invocation of the credential provider that no DataApiCredential declared'],
    consumerImpact: 'unknown: this invocation calls the credential provider directly; read its input before approving',
  };
}

function reviewCredential(
  address: string,
  declared: { before?: CredentialDeclaration; after?: CredentialDeclaration },
  all: ResourceChange[],
  byAddress: Map<string, ResourceChange>,
  claimed: Set<string>,
): CredentialChange | undefined {
  const invocation = byAddress.get(address);
  const inputBefore = parseInput(invocation?.change.before?.input);
  const inputAfter = invocation?.change.after_unknown?.input === true ? undefined : parseInput(invocation?.change.after?.input);
  const instance = byAddress.get(declared.after?.instance ?? declared.before?.instance ?? '') ??
    all.find((rc) => rc.type === 'terraform_data' && inputBefore?.instanceId !== undefined && rc.change.before?.id === inputBefore.instanceId);
  const secret = byAddress.get(declared.after?.secret ?? declared.before?.secret ?? '') ??
    all.find((rc) => rc.type === 'aws_secretsmanager_secret' && inputBefore?.secretArn !== undefined && rc.change.before?.arn === inputBefore.secretArn);
  for (const rc of [invocation, instance, secret]) if (rc) claimed.add(rc.address);

  const before: DeclaredCredential | undefined = inputBefore ?? declared.before;
  const after: DeclaredCredential | undefined = inputAfter ?? declared.after;
  let kind = invocation ? kindOf(invocation.change.actions) : undefined;
  if (kind === undefined && secret && kindOf(secret.change.actions) === 'update') kind = 'update';
  if (kind === undefined) return undefined;
  const current = (kind === 'delete' ? before : after) ?? before ?? after;
  if (current === undefined) return undefined;

  const scopesBefore = before ? canonicalScopes(before.scopes) : [];
  const scopesAfter = after ? canonicalScopes(after.scopes) : [];
  const { added, removed } = before && after ? scopeDifference(scopesBefore, scopesAfter) : { added: [], removed: [] };
  const renamedFrom = before && after && before.name !== after.name ? before.name : undefined;
  const authTypeFrom = before && after && before.authType !== after.authType ? before.authType : undefined;
  const descriptionChanged = Boolean(before && after && (before.description ?? '') !== (after.description ?? ''));

  if (kind === 'update' && !renamedFrom && added.length === 0 && removed.length === 0 && !descriptionChanged && !authTypeFrom) {
    // Scopes are a set: a reordering, or a change Terraform makes for no declared reason, is no change to review.
    if (!secret || kindOf(secret.change.actions) !== 'update') return undefined;
  }

  const reasons = kind === 'replace' ? replacementReasons(instance, authTypeFrom, after?.authType) : [];
  // The successor's declaration decides the predecessor's grace period (as the provider does).
  const gracePeriodHours =
    kind !== 'replace'
      ? undefined
      : ((authTypeFrom !== undefined ? declared.after?.authTypeChangeGracePeriodHours : declared.after?.rotation?.gracePeriodHours) ?? 0);
  return {
    kind,
    name: current.name,
    address,
    authType: current.authType,
    scopes: kind === 'delete' ? scopesBefore : scopesAfter.length > 0 ? scopesAfter : scopesBefore,
    ...(renamedFrom === undefined ? {} : { renamedFrom }),
    scopesAdded: added,
    scopesRemoved: removed,
    ...(authTypeFrom === undefined ? {} : { authTypeFrom }),
    descriptionChanged,
    reasons,
    consumerImpact: consumerImpact(kind, authTypeFrom, current.authType, gracePeriodHours ?? 0),
    ...(gracePeriodHours === undefined ? {} : { gracePeriodHours }),
  };
}

function replacementReasons(instance: ResourceChange | undefined, authTypeFrom: string | undefined, authTypeTo: string | undefined): string[] {
  const reasons: string[] = [];
  if (authTypeFrom !== undefined && authTypeTo !== undefined) {
    reasons.push(`auth type ${authTypeLabel(authTypeFrom)} → ${authTypeLabel(authTypeTo)} (fixed at creation)`);
  }
  const triggersBefore = instance?.change.before?.triggers_replace;
  const triggersAfter = instance?.change.after?.triggers_replace;
  if (isObject(triggersBefore) && isObject(triggersAfter)) {
    if (triggersAfter.secretName !== undefined && triggersBefore.secretName !== triggersAfter.secretName) {
      reasons.push(`secret name ${triggersBefore.secretName} → ${triggersAfter.secretName}`);
    }
    if (triggersAfter.rotation !== undefined && triggersBefore.rotation !== triggersAfter.rotation) {
      reasons.push(
        triggersBefore.rotation === undefined
          ? `rotation: trigger set to "${String(triggersAfter.rotation)}"`
          : `rotation: trigger "${String(triggersBefore.rotation)}" → "${String(triggersAfter.rotation)}"`,
      );
    }
    if (triggersAfter.functionName !== undefined && triggersBefore.functionName !== triggersAfter.functionName) {
      reasons.push(`the store's provider function ${triggersBefore.functionName} → ${triggersAfter.functionName}`);
    }
  }
  switch (instance?.action_reason) {
    case 'replace_by_request':
      reasons.push('rotation: replacement requested (terraform apply -replace)');
      break;
    case 'replace_because_tainted':
      reasons.push('the credential instance is tainted');
      break;
  }
  if (reasons.length === 0) reasons.push('the credential instance is replaced');
  return reasons;
}

function consumerImpact(kind: ChangeKind, authTypeFrom: string | undefined, authType: string, graceHours: number): string {
  switch (kind) {
    case 'create':
      return 'hand them the secret from Secrets Manager (read it once, keep it in their vault)';
    case 'update':
      return 'nothing to do: same credential and secret value; the new name and scopes apply at once';
    case 'delete':
      return 'requests with it get 401 Unauthorized from now on; its secret is deleted';
    case 'replace': {
      const what = authTypeFrom !== undefined ? 'the old credential' : 'the old value';
      const until =
        graceHours > 0
          ? `${what} keeps working for ${graceHours} hour${graceHours === 1 ? '' : 's'} after the apply (401 after that)`
          : `${what} is revoked as soon as the new ${authTypeFrom !== undefined ? 'one' : 'credential'} exists (401 after that)`;
      return authTypeFrom !== undefined
        ? `must switch to ${authTypeLabel(authType)}: read ${authType === 'oauth2' ? 'clientId and clientSecret' : 'apiKey'} ` +
            `from the same secret; ${until}`
        : `must re-read the secret (same ARN, new value); ${until}`;
    }
  }
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

/** Which of `kinds` the review contains, for the `--fail-on` policy gate. */
export function policyViolations(review: PlanReview, kinds: readonly ChangeKind[]): CredentialChange[] {
  return review.credentials.filter((c) => kinds.includes(c.kind));
}

export function parseChangeKinds(text: string): ChangeKind[] {
  const kinds = text.split(',').map((k) => k.trim()).filter((k) => k !== '');
  for (const kind of kinds) {
    if (!(CHANGE_KINDS as readonly string[]).includes(kind)) {
      throw new ValidationError('--fail-on', JSON.stringify(kind), `a comma-separated list of ${CHANGE_KINDS.join(', ')}`);
    }
  }
  if (kinds.length === 0) throw new ValidationError('--fail-on', '""', `a comma-separated list of ${CHANGE_KINDS.join(', ')}`);
  return kinds as ChangeKind[];
}

// ---- Markdown ------------------------------------------------------------------------------

const VERBS: Record<ChangeKind, string> = { create: 'to create', update: 'to update', replace: 'to replace', delete: 'to delete' };
const HEADINGS: Record<ChangeKind, string> = {
  create: 'Created',
  update: 'Updated in place (the secret is untouched)',
  replace: 'Replaced (the new credential is created first, then the old one is revoked)',
  delete: 'Deleted (revoked)',
};

/** One line of text, whatever it held: controls and bidirectional formatting characters out, line breaks to spaces. */
// eslint-disable-next-line no-control-regex
const oneLine = (text: string) => String(text).replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g, '\ufffd');
const code = (text: string) => `\`${oneLine(text).replace(/`/g, "'")}\``;
/** Plain text in Markdown: nothing in it can become a link, an image, HTML, emphasis, a table cell or a new block. */
const md = (text: string) => oneLine(text).replace(/([\\`*_[\]<>|!~&#])/g, '\\$1');
const scopeList = (scopes: readonly string[]) =>
  `${scopes.length === 0 ? '(none)' : scopes.map(md).join(', ')} (${scopes.filter((s) => (SCOPE_NAMES as readonly string[]).includes(s)).length}/${SCOPE_NAMES.length})`;

export function summaryLine(review: PlanReview): string {
  const parts = CHANGE_KINDS.filter((k) => review.summary[k] > 0).map((k) => `${review.summary[k]} ${VERBS[k]}`);
  const credentials = parts.length === 0 ? 'no changes' : parts.join(', ');
  const other = review.summary.other === 0 ? 'no changes' : `${review.summary.other} ${review.summary.other === 1 ? 'change' : 'changes'}`;
  return `**Data API credentials: ${credentials}** · store and other infrastructure: ${other}`;
}

function describeChange(change: CredentialChange): string[] {
  const lines: string[] = [];
  const head = `- **${md(change.name)}** (${md(authTypeLabel(change.authType))})`;
  switch (change.kind) {
    case 'create':
    case 'delete':
      lines.push(`${head}: scopes ${scopeList(change.scopes)}`);
      break;
    case 'update':
    case 'replace': {
      const details: string[] = [];
      if (change.kind === 'replace') details.push(`why: ${change.reasons.map(md).join('; ')}`);
      if (change.renamedFrom !== undefined) details.push(`renamed from **${md(change.renamedFrom)}**`);
      if (change.scopesAdded.length > 0) details.push(`scopes added: ${change.scopesAdded.map(md).join(', ')}`);
      if (change.scopesRemoved.length > 0) details.push(`scopes removed: ${change.scopesRemoved.map(md).join(', ')}`);
      if (change.descriptionChanged) details.push('description changed');
      if (change.kind === 'update' && details.length === 0) details.push('secret settings changed');
      lines.push(`${head}: ${details.join('; ')}; scopes now ${scopeList(change.scopes)}`);
      break;
    }
  }
  lines.push(`  - ${change.kind === 'replace' || change.kind === 'delete' ? '⚠️ ' : ''}Consumers: ${md(change.consumerImpact)}`);
  return lines;
}

/** The review as a pull-request comment: the summary line first. */
export function renderReviewMarkdown(review: PlanReview): string {
  const lines = [summaryLine(review), ''];
  for (const kind of CHANGE_KINDS) {
    const group = review.credentials.filter((c) => c.kind === kind);
    if (group.length === 0) continue;
    lines.push(`#### ${HEADINGS[kind]}`, '');
    for (const change of group) lines.push(...describeChange(change));
    lines.push('');
  }
  if (review.warnings.length > 0) {
    lines.push('#### ⚠️ Drift found by the plan', '');
    for (const warning of review.warnings) lines.push(`- ${md(warning)}`);
    lines.push('');
  }
  if (review.other.length > 0) {
    const counts = CHANGE_KINDS.map((k) => [k, review.other.filter((o) => o.kind === k).length] as const).filter(([, n]) => n > 0);
    lines.push(
      '<details><summary>Store and other infrastructure: ' +
        counts.map(([k, n]) => `${n} ${VERBS[k]}`).join(', ') +
        '</summary>',
      '',
      ...review.other.map((o) => `- ${o.kind}: ${code(o.address)}`),
      '',
      '</details>',
      '',
    );
  }
  if (review.credentials.length === 0 && review.other.length === 0 && review.warnings.length === 0) {
    lines.push('Nothing to review: the plan changes nothing.', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
