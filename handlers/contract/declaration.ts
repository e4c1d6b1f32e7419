/**
 * The declaration the review reads: what each credential declares in a plan, written by the
 * constructs and the Terraform module, read by the CLI. Pure.
 */
import { AuthTypeName, EDITABLE_FIELD_NAMES, EDITABLE_FIELDS, EditableFieldName, EditableFields } from './credential';

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

/**
 * A store's `DeclaredCredentials` entry keeps the optional declared fields (every field of
 * `EDITABLE_FIELDS` that is not required, and the rotation trigger under this key) in one `options`
 * map of strings, holding only those declared: a Terraform map's entries have one type, and a `null`
 * for each field not declared cost about 50 bytes of state a credential apiece.
 */
export const ROTATION_TRIGGER_OPTION = 'rotationTrigger';

/** The optional declared fields of the contract's table, in its order: what an entry's `options` may hold. */
export const OPTIONAL_FIELD_NAMES = EDITABLE_FIELD_NAMES.filter((name) => !('required' in EDITABLE_FIELDS[name]));

/** A declaration's optional fields (and rotation trigger) as an entry's `options`, strings only. */
export function declarationOptions(declaration: Partial<EditableFields> & { readonly rotation?: { readonly trigger: string } }): Record<string, string> {
  const options: Record<string, string> = {};
  for (const name of OPTIONAL_FIELD_NAMES) {
    const value = declaration[name];
    if (value !== undefined && value !== null) options[name] = String(value);
  }
  if (declaration.rotation !== undefined) options[ROTATION_TRIGGER_OPTION] = declaration.rotation.trigger;
  return options;
}

/**
 * An entry with `options` as the fields they stand for: numbers where the table's field is one, the
 * trigger as `rotation`. Keys the table does not know are left out; an entry without `options` (the
 * Terraform module's, or a store's before 0.3) is returned as it is.
 */
export function withOptionsExpanded(entry: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { options, ...rest } = entry;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return { ...entry };
  const expanded: Record<string, unknown> = { ...rest };
  for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
    if (typeof value !== 'string') continue;
    if (key === ROTATION_TRIGGER_OPTION) expanded.rotation = { trigger: value };
    else if ((OPTIONAL_FIELD_NAMES as readonly string[]).includes(key)) {
      expanded[key] = EDITABLE_FIELDS[key as EditableFieldName].attribute === 'N' ? Number(value) : value;
    }
  }
  return expanded;
}
