/**
 * The product page's Credentials tab from the store's records: name, auth type, scopes (n/5),
 * status and dates (the expiry among them). Pure; never a secret (the records hold only a hash, and not even that is shown).
 */
import Table from 'cli-table3';
import { SCOPE_NAMES } from '../handlers/contract/credential';
import type { CredentialRecord } from '../handlers/lifecycle/credential-record';
import { isExpired } from '../handlers/lifecycle/states';
import { authTypeLabel } from './auth-type-label';

/** One row as `--json` prints it. */
export interface CredentialListing {
  readonly credentialId: string;
  readonly name: string;
  readonly description?: string;
  readonly authType: string;
  readonly clientId?: string;
  readonly scopes: string[];
  /** e.g. "2/5" */
  readonly scopeCount: string;
  readonly status: string;
  readonly secretArn: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly revokedAt?: string;
  /** A retiring (rotated-out) credential: refused from then on. */
  readonly retiresAt?: string;
  readonly lastUsedAt?: string;
  /** A credential that declares an expiry: refused from then on (ISO 8601). */
  readonly expiresAt?: string;
  /** Whether that time has passed (at the listing's time). */
  readonly expired?: boolean;
}

const STATUS_ORDER = ['active', 'retiring', 'pending', 'revoked'];

/** Active first, then by name; revoked ones only with `includeRevoked` (deleted credentials leave the tab). */
export function listCredentials(records: readonly CredentialRecord[], includeRevoked = false, now: Date = new Date()): CredentialListing[] {
  return records
    .filter((r) => includeRevoked || r.status !== 'revoked')
    .map(
      (r): CredentialListing => ({
        credentialId: r.credentialId,
        name: r.name,
        ...(r.description === undefined ? {} : { description: r.description }),
        authType: r.authType,
        ...(r.clientId === undefined ? {} : { clientId: r.clientId }),
        scopes: [...r.scopes],
        scopeCount: `${r.scopes.length}/${SCOPE_NAMES.length}`,
        status: r.status,
        secretArn: r.secretArn,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        ...(r.revokedAt === undefined ? {} : { revokedAt: r.revokedAt }),
        ...(r.retiresAt === undefined ? {} : { retiresAt: r.retiresAt }),
        ...(r.lastUsedAt === undefined ? {} : { lastUsedAt: r.lastUsedAt }),
        ...(r.validUntil === undefined ? {} : { expiresAt: r.validUntil, expired: isExpired(r, now) }),
      }),
    )
    .sort(
      (a, b) =>
        STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
        a.name.localeCompare(b.name) ||
        b.createdAt.localeCompare(a.createdAt),
    );
}

/** `2026-11-27T20:53:32.023Z` -> `2026-11-27 20:53`; anything else as is. */
export function shortTime(iso: string | undefined): string {
  if (iso === undefined) return 'never';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}

export function renderCredentialTable(rows: readonly CredentialListing[]): string {
  const table = new Table({
    head: ['Name', 'Auth type', 'Scopes', 'Status', 'Created (UTC)', 'Updated (UTC)', 'Last used (UTC)', 'Expires (UTC)'],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    table.push([
      row.name,
      authTypeLabel(row.authType),
      `${row.scopes.join(', ')} (${row.scopeCount})`,
      row.retiresAt === undefined ? row.status : `${row.status} until ${shortTime(row.retiresAt)}`,
      shortTime(row.createdAt),
      shortTime(row.updatedAt),
      shortTime(row.lastUsedAt),
      row.expiresAt === undefined ? 'never' : `${shortTime(row.expiresAt)}${row.expired === true ? ' (expired)' : ''}`,
    ]);
  }
  return table.toString();
}
