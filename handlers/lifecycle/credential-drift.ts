/**
 * Drift of one credential: what Terraform declares (the invocation's input) against the record
 * in the store and the state of its secret. Pure, shared by the provider's read action (the
 * plan-time check) and the CLI's `drift` command, so both name drift the same way. It lives in
 * the lifecycle because it judges a record against the lifecycle's own rules (an active record,
 * the declared fields a restore may write back), and the CLI may import the lifecycle.
 */
import { CredentialInput, EDITABLE_FIELD_NAMES, EDITABLE_FIELDS, EditableFields, SCOPE_NAMES } from '../contract/credential';
import { DriftFinding } from '../contract/drift';
import type { CredentialRecord } from './credential-record';

/**
 * What is known about a credential's secret, never its value:
 * - `present`: it has a current value (and, where checked, the value matches the record's hash);
 * - `no-value`: the secret exists without a current value;
 * - `mismatch`: its current value is not the one the record's hash was made from;
 * - `scheduled-for-deletion`, `missing`: the secret itself is going or gone.
 */
export type SecretState = 'present' | 'no-value' | 'mismatch' | 'scheduled-for-deletion' | 'missing';

const SECRET_PROBLEMS: Record<Exclude<SecretState, 'present'>, string> = {
  'no-value': 'the secret has no current value',
  mismatch: 'the secret value is not the one this credential was issued with',
  'scheduled-for-deletion': 'the secret is scheduled for deletion',
  missing: 'the secret does not exist',
};

/** A declared field's value as a finding shows it: absent is `(none)`. */
const shown = (value: unknown): string => (value === undefined || value === null || value === '' ? '(none)' : String(value));

const list = (scopes: readonly string[]): string => (scopes.length === 0 ? '(none)' : scopes.join(', '));

/** Scopes as a set: order never matters. Returns them in canonical order. */
export function canonicalScopes(scopes: readonly string[]): string[] {
  const known = SCOPE_NAMES.filter((s) => scopes.includes(s));
  const unknown = [...new Set(scopes.filter((s) => !(SCOPE_NAMES as readonly string[]).includes(s)))].sort();
  return [...known, ...unknown];
}

export function scopeDifference(from: readonly string[], to: readonly string[]): { added: string[]; removed: string[] } {
  return {
    added: canonicalScopes(to.filter((s) => !from.includes(s))),
    removed: canonicalScopes(from.filter((s) => !to.includes(s))),
  };
}

/**
 * The findings for one credential; empty when it is in sync. A missing record says nothing
 * about the rest, so it is the only finding then.
 */
export function assessDrift(
  declared: Pick<CredentialInput, 'authType' | 'secretArn'> & EditableFields,
  record: CredentialRecord | undefined,
  secret: SecretState,
): DriftFinding[] {
  if (record === undefined) {
    return [
      {
        field: 'record',
        declared: 'present',
        actual: 'missing',
        fix: 'replace',
        message: `"${declared.name}": the credential record is missing from the store`,
      },
    ];
  }
  const label = `"${declared.name}"`;
  const findings: DriftFinding[] = [];
  if (record.status !== 'active') {
    findings.push({
      field: 'status',
      declared: 'active',
      actual: record.status,
      fix: 'replace',
      message: `${label}: the credential is ${record.status}${record.revokedAt ? ` since ${record.revokedAt}` : ''}, not active`,
    });
  }
  if (record.authType !== declared.authType) {
    findings.push({
      field: 'authType',
      declared: declared.authType,
      actual: record.authType,
      fix: 'replace',
      message: `${label}: auth type is ${record.authType}, declared ${declared.authType}`,
    });
  }
  if (record.secretArn !== declared.secretArn) {
    findings.push({
      field: 'secretArn',
      declared: declared.secretArn,
      actual: record.secretArn,
      fix: 'replace',
      message: `${label}: the record points at another secret (${record.secretArn})`,
    });
  }
  if (record.name !== declared.name) {
    findings.push({
      field: 'name',
      declared: declared.name,
      actual: record.name,
      fix: 'restore',
      message: `${label}: renamed to "${record.name}" outside Terraform`,
    });
  }
  const { added, removed } = scopeDifference(declared.scopes, record.scopes);
  if (added.length > 0 || removed.length > 0) {
    const parts = [
      ...(removed.length > 0 ? [`missing ${removed.join(', ')}`] : []),
      ...(added.length > 0 ? [`extra ${added.join(', ')}`] : []),
    ];
    findings.push({
      field: 'scopes',
      declared: list(canonicalScopes(declared.scopes)),
      actual: list(canonicalScopes(record.scopes)),
      fix: 'restore',
      message: `${label}: scopes ${parts.join('; ')} (declared ${list(canonicalScopes(declared.scopes))})`,
    });
  }
  // Every other declared field the contract's table compares (description, grace periods).
  for (const field of EDITABLE_FIELD_NAMES) {
    if (field === 'name' || field === 'scopes') continue;
    const [want, have] = [shown(declared[field]), shown(record[field])];
    if (want === have) continue;
    const spec = EDITABLE_FIELDS[field];
    findings.push({
      field,
      declared: want,
      actual: have,
      fix: spec.drift === 'repaired' ? 'restore' : 'replace',
      message:
        spec.attribute === 'N'
          ? `${label}: ${spec.label} is ${have} outside Terraform (declared ${want})`
          : `${label}: ${spec.label} changed outside Terraform`,
    });
  }
  if (secret !== 'present') findings.push(secretFinding(declared.name, secret));
  return findings;
}

/** The finding for a secret that is not what its record was issued with (or not there). */
export function secretFinding(name: string, secret: Exclude<SecretState, 'present'>): DriftFinding {
  return {
    field: 'secret',
    declared: 'current value',
    actual: secret,
    fix: 'replace',
    message: `"${name}": ${SECRET_PROBLEMS[secret]}`,
  };
}

/** Whether a write of the declared name and scopes alone brings the credential back in sync. */
export function isRestorable(findings: readonly DriftFinding[]): boolean {
  return findings.length > 0 && findings.every((f) => f.fix === 'restore');
}

/** The command that recreates a credential: a new instance means a new credential and secret value. */
export function replaceCommand(instanceAddress: string | undefined): string {
  return `terraform apply -replace='${instanceAddress ?? "<the credential's terraform_data address>"}'`;
}

/** The check block's warning: every finding and the fix in one line, or "in sync". */
export function driftMessage(findings: readonly DriftFinding[], instanceAddress?: string): string {
  if (findings.length === 0) return 'in sync';
  const fix = isRestorable(findings)
    ? 'restore it with: npx data-api-credentials drift --repair'
    : `recreate it with: ${replaceCommand(instanceAddress)}`;
  return `Drift: ${findings.map((f) => f.message).join('; ')}. Fix: ${fix}`;
}
