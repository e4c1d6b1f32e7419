/**
 * A Terraform plan (`terraform show -json PLANFILE`) as a reviewer of Data API credentials sees
 * it, in three steps: read the plan and every credential's declarations (`plan.ts`), classify the
 * credential changes (`classify.ts`), render the comment (`markdown.ts`). Pure: no I/O.
 */
export { CHANGE_KINDS, FAIL_ON_KINDS, parseChangeKinds } from './change-kind';
export type { ChangeKind, FailOnKind } from './change-kind';
export { DEFAULT_EXPIRING_WITHIN_DAYS, policyViolations, reviewPlan } from './classify';
export type { CredentialChange, ExpiringCredential, OtherChange, PlanReview, ReviewOptions } from './classify';
export { renderReviewMarkdown, summaryLine } from './markdown';
export type { DeclaredCredential } from './plan';
