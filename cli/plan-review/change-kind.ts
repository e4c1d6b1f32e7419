/**
 * The four kinds of change a review sorts credentials into, from Terraform's planned actions, and
 * the `--fail-on` list that names them.
 */
import { ValidationError } from '../../handlers/errors';

export const CHANGE_KINDS = ['create', 'update', 'replace', 'delete'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** The kind of a resource change's actions; undefined for what changes nothing (no-op, read, forget). */
export function kindOf(actions: readonly string[]): ChangeKind | undefined {
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

/** What `--fail-on` may name: the change kinds, and `expiring` (a credential that expires within the review's window). */
export const FAIL_ON_KINDS = [...CHANGE_KINDS, 'expiring'] as const;
export type FailOnKind = (typeof FAIL_ON_KINDS)[number];

/** The kinds of `--fail-on`: a comma-separated list of `FAIL_ON_KINDS`. */
export function parseChangeKinds(text: string): FailOnKind[] {
  const kinds = text.split(',').map((k) => k.trim()).filter((k) => k !== '');
  for (const kind of kinds) {
    if (!(FAIL_ON_KINDS as readonly string[]).includes(kind)) {
      throw new ValidationError('--fail-on', JSON.stringify(kind), `a comma-separated list of ${FAIL_ON_KINDS.join(', ')}`);
    }
  }
  if (kinds.length === 0) throw new ValidationError('--fail-on', '""', `a comma-separated list of ${FAIL_ON_KINDS.join(', ')}`);
  return kinds as FailOnKind[];
}
