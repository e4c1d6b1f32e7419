/**
 * Undeclared credentials: records in the store that no declaration names (made by hand, left by
 * a removed stack, minted elsewhere), and the `--unused-since` filter of the list. Pure: the
 * commands read the records and the states, this decides.
 */
import { SCOPE_NAMES } from '../handlers/contract/credential';
import type { CredentialRecord } from '../handlers/lifecycle/credential-record';
import { ValidationError } from '../handlers/errors';
import { authTypeLabel } from './auth-type-label';
import { shortTime } from './credential-list';

/** One undeclared record, as drift's `--json` and `revoke-undeclared` print it (never a secret or its hash). */
export interface UndeclaredCredential {
  readonly credentialId: string;
  readonly name: string;
  readonly authType: string;
  readonly scopes: string[];
  readonly status: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  /** For a conditional revoke: the version the report read. */
  readonly version: number;
}

/** The note every undeclared report carries: the state given is not necessarily every stack of the store. */
export const OTHER_STACKS_NOTE =
  'A record may be declared by another stack sharing this store: name its state with --also-declared-in DIR (repeatable).';

/**
 * The records that count as undeclared: `active` and `retiring` ones whose id no declaration
 * gives. Revoked records are history and pending ones a create in progress. A retiring record is
 * accounted for when a declared credential (or a retiring one accounted for) replaced it: the
 * predecessor of a rotation keeps working for its grace period and is no drift.
 */
export function findUndeclared(records: readonly CredentialRecord[], declaredIds: Iterable<string>): CredentialRecord[] {
  const accounted = new Set(declaredIds);
  const byId = new Map(records.map((r) => [r.credentialId, r] as const));
  const queue = [...accounted];
  while (queue.length > 0) {
    const predecessorId = byId.get(queue.pop() as string)?.predecessorId;
    if (predecessorId === undefined || accounted.has(predecessorId) || byId.get(predecessorId)?.status !== 'retiring') continue;
    accounted.add(predecessorId);
    queue.push(predecessorId);
  }
  return records
    .filter((r) => (r.status === 'active' || r.status === 'retiring') && !accounted.has(r.credentialId))
    .sort((a, b) => a.name.localeCompare(b.name) || a.createdAt.localeCompare(b.createdAt) || a.credentialId.localeCompare(b.credentialId));
}

export function undeclaredListing(record: CredentialRecord): UndeclaredCredential {
  return {
    credentialId: record.credentialId,
    name: record.name,
    authType: record.authType,
    scopes: [...record.scopes],
    status: record.status,
    createdAt: record.createdAt,
    ...(record.lastUsedAt === undefined ? {} : { lastUsedAt: record.lastUsedAt }),
    version: record.version,
  };
}

/** One line: `<id>  "<name>"  API key  scopes users (1/5)  active  created 2026-11-27 20:00  last used never`. */
export function undeclaredLine(c: UndeclaredCredential): string {
  return [
    c.credentialId,
    JSON.stringify(c.name),
    authTypeLabel(c.authType),
    `scopes ${c.scopes.join(', ')} (${c.scopes.length}/${SCOPE_NAMES.length})`,
    c.status,
    `created ${shortTime(c.createdAt)}`,
    `last used ${shortTime(c.lastUsedAt)}`,
  ].join('  ');
}

const DURATION = /^([1-9][0-9]{0,5})([hd])$/;

/** `12h`, `30d`, `90d` -> milliseconds. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new ValidationError('--unused-since', JSON.stringify(text), 'a duration in hours or days, such as 12h, 30d or 90d');
  return Number(match[1]) * (match[2] === 'h' ? 3600 : 86400) * 1000;
}

/**
 * The rows not used since `cutoff`: last used before it, or never used and created before it
 * (a credential made yesterday and never used is not yet unused for 30 days).
 */
export function unusedSince<T extends { readonly createdAt: string; readonly lastUsedAt?: string }>(rows: readonly T[], cutoff: Date): T[] {
  return rows.filter((row) => {
    const at = Date.parse(row.lastUsedAt ?? row.createdAt);
    return Number.isNaN(at) || at <= cutoff.getTime();
  });
}
