/**
 * The drift report: per credential the state declares, what the store and Secrets Manager hold
 * instead, and the fix. Pure: the command gathers records and secret states, this decides.
 */
import Table from 'cli-table3';
import { DriftFinding } from '../handlers/contract/drift';
import { assessDrift, isRestorable, replaceCommand, scopeDifference, SecretState } from '../handlers/lifecycle/credential-drift';
import type { CredentialRecord } from '../handlers/lifecycle/credential-record';
import type { StateCredential } from './stack-state';
import { OTHER_STACKS_NOTE, UndeclaredCredential, undeclaredLine } from './undeclared';

export type DriftStatus = 'in-sync' | 'drifted' | 'repaired';

export interface CredentialDrift {
  readonly name: string;
  readonly credentialId: string;
  readonly address: string;
  readonly instanceAddress?: string;
  readonly status: DriftStatus;
  readonly findings: DriftFinding[];
  /** `restore`: `drift --repair` writes name and scopes back; `replace`: run `command`. */
  readonly fix?: { readonly kind: 'restore' | 'replace'; readonly command: string };
}

export interface DriftReport {
  readonly table: string;
  readonly region: string;
  readonly inSync: boolean;
  readonly credentials: CredentialDrift[];
  /** Active or retiring records no declaration names: drift too (`revoke-undeclared` revokes them, `--repair` never). */
  readonly undeclared: UndeclaredCredential[];
  /** The further states whose declarations counted (`--also-declared-in`). */
  readonly alsoDeclaredIn: string[];
  /** Set when there are undeclared records: another stack of the store may declare them. */
  readonly note?: string;
}

export interface Observed {
  readonly record: CredentialRecord | undefined;
  readonly secret: SecretState;
}

export function assessCredential(declared: StateCredential, observed: Observed): CredentialDrift {
  const findings = assessDrift(declared.input, observed.record, observed.secret);
  const base = {
    name: declared.input.name,
    credentialId: declared.credentialId,
    address: declared.address,
    ...(declared.instanceAddress === undefined ? {} : { instanceAddress: declared.instanceAddress }),
  };
  if (findings.length === 0) return { ...base, status: 'in-sync', findings };
  const fix = isRestorable(findings)
    ? { kind: 'restore' as const, command: 'npx data-api-credentials drift --repair' }
    : { kind: 'replace' as const, command: replaceCommand(declared.instanceAddress) };
  return { ...base, status: 'drifted', findings, fix };
}

export function driftReport(
  location: { tableName: string; region: string },
  credentials: CredentialDrift[],
  undeclared: UndeclaredCredential[] = [],
  alsoDeclaredIn: string[] = [],
): DriftReport {
  return {
    table: location.tableName,
    region: location.region,
    inSync: credentials.every((c) => c.status !== 'drifted') && undeclared.length === 0,
    credentials,
    undeclared,
    alsoDeclaredIn,
    ...(undeclared.length === 0 ? {} : { note: OTHER_STACKS_NOTE }),
  };
}

function findingText(finding: DriftFinding): string {
  switch (finding.field) {
    case 'record':
      return 'record missing from the store';
    case 'secret':
      return `secret: ${finding.actual}`;
    case 'scopes': {
      const { added, removed } = scopeDifference(finding.declared.split(', '), finding.actual.split(', '));
      return `scopes: ${[...removed.map((s) => `-${s}`), ...added.map((s) => `+${s}`)].join(' ')} (now ${finding.actual})`;
    }
    case 'name':
      return `name: "${finding.actual}" (declared "${finding.declared}")`;
    default:
      return `${finding.field}: ${finding.actual} (declared ${finding.declared})`;
  }
}

export function renderDriftTable(report: DriftReport): string {
  const table = new Table({ head: ['Credential', 'Status', 'What drifted', 'Fix'], style: { head: [], border: [] } });
  for (const c of report.credentials) {
    const what = c.status === 'in-sync' ? '-' : c.findings.map(findingText).join('\n');
    const fix =
      c.status === 'repaired' ? 'restored the declared fields' : c.fix === undefined ? '' : c.fix.kind === 'restore' ? 'drift --repair' : 'replace (see below)';
    table.push([c.name, c.status, what, fix]);
  }
  const drifted = report.credentials.filter((c) => c.status === 'drifted');
  const lines = [
    `Drift of ${report.credentials.length} declared credential${report.credentials.length === 1 ? '' : 's'} against ${report.table} (${report.region}):`,
    table.toString(),
  ];
  const repaired = report.credentials.filter((c) => c.status === 'repaired').length;
  if (repaired > 0) lines.push(`Repaired ${repaired}: the declared fields written back; secrets untouched.`);
  if (drifted.length === 0 && report.undeclared.length === 0) {
    lines.push('In sync.');
  } else if (drifted.length > 0) {
    lines.push(`${drifted.length} drifted.`);
    for (const c of drifted) {
      if (c.fix?.kind === 'replace') lines.push(`  ${c.name} needs a new credential: ${c.fix.command}`);
      else if (c.fix?.kind === 'restore') lines.push(`  ${c.name}: run ${c.fix.command} to restore the declared fields`);
    }
  }
  const declaredIn = report.alsoDeclaredIn.length === 0 ? 'this state' : `this state or ${report.alsoDeclaredIn.join(', ')}`;
  if (report.undeclared.length > 0) {
    const n = report.undeclared.length;
    lines.push(`${n} undeclared credential${n === 1 ? '' : 's'} in the store (active, and no declaration in ${declaredIn} names ${n === 1 ? 'it' : 'them'}):`);
    for (const c of report.undeclared) lines.push(`  ${undeclaredLine(c)}`);
    lines.push(`  ${report.note ?? OTHER_STACKS_NOTE}`);
    lines.push('  drift --repair leaves them alone; to revoke them: npx data-api-credentials revoke-undeclared');
  } else {
    lines.push(`No undeclared credentials in the store (declarations read from ${declaredIn}).`);
  }
  return `${lines.join('\n')}\n`;
}
