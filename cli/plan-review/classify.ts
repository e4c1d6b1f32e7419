/**
 * Classifying a read plan: which credentials are created, updated, replaced or deleted, why, and
 * what their consumers must do; with store and other infrastructure kept apart. Pure: no I/O.
 */
import { EDITABLE_FIELD_NAMES, EDITABLE_FIELDS, EditableFieldName, resolveExpiry } from '../../handlers/contract/credential';
import { canonicalScopes, scopeDifference } from '../../handlers/lifecycle/credential-drift';
import { authTypeLabel } from '../auth-type-label';
import { CHANGE_KINDS, ChangeKind, FailOnKind, kindOf } from './change-kind';
import { DeclaredCredential, DeclaredSides, invocationInput, isObject, Plan, readPlan, ResourceChange } from './plan';

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
  /** Whether the description changed (one of `fieldsChanged`, kept for the JSON's readers). */
  readonly descriptionChanged: boolean;
  /** Every other declared field that changed (`EDITABLE_FIELDS` but name and scopes, which have their own). */
  readonly fieldsChanged: FieldChange[];
  /** Replacements: why, in words. */
  readonly reasons: string[];
  /** What the credential's consumers must do, in words. */
  readonly consumerImpact: string;
  /** Replacements: hours the old value keeps working after the apply (0: refused at once). */
  readonly gracePeriodHours?: number;
}

/** One declared field's change: its label, and the values (text fields: only that it changed). */
export interface FieldChange {
  readonly field: EditableFieldName;
  readonly label: string;
  readonly from?: string;
  readonly to?: string;
}

/** The fields a review shows apart (renamed from, scopes added and removed). */
const OWN_RENDERING: readonly EditableFieldName[] = ['name', 'scopes'];

/** The other declared fields that differ between two declarations; a number shows both values. */
function fieldChanges(before: DeclaredCredential, after: DeclaredCredential): FieldChange[] {
  const text = (value: unknown): string | undefined => (value === undefined || value === null || value === '' ? undefined : String(value));
  return EDITABLE_FIELD_NAMES.filter((field) => !OWN_RENDERING.includes(field) && text(before[field]) !== text(after[field])).map((field) => {
    const spec = EDITABLE_FIELDS[field];
    // Numbers and fields marked `reviewValues` show both values; free text only that it changed.
    const shown = spec.attribute === 'N' || 'reviewValues' in spec ? { from: text(before[field]) ?? 'none', to: text(after[field]) ?? 'none' } : {};
    return { field, label: spec.label, ...shown };
  });
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
  /** Credentials the plan keeps that expire within the review's window (or already have), soonest first. */
  readonly expiring: ExpiringCredential[];
}

/** A credential that expires soon, as the plan leaves it. */
export interface ExpiringCredential {
  readonly name: string;
  /** Address of the credential's invocation. */
  readonly address: string;
  /** ISO 8601, UTC. */
  readonly expiresAt: string;
  /** Whole days left (0: less than a day), negative once expired. */
  readonly daysLeft: number;
  readonly expired: boolean;
}

export const DEFAULT_EXPIRING_WITHIN_DAYS = 30;

export interface ReviewOptions {
  /** The window of the expiry warning, in days (default 30). */
  readonly expiringWithinDays?: number;
  /** The review's clock (tests). */
  readonly now?: Date;
}

/** The review of a plan (`terraform show -json PLANFILE`, parsed); throws `ValidationError` on what is not a plan. */
export function reviewPlan(planJson: unknown, options: ReviewOptions = {}): PlanReview {
  const plan = readPlan(planJson);
  // Resources that belong to a credential's change, so never "other infrastructure".
  const claimed = new Set<string>(plan.carriers);

  const changes: CredentialChange[] = [];
  for (const [address, declared] of plan.credentials) {
    const change = reviewCredential(address, declared, plan, claimed);
    if (change) changes.push(change);
  }
  // Any other invocation of a store's provider creates, changes or revokes a credential too, whoever
  // declared it: it is a credential change (and `--fail-on` gates it), never "other infrastructure".
  for (const rc of plan.resourceChanges) {
    if (rc.type !== 'aws_lambda_invocation' || rc.mode === 'data' || claimed.has(rc.address) || plan.credentials.has(rc.address)) continue;
    const names = [rc.change.before?.function_name, rc.change.after?.function_name];
    const kind = kindOf(rc.change.actions);
    if (kind === undefined || !names.some((n) => typeof n === 'string' && plan.providerFunctions.has(n))) continue;
    claimed.add(rc.address);
    changes.push(undeclaredInvocation(rc, kind));
  }

  const other: OtherChange[] = [];
  for (const rc of plan.resourceChanges) {
    const kind = kindOf(rc.change.actions);
    if (rc.mode === 'data' || claimed.has(rc.address) || kind === undefined) continue;
    other.push({ address: rc.address, kind });
  }

  const order = (c: CredentialChange) => CHANGE_KINDS.indexOf(c.kind);
  changes.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  const summary = { create: 0, update: 0, replace: 0, delete: 0, other: other.length };
  for (const change of changes) summary[change.kind] += 1;
  const expiring = expiringCredentials(plan, options.now ?? new Date(), options.expiringWithinDays ?? DEFAULT_EXPIRING_WITHIN_DAYS);
  return { summary, credentials: changes, other, warnings: plan.failedChecks, expiring };
}

/** What the `--fail-on` policy gate finds: the changes of its kinds, and with `expiring`, the expiring credentials. */
export function policyViolations(
  review: PlanReview,
  kinds: readonly FailOnKind[],
): Array<CredentialChange | { readonly kind: 'expiring'; readonly name: string; readonly address: string }> {
  return [
    ...review.credentials.filter((c) => kinds.includes(c.kind)),
    ...(kinds.includes('expiring') ? review.expiring.map((e) => ({ kind: 'expiring' as const, name: e.name, address: e.address })) : []),
  ];
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The declared credentials that the plan keeps (creates, updates, replaces or leaves) and that
 * expire before `now` + `withinDays`. A declared date is known at plan time; days after creation
 * count from now for a credential the plan creates or replaces, else from the creation the
 * provider's last result records.
 */
function expiringCredentials(plan: Plan, now: Date, withinDays: number): ExpiringCredential[] {
  const found: ExpiringCredential[] = [];
  for (const [address, declared] of plan.credentials) {
    const invocation = plan.byAddress.get(address);
    const actions = invocation?.change.actions ?? [];
    if (kindOf(actions) === 'delete') continue;
    const inputAfter = invocation?.change.after_unknown?.input === true ? undefined : invocationInput(invocation?.change.after?.input);
    const after: DeclaredCredential | undefined = inputAfter ?? declared.after ?? (invocation === undefined ? undefined : invocationInput(invocation.change.before?.input));
    if (after === undefined) continue;
    const fields = {
      ...(typeof after.expiryDate === 'string' ? { expiryDate: after.expiryDate } : {}),
      ...(typeof after.expiresAfterDays === 'number' ? { expiresAfterDays: after.expiresAfterDays } : {}),
    };
    if (fields.expiryDate === undefined && fields.expiresAfterDays === undefined) continue;
    const fresh = actions.includes('create');
    const createdAt = fresh ? now.toISOString() : resultCreatedAt(invocation?.change.before?.result);
    if (createdAt === undefined) continue;
    const expiry = resolveExpiry(fields, createdAt);
    if (expiry === undefined || !Number.isFinite(expiry.getTime()) || expiry.getTime() > now.getTime() + withinDays * DAY_MS) continue;
    const left = expiry.getTime() - now.getTime();
    found.push({ name: after.name, address, expiresAt: expiry.toISOString(), daysLeft: Math.trunc(left / DAY_MS), expired: left <= 0 });
  }
  return found.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.name.localeCompare(b.name));
}

/** `createdAt` of the provider's result in state (the invocation's `result`, a JSON string). */
function resultCreatedAt(result: unknown): string | undefined {
  if (typeof result !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(result);
    return isObject(value) && typeof value.createdAt === 'string' && Number.isFinite(Date.parse(value.createdAt)) ? value.createdAt : undefined;
  } catch {
    return undefined;
  }
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
    fieldsChanged: [],
    reasons: ['an aws_lambda_invocation of the credential provider that no DataApiCredential declared'],
    consumerImpact: 'unknown: this invocation calls the credential provider directly; read its input before approving',
  };
}

/**
 * An OAuth 2.0 credential's client (the `terraform_data` that keeps its client id across rotations),
 * beside its instance: `<path>_Client_<hash>` of a construct's `<path>_Instance_<hash>`, or the
 * module's `terraform_data.client[key]` of `terraform_data.instance[key]`. Part of the credential's
 * change, never "other infrastructure".
 */
function clientOf(instanceAddress: string, all: Plan['resourceChanges']): Plan['resourceChanges'][number] | undefined {
  const construct = /^(.*terraform_data\.\w+)_Instance_[0-9A-F]{8}$/.exec(instanceAddress);
  if (construct) {
    const pattern = new RegExp(`^${construct[1].replace(/[.[\]]/g, '\\$&')}_Client_[0-9A-F]{8}$`);
    return all.find((rc) => rc.type === 'terraform_data' && pattern.test(rc.address));
  }
  const moduleClient = instanceAddress.replace(/terraform_data\.instance(\[[^\]]*\])$/, 'terraform_data.client$1');
  return moduleClient === instanceAddress ? undefined : all.find((rc) => rc.address === moduleClient);
}

function reviewCredential(address: string, declared: DeclaredSides, plan: Plan, claimed: Set<string>): CredentialChange | undefined {
  const { byAddress, resourceChanges: all } = plan;
  const invocation = byAddress.get(address);
  const inputBefore = invocationInput(invocation?.change.before?.input);
  const inputAfter = invocation?.change.after_unknown?.input === true ? undefined : invocationInput(invocation?.change.after?.input);
  const instance = byAddress.get(declared.after?.instance ?? declared.before?.instance ?? '') ??
    all.find((rc) => rc.type === 'terraform_data' && inputBefore?.instanceId !== undefined && rc.change.before?.id === inputBefore.instanceId);
  const secret = byAddress.get(declared.after?.secret ?? declared.before?.secret ?? '') ??
    all.find((rc) => rc.type === 'aws_secretsmanager_secret' && inputBefore?.secretArn !== undefined && rc.change.before?.arn === inputBefore.secretArn);
  for (const rc of [invocation, instance, secret, instance && clientOf(instance.address, all)]) if (rc) claimed.add(rc.address);

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
  const fieldsChanged = before && after ? fieldChanges(before, after) : [];

  if (kind === 'update' && !renamedFrom && added.length === 0 && removed.length === 0 && fieldsChanged.length === 0 && !authTypeFrom) {
    // Scopes are a set: a reordering, or a change Terraform makes for no declared reason, is no change to review.
    if (!secret || kindOf(secret.change.actions) !== 'update') return undefined;
  }

  const reasons = kind === 'replace' ? replacementReasons(instance, authTypeFrom, after?.authType) : [];
  // The successor's declaration decides the predecessor's grace period (as the provider does).
  const gracePeriodHours =
    kind !== 'replace'
      ? undefined
      : ((authTypeFrom !== undefined ? declared.after?.authTypeChangeGracePeriodHours : declared.after?.rotationGracePeriodHours) ?? 0);
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
    descriptionChanged: fieldsChanged.some((change) => change.field === 'description'),
    fieldsChanged,
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
