/**
 * The review as a pull-request comment. Everything from the plan (names, scopes, reasons,
 * addresses, check messages) is written as plain text: nothing in it can become a link, an
 * image, HTML, a new block or a line that reads differently from what is applied.
 */
import { SCOPE_NAMES, UNSAFE_TEXT_CHARACTERS } from '../../handlers/contract/credential';
import { authTypeLabel } from '../auth-type-label';
import { CHANGE_KINDS, ChangeKind } from './change-kind';
import { CredentialChange, PlanReview } from './classify';

const VERBS: Record<ChangeKind, string> = { create: 'to create', update: 'to update', replace: 'to replace', delete: 'to delete' };
const HEADINGS: Record<ChangeKind, string> = {
  create: 'Created',
  update: 'Updated in place (the secret is untouched)',
  replace: 'Replaced (the new credential is created first, then the old one is revoked)',
  delete: 'Deleted (revoked)',
};

/**
 * Every character the contract refuses in a name or description (`UNSAFE_TEXT_CHARACTERS`): a copy
 * with the global flag added, made from its source and flags so the two sets cannot diverge.
 */
const UNSAFE_TEXT = new RegExp(UNSAFE_TEXT_CHARACTERS.source, `${UNSAFE_TEXT_CHARACTERS.flags}g`);
/** One line of text, whatever it held: line breaks to spaces, then every unsafe character to U+FFFD. */
const oneLine = (text: string) => String(text).replace(/[\r\n\u2028\u2029]+/g, ' ').replace(UNSAFE_TEXT, '\ufffd');
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
      for (const field of change.fieldsChanged) {
        details.push(field.from === undefined ? `${md(field.label)} changed` : `${md(field.label)}: ${md(field.from)} → ${md(field.to ?? 'none')}`);
      }
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
  if (review.expiring.length > 0) {
    lines.push('#### ⏳ Expiring credentials', '');
    for (const e of review.expiring) {
      const when = e.expired ? 'expired' : e.daysLeft === 0 ? 'expires in less than a day' : `expires in ${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'}`;
      lines.push(`- **${md(e.name)}** ${when} (${md(e.expiresAt)}): requests with it get 401 from then on; extend its expiry or rotate it`);
    }
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
  if (review.credentials.length === 0 && review.other.length === 0 && review.warnings.length === 0 && review.expiring.length === 0) {
    lines.push('Nothing to review: the plan changes nothing.', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
