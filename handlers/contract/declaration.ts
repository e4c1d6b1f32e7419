/**
 * The declaration the review reads: what each credential declares in a plan, written by the
 * constructs and the Terraform module, read by the CLI. Pure.
 */
import { AuthTypeName, EditableFields } from './credential';

/** The `kind` of a `CredentialDeclaration`. */
export const DECLARATION_KIND = 'data-api-credential';

/**
 * The Terraform module (`terraform/`) keeps its credentials' declarations in the `input` of one
 * `terraform_data` resource, `{ kind: DECLARATIONS_KIND, credentials: { <key>: CredentialDeclaration } }`
 * with addresses relative to the module: a plan holds no output of a child module, but every
 * resource change, so `review` finds them there with nothing for the user to write.
 */
export const DECLARATIONS_KIND = 'data-api-credential-declarations';

/**
 * One credential's entry in its store's `DeclaredCredentials` Terraform output (before 0.2.0: its
 * own `Declaration` output, which `review` still reads): what it declares, and the addresses of
 * its resources. Plain and known at plan time, so a review of a plan can name every credential it
 * creates, changes, replaces or deletes.
 */
export type CredentialDeclaration = EditableFields & {
  readonly kind: typeof DECLARATION_KIND;
  readonly authType: AuthTypeName;
  /**
   * The rotation trigger. Declarations written before 0.3 also hold the grace period here
   * (`rotationGracePeriodHours` since: every declared field of `EDITABLE_FIELDS` is at the top level).
   */
  readonly rotation?: { readonly trigger: string; readonly gracePeriodHours?: number };
  /** Address of the `terraform_data` credential instance. */
  readonly instance: string;
  /** Address of the CRUD `aws_lambda_invocation`. */
  readonly invocation: string;
  /** Address of the `aws_secretsmanager_secret`; absent for an adopted credential, whose secret is not the stack's. */
  readonly secret?: string;
};
