/**
 * The declaration the review reads: what each credential declares in a plan, written by the
 * constructs and the Terraform module, read by the CLI. Pure.
 */
import { AuthTypeName, ScopeName } from './credential';

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
export interface CredentialDeclaration {
  readonly kind: typeof DECLARATION_KIND;
  readonly name: string;
  readonly authType: AuthTypeName;
  readonly scopes: ScopeName[];
  readonly description?: string;
  /** The rotation trigger and the hours a rotated-out value keeps working. */
  readonly rotation?: { readonly trigger: string; readonly gracePeriodHours: number };
  /** Hours the old credential keeps working after an auth type change. */
  readonly authTypeChangeGracePeriodHours?: number;
  /** Address of the `terraform_data` credential instance. */
  readonly instance: string;
  /** Address of the CRUD `aws_lambda_invocation`. */
  readonly invocation: string;
  /** Address of the `aws_secretsmanager_secret`; absent for an adopted credential, whose secret is not the stack's. */
  readonly secret?: string;
}
