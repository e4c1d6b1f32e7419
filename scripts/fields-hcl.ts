/**
 * The Terraform module's declared fields, written from the contract's field table
 * (`EDITABLE_FIELDS`) by `npm run build:terraform` into `terraform/fields.generated.tf`:
 *
 * - `variable "credentials"`: its object type (each field at its `hcl` path, beside the attributes
 *   that are not declared fields) and every validation, each field's from the kind of its validator;
 * - `local.declared_fields`: per credential, every field normalised as the provider validates it
 *   (names trimmed, scopes canonical with "all" expanded, a parent's default), under the input's
 *   camelCase names;
 * - `local.declaration_field_lines`: the lines of `declarationText` after the store and the auth
 *   type, for the secret's declaration tag.
 *
 * A field with a validator of a kind this file knows needs nothing here: an entry in the table is
 * enough. The output is laid out as `terraform fmt` writes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EDITABLE_FIELD_NAMES,
  EDITABLE_FIELDS,
  EditableFieldName,
  validateDescription,
  validateExpiresAfterDays,
  validateExpiryDate,
  validateGracePeriodHours,
  validateName,
  validateScopes,
} from '../handlers/contract/credential';

type Spec = (typeof EDITABLE_FIELDS)[EditableFieldName];

/** `description`, `rotation.grace_period_hours`: what an error message calls the field. */
const where = (spec: Spec) => spec.hcl;

/** The raw value in `var.credentials[key]` (as `c`); a nested one is null without its parent. */
function raw(spec: Spec): string {
  const [parent, child] = spec.hcl.split('.');
  return child === undefined ? `c.${parent}` : `try(c.${parent}.${child}, null)`;
}

/** `for key, c in var.credentials`: one validation, listing every credential that fails it. */
function validation(condition: string, message: string): string {
  return [
    '  validation {',
    `    condition = alltrue([for key, c in var.credentials : ${condition}])`,
    `    error_message = join("\\n", [for key, c in var.credentials : "${message}"`,
    `    if !(${condition})])`,
    '  }',
  ].join('\n');
}

interface Kind {
  /** The attribute's type in the variable's object type. */
  readonly type: (spec: Spec) => string;
  /** The normalised value, from the raw one (`v`). */
  readonly normalised: (spec: Spec, v: string) => string;
  readonly validations: (spec: Spec, v: string) => string[];
  /** Its line of the declaration text (`f` is the normalised field). */
  readonly line: (f: string) => string;
}

const TEXT_LINE = (f: string) => `${f} == null ? "" : ${f}`;

/** How each validator of the contract is written in HCL. */
const KINDS = new Map<unknown, Kind>([
  [
    validateName,
    {
      type: () => 'string',
      normalised: (_, v) => `trimspace(${v})`,
      validations: (spec, v) => [
        validation(
          `length(trimspace(${v})) >= 1 && length(trimspace(${v})) <= local.contract.name_max_length && !can(regex(local.contract.unsafe_text_pattern, ${v}))`,
          `Invalid ${where(spec)} (credentials[\\"\${key}\\"]): got \${jsonencode(${v})}; allowed: 1 to \${local.contract.name_max_length} printable characters, not only spaces, no control or bidirectional formatting characters`,
        ),
        // Unique within the store.
        [
          '  validation {',
          `    condition = length(distinct([for c in values(var.credentials) : trimspace(${v})])) == length(var.credentials)`,
          `    error_message = join("\\n", [for value, holders in { for key, c in var.credentials : trimspace(${v}) => key... } : "Invalid ${where(spec)} (credentials[\\"\${holders[1]}\\"]): got \${jsonencode(value)}; allowed: a ${where(spec)} not used by another credential of this store; credentials[\\"\${holders[0]}\\"] already has it"`,
          '    if length(holders) > 1])',
          '  }',
        ].join('\n'),
      ],
      line: TEXT_LINE,
    },
  ],
  [
    validateDescription,
    {
      type: () => 'optional(string)',
      normalised: (_, v) => `${v} == "" ? null : ${v}`,
      validations: (spec, v) => [
        validation(
          `${v} == null || length(coalesce(${v}, "-")) <= local.contract.description_max_length`,
          `Invalid ${where(spec)} (credentials[\\"\${key}\\"]): got \${length(coalesce(${v}, "-"))} characters; allowed: a string of at most \${local.contract.description_max_length} characters`,
        ),
        validation(
          `${v} == null || !can(regex(local.contract.unsafe_text_pattern, coalesce(${v}, "-")))`,
          `Invalid ${where(spec)} (credentials[\\"\${key}\\"]): got \${jsonencode(${v})}; allowed: printable characters, no control or bidirectional formatting characters`,
        ),
      ],
      line: TEXT_LINE,
    },
  ],
  [
    validateScopes,
    {
      type: () => 'list(string)',
      normalised: (_, v) => `[for s in local.contract.scope_names : s if contains(${v}, s) || ${v} == tolist(["all"])]`,
      validations: (spec, v) => [
        validation(
          `length(${v}) > 0`,
          `Invalid ${where(spec)} (credentials[\\"\${key}\\"]): got [] (empty); allowed: one or more of \${join(", ", [for s in local.contract.scope_names : "\\"\${s}\\""])}, or [\\"all\\"]`,
        ),
        validation(
          `${v} == tolist(["all"]) || alltrue([for s in ${v} : contains(local.contract.scope_names, s)])`,
          `Invalid ${where(spec)} (credentials[\\"\${key}\\"]): got \${jsonencode([for s in ${v} : s if !contains(local.contract.scope_names, s)])} (unknown scope); allowed: one or more of \${join(", ", [for s in local.contract.scope_names : "\\"\${s}\\""])}, or [\\"all\\"] alone`,
        ),
        validation(
          `length(distinct(${v})) == length(${v})`,
          `Invalid ${where(spec)} (credentials[\\"\${key}\\"]): got \${jsonencode(${v})} (listed twice); allowed: each scope at most once`,
        ),
      ],
      line: (f) => `join(" ", ${f})`,
    },
  ],
  [
    validateGracePeriodHours,
    {
      type: () => 'optional(number)',
      normalised: (spec, v) => {
        const [parent, child] = spec.hcl.split('.');
        const fallback = (spec as { readonly defaultWithParent?: number }).defaultWithParent;
        return child === undefined || fallback === undefined ? v : `c.${parent} == null ? null : coalesce(c.${parent}.${child}, ${fallback})`;
      },
      validations: (spec, v) => [
        validation(
          `${v} == null || try(floor(${v}) == ${v} && ${v} >= 0 && ${v} <= local.contract.grace_period_max_hours, false)`,
          `Invalid ${where(spec)} (credentials[\\"\${key}\\"]): got \${${v} == null ? "null" : ${v}}; allowed: a whole number of hours from 0 to \${local.contract.grace_period_max_hours} (7 days)`,
        ),
      ],
      line: (f) => `${f} == null ? "" : tostring(${f})`,
    },
  ],
  [
    validateExpiryDate,
    {
      type: () => 'optional(string)',
      normalised: (_, v) => `${v} == "" ? null : ${v}`,
      validations: (spec, v) => {
        const ok = `${v} == null || ${v} == "" || (can(regex("^\\\\d{4}-\\\\d{2}-\\\\d{2}$", coalesce(${v}, "-"))) && can(formatdate("YYYY", "\${coalesce(${v}, "-")}T00:00:00Z"))) || (can(regex("^\\\\d{4}-\\\\d{2}-\\\\d{2}T\\\\d{2}:\\\\d{2}:\\\\d{2}(\\\\.\\\\d{1,9})?(Z|[+-]\\\\d{2}:\\\\d{2})$", coalesce(${v}, "-"))) && can(formatdate("YYYY", coalesce(${v}, "-"))))`;
        return [
          validation(
            ok,
            `Invalid ${where(spec)} (credentials[\\"\${key}\\"]): got \${jsonencode(${v})}; allowed: an ISO 8601 date (2027-01-31, midnight UTC) or date-time with seconds and a zone (2027-01-31T12:00:00Z)`,
          ),
        ];
      },
      line: (f) => `"expiryDate=\${${f}}"`,
    },
  ],
  [
    validateExpiresAfterDays,
    {
      type: () => 'optional(number)',
      normalised: (_, v) => v,
      validations: (spec, v) => [
        validation(
          `${v} == null || try(floor(${v}) == ${v} && ${v} >= 1 && ${v} <= local.contract.expires_after_days_max, false)`,
          `Invalid ${where(spec)} (credentials[\\"\${key}\\"]): got \${${v} == null ? "null" : ${v}}; allowed: a whole number of days from 1 to \${local.contract.expires_after_days_max}`,
        ),
      ],
      line: (f) => `"expiresAfterDays=\${${f}}"`,
    },
  ],
]);

function kindOf(name: EditableFieldName): Kind {
  const kind = KINDS.get(EDITABLE_FIELDS[name].validate);
  if (kind === undefined) throw new Error(`scripts/fields-hcl.ts: no HCL for the validator of field ${name}: add its kind to KINDS`);
  return kind;
}

/**
 * The attributes of a credential that are not declared fields, with their types; an object's
 * declared fields join it at their `hcl` path. Their validations are below, as HCL.
 */
const OTHER_ATTRIBUTES: ReadonlyArray<readonly [string, string | Record<string, string>]> = [
  ['auth_type', 'optional(string, "oauth2")'],
  ['secret_name', 'optional(string)'],
  ['rotation', { trigger: 'string' }],
  ['readers', 'optional(list(string), [])'],
  ['drift_check', 'optional(bool)'],
  ['adopt', { from_secret_arn: 'string' }],
];

/** The other attributes' validations, hand-written HCL (without its opening comment). */
function otherValidations(): string {
  const text = readFileSync(join(__dirname, 'credentials-validations.hcl'), 'utf8');
  return text.replace(/^(#.*\n)+\n/, '').trimEnd();
}

/** Lines `name = value` aligned on `=` as terraform fmt aligns a run of single-line attributes. */
function aligned(entries: ReadonlyArray<readonly [string, string]>, indent: string): string[] {
  const lines: string[] = [];
  let run: Array<readonly [string, string]> = [];
  const flush = () => {
    const width = Math.max(...run.map(([name]) => name.length));
    for (const [name, value] of run) lines.push(`${indent}${name.padEnd(width)} = ${value}`);
    run = [];
  };
  for (const entry of entries) {
    if (entry[1].includes('\n')) {
      if (run.length > 0) flush();
      lines.push(`${indent}${entry[0]} = ${entry[1]}`);
    } else run.push(entry);
  }
  if (run.length > 0) flush();
  return lines;
}

function objectType(): string {
  const top: Array<readonly [string, string]> = [];
  const nested = new Map<string, Array<readonly [string, string]>>();
  for (const name of EDITABLE_FIELD_NAMES) {
    const spec = EDITABLE_FIELDS[name];
    const [parent, child] = spec.hcl.split('.');
    if (child === undefined) top.push([parent, kindOf(name).type(spec)]);
    else nested.set(parent, [...(nested.get(parent) ?? []), [child, kindOf(name).type(spec)]]);
  }
  for (const [attribute, type] of OTHER_ATTRIBUTES) {
    if (typeof type === 'string') {
      top.push([attribute, type]);
      continue;
    }
    const members = [...Object.entries(type), ...(nested.get(attribute) ?? [])];
    top.push([attribute, `optional(object({\n${aligned(members, '      ').join('\n')}\n    }))`]);
  }
  return `map(object({\n${aligned(top, '    ').join('\n')}\n  }))`;
}

/** `terraform/fields.generated.tf`. */
export function fieldsHcl(): string {
  const fieldValidations = EDITABLE_FIELD_NAMES.flatMap((name) => kindOf(name).validations(EDITABLE_FIELDS[name], raw(EDITABLE_FIELDS[name])));
  const normalised = EDITABLE_FIELD_NAMES.map((name) => [name, kindOf(name).normalised(EDITABLE_FIELDS[name], raw(EDITABLE_FIELDS[name]))] as const);
  const always = EDITABLE_FIELD_NAMES.filter((name) => !('lineWhenDeclared' in EDITABLE_FIELDS[name]));
  const whenDeclared = EDITABLE_FIELD_NAMES.filter((name) => 'lineWhenDeclared' in EDITABLE_FIELDS[name]);
  const lines = always.map((name) => `      ${kindOf(name).line(`f.${name}`)},`);
  // A field added after credentials existed: its line (`<field>=<value>`) only when declared.
  const optionalLines = whenDeclared.map((name) => `      f.${name} == null ? [] : [${kindOf(name).line(`f.${name}`)}],`);
  // Fields that may not be declared together.
  const exclusive = EDITABLE_FIELD_NAMES.flatMap((name) => {
    const other = (EDITABLE_FIELDS[name] as { readonly exclusiveWith?: EditableFieldName }).exclusiveWith;
    if (other === undefined || name > other) return [];
    const [a, b] = [EDITABLE_FIELDS[name], EDITABLE_FIELDS[other]];
    return [validation(`${raw(a)} == null || ${raw(b)} == null`, `Invalid ${where(a)} (credentials[\\"\${key}\\"]): got both ${where(a)} and ${where(b)}; allowed: at most one of ${where(a)} and ${where(b)}`)];
  });
  return [
    '# Generated by `npm run build:terraform` from EDITABLE_FIELDS (handlers/contract/credential.ts), the',
    '# one table of the fields a credential declares, by scripts/fields-hcl.ts. Do not edit.',
    '',
    'variable "credentials" {',
    '  description = "The store\'s credentials by key (letters, digits, _ and -). See README.md for each attribute."',
    `  type = ${objectType()}`,
    '  default  = {}',
    '  nullable = false',
    '',
    otherValidations(),
    '',
    [...fieldValidations, ...exclusive].join('\n\n'),
    '}',
    '',
    'locals {',
    '  # Every declared field, normalised as the provider validates it, under the input\'s names.',
    '  declared_fields = {',
    '    for key, c in var.credentials : key => {',
    ...aligned(normalised, '      '),
    '    }',
    '  }',
    '',
    '  # The declaration text\'s field lines (declarationText), in the table\'s order.',
    '  declaration_field_lines = {',
    ...(optionalLines.length === 0
      ? ['    for key, f in local.declared_fields : key => [', ...lines, '    ]']
      : ['    for key, f in local.declared_fields : key => concat([', ...lines, '      ],', ...optionalLines, '    )']),
    '  }',
    '}',
    '',
  ].join('\n');
}
