/**
 * What the constructs (synth time) and the credential provider (run time) agree on: scope and
 * auth type names and limits, the validation of every declared field, the provider invocation's
 * input and result, the secret tags and the provider's environment names. Pure.
 */
import { ValidationError } from '../errors';
import { SECRET_ARN_PATTERN } from './aws-names';

/** The five Data API scopes, in the canonical order used everywhere (synth, records, results). */
export const SCOPE_NAMES = [
  'conversations',
  'interactions',
  'plugin-calls',
  'plugin-resources',
  'users',
] as const;
export type ScopeName = (typeof SCOPE_NAMES)[number];

export const AUTH_TYPE_NAMES = ['api_key', 'oauth2'] as const;
export type AuthTypeName = (typeof AUTH_TYPE_NAMES)[number];

export const NAME_MAX_LENGTH = 128;
/** Control characters: names and rotation triggers must be printable, so they hold none. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER_PATTERN = /[\u0000-\u001f\u007f]/;
export const DESCRIPTION_MAX_LENGTH = 512;

/** Environment variables of the provider Lambda, set by the construct, read by `handlers/credential-provider/config.ts`. */
export const PROVIDER_ENV = {
  TABLE_NAME: 'CREDENTIALS_TABLE_NAME',
  SECRET_PREFIX: 'CREDENTIALS_SECRET_PREFIX',
  /** The store's hash-key secret (HMAC of adopted keys); unset before 0.3: adopted keys hashed with SHA-256. */
  HASH_KEY_SECRET_ARN: 'CREDENTIALS_HASH_KEY_SECRET_ARN',
} as const;

/**
 * Tags the stack puts on each credential's secret: Terraform's declaration, bound to the secret.
 * The provider writes or reads a credential only through a secret whose tags match its input, and
 * the secret's policy lets only the provider and the deployer change tags, so a crafted invocation
 * cannot mint a credential into another credential's secret, move one, raise its scopes, or change
 * any other declared field (name, description, grace periods), nor learn a record it was not
 * declared for.
 */
export const SECRET_TAGS = {
  /** The store (its table name) whose provider may use the secret; the provider's IAM conditions name it too. */
  STORE: 'data-api-credentials:store',
  /**
   * The whole declaration, as one digest: `sha256(instanceId + "\n" + sha256(declarationText(...)))`,
   * lower-case hex. The inner digest is of literal values only, so the constructs compute it at synth
   * and Terraform only joins it with the instance id (unknown until apply).
   */
  DECLARATION: 'data-api-credentials:declaration',
} as const;

/**
 * Tags of secrets written before 0.3 (store, instance and scopes bound one tag each). Nothing checks
 * them any more; an adoption still refuses a secret that carries one (it held a generated credential).
 */
export const LEGACY_SECRET_TAGS = {
  INSTANCE: 'data-api-credentials:instance',
  SCOPES: 'data-api-credentials:scopes',
} as const;

/** The first line of every declaration text: its format, so a later format never matches this one. */
export const DECLARATION_FORMAT = 'data-api-credential-declaration:v1';

/**
 * The text the declaration digest is made of, but for the instance id: one line each for the
 * format, the store, the auth type and every editable field in `EDITABLE_FIELDS` order (a list
 * space-separated in canonical order, a number in decimal, an absent field empty; a field marked
 * `lineWhenDeclared` is `<field>=<value>` and only when declared). The values are
 * validated ones, which hold no control characters, so the lines cannot run into each other.
 * The Terraform module builds the same lines from its variables.
 */
export function declarationText(storeName: string, declared: Pick<CredentialInput, 'authType'> & Partial<EditableFields>): string {
  const lines: string[] = [];
  for (const name of EDITABLE_FIELD_NAMES) {
    const value: unknown = (declared as Record<string, unknown>)[name];
    const absent = value === undefined || value === null;
    const text = absent ? '' : Array.isArray(value) ? value.join(' ') : String(value);
    if (!('lineWhenDeclared' in EDITABLE_FIELDS[name])) lines.push(text);
    else if (!absent) lines.push(`${name}=${text}`);
  }
  return [DECLARATION_FORMAT, storeName, declared.authType, ...lines].join('\n');
}

/**
 * A credential's id is derived from its instance id, `sha256(CREDENTIAL_ID_SALT + instanceId)`
 * cut to 32 hex characters, by the provider and (in HCL) by the construct, so both agree and a
 * repeated create of one instance finds the same record.
 */
export const CREDENTIAL_ID_SALT = 'data-api-credential:';
export const CREDENTIAL_ID_LENGTH = 32;
/** OAuth 2.0 client ids are `dci_<credentialId>`: identifiers, not secrets. */
export const CLIENT_ID_PREFIX = 'dci_';

/**
 * `retiring`: replaced by a successor in the same secret, still accepted until its `retiresAt`
 * (the rotation's grace period), then refused; DynamoDB's TTL removes it later.
 */
export const CREDENTIAL_STATUSES = ['pending', 'active', 'retiring', 'revoked'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

/**
 * An adopted API key: printable bearer characters (RFC 6750 token68), long enough to be a secret.
 * Our own `dak_` keys qualify too.
 */
export const ADOPTED_API_KEY_PATTERN = /^[A-Za-z0-9\-._~+/]{20,512}=*$/;

/** Grace periods are whole hours, from 0 (revoke at once) to 7 days. */
export const GRACE_PERIOD_MAX_HOURS = 168;
export const DEFAULT_ROTATION_GRACE_PERIOD_HOURS = 24;
export const PROVIDER_ACTIONS = ['create', 'update', 'delete'] as const;
export type ProviderAction = (typeof PROVIDER_ACTIONS)[number];

/**
 * The provider's result. Terraform stores it in state in plain text, next to the invocation's
 * input, for every credential: non-secret metadata only, and only what the input does not hold
 * (its instance id, name, auth type, scopes and secret are in the input already). Results written
 * by earlier versions also repeated those five fields; readers take either.
 */
export interface CredentialResult {
  readonly credentialId: string;
  readonly status: CredentialStatus;
  /** OAuth 2.0 only: the client id is an identifier, not a secret. */
  readonly clientId?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Only on a revoked credential (the result of a delete). */
  readonly revokedAt?: string;
  /** Only on a retiring credential (the result of a delete with a successor and a grace period). */
  readonly retiresAt?: string;
  /** Only on an adopted API key. */
  readonly adopted?: true;
  /** Only on a credential that declares an expiry: when it stops working (ISO 8601, UTC). */
  readonly validUntil?: string;
}

/** The JSON a consumer reads from the credential's secret: the contract consumers code against. */
export type SecretValue =
  | { readonly authType: 'api_key'; readonly apiKey: string; readonly credentialId: string }
  | {
      readonly authType: 'oauth2';
      readonly clientId: string;
      readonly clientSecret: string;
      readonly credentialId: string;
    };

/** A short, printable rendering of a bad value for an error message; never long, never throws. */
function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Characters a name or description may not hold: C0 and C1 controls, DEL, and the invisible and
 * bidirectional formatting characters (Unicode Cf: LRM/RLM, embeddings, overrides, isolates, zero
 * widths, the BOM), which can make a review read differently from what is applied.
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_TEXT_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/;

/** Validates and normalises a display name. */
export function validateName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string') {
    throw new ValidationError(field, describe(value), `a string of 1 to ${NAME_MAX_LENGTH} characters`);
  }
  const name = value.trim();
  if (name.length === 0 || name.length > NAME_MAX_LENGTH) {
    throw new ValidationError(
      field,
      describe(value.length > 40 ? `${value.slice(0, 37)}...` : value) + ` (${value.length} characters)`,
      `1 to ${NAME_MAX_LENGTH} characters, not only spaces`,
    );
  }
  if (UNSAFE_TEXT_CHARACTERS.test(name)) {
    throw new ValidationError(field, describe(value), 'printable characters, no control or bidirectional formatting characters');
  }
  return name;
}

export function validateAuthType(value: unknown, field = 'authType'): AuthTypeName {
  if (typeof value !== 'string' || !(AUTH_TYPE_NAMES as readonly string[]).includes(value)) {
    throw new ValidationError(field, describe(value), AUTH_TYPE_NAMES.map((a) => `"${a}"`).join(' or '));
  }
  return value as AuthTypeName;
}

/** Validates a scope list: at least one, each known, no duplicates. Returns it in canonical order. */
export function validateScopes(value: unknown, field = 'scopes'): ScopeName[] {
  const allowed = `one or more of ${SCOPE_NAMES.map((s) => `"${s}"`).join(', ')}`;
  if (!Array.isArray(value)) {
    throw new ValidationError(field, describe(value), allowed);
  }
  if (value.length === 0) {
    throw new ValidationError(field, '[] (empty)', allowed);
  }
  const seen = new Set<string>();
  for (const scope of value) {
    if (typeof scope !== 'string' || !(SCOPE_NAMES as readonly string[]).includes(scope)) {
      throw new ValidationError(field, `${describe(scope)} (unknown scope)`, allowed);
    }
    if (seen.has(scope)) {
      throw new ValidationError(field, `${describe(scope)} (listed twice)`, `each scope at most once; ${allowed}`);
    }
    seen.add(scope);
  }
  return SCOPE_NAMES.filter((s) => seen.has(s));
}

export function validateDescription(value: unknown, field = 'description'): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > DESCRIPTION_MAX_LENGTH) {
    throw new ValidationError(field, describe(value), `a string of at most ${DESCRIPTION_MAX_LENGTH} characters`);
  }
  if (UNSAFE_TEXT_CHARACTERS.test(value)) {
    throw new ValidationError(field, describe(value), 'printable characters, no control or bidirectional formatting characters');
  }
  return value;
}

export function validateGracePeriodHours(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > GRACE_PERIOD_MAX_HOURS) {
    throw new ValidationError(field, describe(value), `a whole number of hours from 0 to ${GRACE_PERIOD_MAX_HOURS} (7 days)`);
  }
  return value;
}

/** A credential declares its expiry as a date or date-time, or as whole days from its creation (at most 10 years). */
export const EXPIRES_AFTER_DAYS_MAX = 3650;
/** `YYYY-MM-DD` (midnight UTC), or an RFC 3339 date-time with seconds and a zone (`Z` or `+hh:mm`). */
export const EXPIRY_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?$/;

/** The instant of a valid expiry date, in epoch milliseconds (a date alone: its midnight UTC); NaN if it is no real date. */
export function expiryDateMillis(value: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-](\d{2}):(\d{2})))?$/.exec(value);
  if (match === null) return NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return NaN;
  if (match[4] !== undefined) {
    if (Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6]) > 59) return NaN;
    if (match[8] !== undefined && (Number(match[8]) > 23 || Number(match[9]) > 59)) return NaN;
    return Date.parse(value);
  }
  return Date.UTC(year, month - 1, day);
}

/** Validates a declared expiry date (`expiresAt`); kept as written. Whether it is in the future is checked when the credential is created. */
export function validateExpiryDate(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !EXPIRY_DATE_PATTERN.test(value) || !Number.isFinite(expiryDateMillis(value))) {
    throw new ValidationError(field, describe(value), 'an ISO 8601 date (2027-01-31, midnight UTC) or date-time with seconds and a zone (2027-01-31T12:00:00Z)');
  }
  return value;
}

/** Validates a declared lifetime in whole days from creation (`expiresAfterDays`). */
export function validateExpiresAfterDays(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > EXPIRES_AFTER_DAYS_MAX) {
    throw new ValidationError(field, describe(value), `a whole number of days from 1 to ${EXPIRES_AFTER_DAYS_MAX}`);
  }
  return value;
}

/**
 * When a credential with these declared fields, created at `createdAt`, stops working: the
 * declared date, or `expiresAfterDays` whole days after its creation; undefined without either.
 */
export function resolveExpiry(fields: { readonly expiryDate?: string; readonly expiresAfterDays?: number }, createdAt: string): Date | undefined {
  if (fields.expiryDate !== undefined) return new Date(expiryDateMillis(fields.expiryDate));
  if (fields.expiresAfterDays !== undefined) return new Date(Date.parse(createdAt) + fields.expiresAfterDays * 24 * 3600 * 1000);
  return undefined;
}

/** Instance ids are `terraform_data` ids (UUIDs today); kept loose but safe to log and embed in messages. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

export function validateInstanceId(value: unknown, field = 'instanceId'): string {
  if (typeof value !== 'string' || !INSTANCE_ID_PATTERN.test(value)) {
    throw new ValidationError(field, describe(value), '8 to 64 letters, digits or dashes');
  }
  return value;
}

/** A DynamoDB attribute type a declared field is kept as on the credential record. */
export type AttributeType = 'S' | 'N' | 'SS' | 'BOOL';

interface EditableFieldSpec {
  /** Validates and normalises the declared value (undefined: absent); throws a `ValidationError` naming `field`. */
  readonly validate: (value: unknown, field: string) => unknown;
  /** How the record keeps it (the attribute has the field's name). */
  readonly attribute: AttributeType;
  /** Every input and every record has it. */
  readonly required?: true;
  /** Where `DataApiCredentialProps` holds it: a prop, or `parent.prop` of an optional object prop. */
  readonly prop: string;
  /** Where the Terraform module's `credentials` variable holds it (snake case, `parent.attribute` likewise). */
  readonly hcl: string;
  /** Its value when the parent object is declared without it (`rotation` without `gracePeriodHours`). */
  readonly defaultWithParent?: number;
  /** How a review and a drift report name it. */
  readonly label: string;
  /**
   * What the drift check does with it: `repaired` fields are compared with the record and written
   * back from the declaration by `drift --repair`; `compared` ones are reported only.
   */
  readonly drift: 'repaired' | 'compared';
  /** A field that may not be declared together with this one (checked where both are validated). */
  readonly exclusiveWith?: string;
  /**
   * Its declaration text line is `<field>=<value>`, and only when declared: a field added after
   * credentials existed, so that their declaration digest (and their secret's tag) stays the same.
   */
  readonly lineWhenDeclared?: true;
  /** A text field whose review shows both values (numbers always do; free text only that it changed). */
  readonly reviewValues?: true;
}

/**
 * The fields a credential declares that the provider keeps on its record and an update may change
 * in place, one entry each: the one declaration every surface derives from. The construct props'
 * validation, the provider input's type and validation, the record's type and the table's codec,
 * the secret's declaration digest, the review's declaration and rendering, the drift check and its
 * repair, and the Terraform module's variable and its validations (generated by `npm run
 * build:terraform`) all read this table: adding such a field is an entry here, the construct prop
 * that sets it, and a regenerate.
 */
export const EDITABLE_FIELDS = {
  name: { validate: validateName, attribute: 'S', required: true, prop: 'name', hcl: 'name', label: 'name', drift: 'repaired' },
  description: { validate: validateDescription, attribute: 'S', prop: 'description', hcl: 'description', label: 'description', drift: 'repaired' },
  /** Canonical order, no duplicates, at least one; a DynamoDB string set on the record. */
  scopes: { validate: validateScopes, attribute: 'SS', required: true, prop: 'scopes', hcl: 'scopes', label: 'scopes', drift: 'repaired' },
  /**
   * Hours the credential this one replaces keeps working when the replacement is a rotation (same
   * auth type). Absent: 0, the predecessor is revoked at once.
   */
  rotationGracePeriodHours: {
    validate: validateGracePeriodHours,
    attribute: 'N',
    prop: 'rotation.gracePeriodHours',
    hcl: 'rotation.grace_period_hours',
    defaultWithParent: DEFAULT_ROTATION_GRACE_PERIOD_HOURS,
    label: 'rotation grace period (hours)',
    drift: 'repaired',
  },
  /** The same, when the replacement changes the auth type. Absent: 0. */
  authTypeChangeGracePeriodHours: {
    validate: validateGracePeriodHours,
    attribute: 'N',
    prop: 'authTypeChangeGracePeriodHours',
    hcl: 'auth_type_change_grace_period_hours',
    label: 'auth type change grace period (hours)',
    drift: 'repaired',
  },
  /**
   * When the credential stops working: an ISO 8601 date or date-time, in the future when the
   * credential is created. The record also keeps the resolved instant (`validUntil`).
   */
  expiryDate: {
    validate: validateExpiryDate,
    attribute: 'S',
    prop: 'expiresAt',
    hcl: 'expires_at',
    label: 'expires at',
    drift: 'repaired',
    exclusiveWith: 'expiresAfterDays',
    lineWhenDeclared: true,
    reviewValues: true,
  },
  /** Or: whole days after the credential's creation (a rotation, a new credential, starts a new window). */
  expiresAfterDays: {
    validate: validateExpiresAfterDays,
    attribute: 'N',
    prop: 'expiresAfterDays',
    hcl: 'expires_after_days',
    label: 'expires after (days)',
    drift: 'repaired',
    exclusiveWith: 'expiryDate',
    lineWhenDeclared: true,
  },
} as const satisfies Record<string, EditableFieldSpec>;

export type EditableFieldName = keyof typeof EDITABLE_FIELDS;
export const EDITABLE_FIELD_NAMES = Object.keys(EDITABLE_FIELDS) as EditableFieldName[];
type Validated<K extends EditableFieldName> = ReturnType<(typeof EDITABLE_FIELDS)[K]['validate']>;
type RequiredField = { [K in EditableFieldName]: (typeof EDITABLE_FIELDS)[K] extends { required: true } ? K : never }[EditableFieldName];
/** The declared, editable fields: required ones where the validator never returns undefined. */
export type EditableFields = { readonly [K in RequiredField]: Validated<K> } & {
  readonly [K in Exclude<EditableFieldName, RequiredField>]?: Exclude<Validated<K>, undefined>;
};

/**
 * The editable fields' declared values in an object shaped like the construct's props (each at its
 * `prop` path), before validation. A field inside an optional object prop is absent without the
 * object and takes its `defaultWithParent` with it.
 */
export function editableFieldValuesOfProps(props: object): Record<EditableFieldName, unknown> {
  const source = props as Readonly<Record<string, unknown>>;
  const valueOf = (spec: EditableFieldSpec): unknown => {
    const [head, child] = spec.prop.split('.');
    if (child === undefined) return source[head];
    const parent = source[head];
    if (parent === undefined || parent === null) return undefined;
    return (parent as Readonly<Record<string, unknown>>)[child] ?? spec.defaultWithParent;
  };
  return Object.fromEntries(EDITABLE_FIELD_NAMES.map((name) => [name, valueOf(EDITABLE_FIELDS[name])])) as Record<EditableFieldName, unknown>;
}

/** Validates the editable fields of `input`; absent optional ones stay absent. */
export function validateEditableFields(
  input: Readonly<Record<string, unknown>>,
  field: string | ((name: EditableFieldName) => string),
): EditableFields {
  const fields: Record<string, unknown> = {};
  for (const name of EDITABLE_FIELD_NAMES) {
    const value = EDITABLE_FIELDS[name].validate(input[name], typeof field === 'string' ? `${field}.${name}` : field(name));
    if (value !== undefined) fields[name] = value;
  }
  for (const name of EDITABLE_FIELD_NAMES) {
    const other = (EDITABLE_FIELDS[name] as EditableFieldSpec).exclusiveWith as EditableFieldName | undefined;
    if (other !== undefined && name < other && fields[name] !== undefined && fields[other] !== undefined) {
      throw new ValidationError(
        typeof field === 'string' ? `${field}.${name}` : field(name),
        `${describe(fields[name])} and ${EDITABLE_FIELDS[other].prop} ${describe(fields[other])}`,
        `at most one of ${EDITABLE_FIELDS[name].prop} and ${EDITABLE_FIELDS[other].prop}`,
      );
    }
  }
  return fields as EditableFields;
}

/** What the construct sends in `aws_lambda_invocation.input` (Terraform adds `tf`). Never a secret. */
export type CredentialInput = EditableFields & {
  /** Id of the credential instance (`terraform_data.id`); changes only when the credential is replaced. */
  readonly instanceId: string;
  readonly authType: AuthTypeName;
  /** The Secrets Manager secret the provider writes the generated value into. */
  readonly secretArn: string;
  /**
   * Adopt the API key already in `secretArn` instead of generating one: the provider reads it once,
   * stores its hash and writes nothing to the secret.
   */
  readonly adopt?: boolean;
};

/** Validates everything the provider receives, whatever sent it. */
export function validateCredentialInput(value: unknown, field = 'input'): CredentialInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, describe(value), 'a JSON object with instanceId, name, authType, scopes, secretArn');
  }
  const input = value as Record<string, unknown>;
  const instanceId = validateInstanceId(input.instanceId, `${field}.instanceId`);
  const secretArn = input.secretArn;
  if (typeof secretArn !== 'string' || !SECRET_ARN_PATTERN.test(secretArn)) {
    throw new ValidationError(`${field}.secretArn`, describe(secretArn), 'a Secrets Manager secret ARN');
  }
  const editable = validateEditableFields(input, field);
  if (input.adopt !== undefined && typeof input.adopt !== 'boolean') {
    throw new ValidationError(`${field}.adopt`, describe(input.adopt), 'true or false');
  }
  return {
    instanceId,
    ...editable,
    authType: validateAuthType(input.authType, `${field}.authType`),
    secretArn,
    ...(input.adopt === true ? { adopt: true } : {}),
  };
}
