/**
 * The contract shared by the constructs (synth time) and the provider Lambda (run time):
 * scope and auth type names, limits, the invocation event and result, the table layout and
 * the environment variable names. Pure: no imports beyond `./errors`, so both sides can use it.
 */
import { ValidationError } from './errors';

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

/** Environment variables of the provider Lambda, set by the construct, read by `handlers/config`. */
export const PROVIDER_ENV = {
  TABLE_NAME: 'CREDENTIALS_TABLE_NAME',
  SECRET_PREFIX: 'CREDENTIALS_SECRET_PREFIX',
  /** The store's hash-key secret (HMAC of adopted keys); unset before 0.3: adopted keys hashed with SHA-256. */
  HASH_KEY_SECRET_ARN: 'CREDENTIALS_HASH_KEY_SECRET_ARN',
} as const;

/** DynamoDB layout: one table, a string partition key `pk`, TTL on `expiresAt` (epoch seconds). */
export const TABLE = {
  PARTITION_KEY: 'pk',
  TTL_ATTRIBUTE: 'expiresAt',
  CREDENTIAL_PREFIX: 'CRED#',
  /**
   * `KEYHASH#<sha256 hex>` -> `credentialId`: finds an adopted API key, whose format need not
   * carry its credential id.
   */
  KEY_HASH_PREFIX: 'KEYHASH#',
} as const;

/**
 * Tags the stack puts on each credential's secret: Terraform's declaration, bound to the secret.
 * The provider writes a value only into a secret whose tags match its input, and the secret's
 * policy lets only the provider, the deployer and the admins change tags, so a crafted invocation
 * cannot mint a credential into another credential's secret, move one, or raise its scopes.
 */
export const SECRET_TAGS = {
  /** The store (its table name) whose provider may write the secret. */
  STORE: 'data-api-credentials:store',
  /** The credential instance (`terraform_data` id) the secret belongs to now. */
  INSTANCE: 'data-api-credentials:instance',
  /** The declared scopes, canonical order, space-separated. */
  SCOPES: 'data-api-credentials:scopes',
} as const;

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

/** What the construct sends in `aws_lambda_invocation.input` (Terraform adds `tf`). Never a secret. */
export interface CredentialInput {
  /** Id of the credential instance (`terraform_data.id`); changes only when the credential is replaced. */
  readonly instanceId: string;
  readonly name: string;
  readonly authType: AuthTypeName;
  /** Canonical order, no duplicates, at least one. */
  readonly scopes: ScopeName[];
  /** The Secrets Manager secret the provider writes the generated value into. */
  readonly secretArn: string;
  readonly description?: string;
  /**
   * Hours the credential this one replaces keeps working when the replacement is a rotation (same
   * auth type). Absent: 0, the predecessor is revoked at once.
   */
  readonly rotationGracePeriodHours?: number;
  /** The same, when the replacement changes the auth type. Absent: 0. */
  readonly authTypeChangeGracePeriodHours?: number;
  /**
   * Adopt the API key already in `secretArn` instead of generating one: the provider reads it once,
   * stores its hash and writes nothing to the secret.
   */
  readonly adopt?: boolean;
}

/**
 * An adopted API key: printable bearer characters (RFC 6750 token68), long enough to be a secret.
 * Our own `dak_` keys qualify too.
 */
export const ADOPTED_API_KEY_PATTERN = /^[A-Za-z0-9\-._~+/]{20,512}=*$/;

/** Grace periods are whole hours, from 0 (revoke at once) to 7 days. */
export const GRACE_PERIOD_MAX_HOURS = 168;
export const DEFAULT_ROTATION_GRACE_PERIOD_HOURS = 24;
/** A retired record stays this long after its `retiresAt` (as evidence for the list) before TTL removes it. */
export const RETIRED_RECORD_TTL_SECONDS = 7 * 24 * 3600;

export const PROVIDER_ACTIONS = ['create', 'update', 'delete'] as const;
export type ProviderAction = (typeof PROVIDER_ACTIONS)[number];

/** The event of an `aws_lambda_invocation` with `lifecycle_scope = "CRUD"` and `terraform_key = "tf"`. */
export interface ProviderEvent extends CredentialInput {
  readonly tf: {
    readonly action: ProviderAction;
    readonly prev_input?: CredentialInput | null;
  };
}

/** The provider's result. Terraform stores it in state in plain text: non-secret metadata only. */
export interface CredentialResult {
  readonly credentialId: string;
  readonly instanceId: string;
  readonly name: string;
  readonly authType: AuthTypeName;
  readonly scopes: ScopeName[];
  readonly status: CredentialStatus;
  readonly secretArn: string;
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

/** Instance ids are `terraform_data` ids (UUIDs today); kept loose but safe to log and embed in messages. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

export function validateInstanceId(value: unknown, field = 'instanceId'): string {
  if (typeof value !== 'string' || !INSTANCE_ID_PATTERN.test(value)) {
    throw new ValidationError(field, describe(value), '8 to 64 letters, digits or dashes');
  }
  return value;
}

/** Validates everything the provider receives, whatever sent it. */
export function validateCredentialInput(value: unknown, field = 'input'): CredentialInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, describe(value), 'a JSON object with instanceId, name, authType, scopes, secretArn');
  }
  const input = value as Record<string, unknown>;
  const instanceId = validateInstanceId(input.instanceId, `${field}.instanceId`);
  const secretArn = input.secretArn;
  if (typeof secretArn !== 'string' || !/^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(secretArn)) {
    throw new ValidationError(`${field}.secretArn`, describe(secretArn), 'a Secrets Manager secret ARN');
  }
  const description = validateDescription(input.description, `${field}.description`);
  const rotationGracePeriodHours = validateGracePeriodHours(input.rotationGracePeriodHours, `${field}.rotationGracePeriodHours`);
  const authTypeChangeGracePeriodHours = validateGracePeriodHours(
    input.authTypeChangeGracePeriodHours,
    `${field}.authTypeChangeGracePeriodHours`,
  );
  if (input.adopt !== undefined && typeof input.adopt !== 'boolean') {
    throw new ValidationError(`${field}.adopt`, describe(input.adopt), 'true or false');
  }
  return {
    instanceId,
    name: validateName(input.name, `${field}.name`),
    authType: validateAuthType(input.authType, `${field}.authType`),
    scopes: validateScopes(input.scopes, `${field}.scopes`),
    secretArn,
    ...(description === undefined ? {} : { description }),
    ...(rotationGracePeriodHours === undefined ? {} : { rotationGracePeriodHours }),
    ...(authTypeChangeGracePeriodHours === undefined ? {} : { authTypeChangeGracePeriodHours }),
    ...(input.adopt === true ? { adopt: true } : {}),
  };
}

/**
 * The drift check's event: a plain invocation (Terraform's `aws_lambda_invocation` data source,
 * which adds no `tf`) of `{ action: "read", ...CredentialInput }`. A read compares the declared
 * input with the record and the secret; it never writes and never returns a secret.
 */
export const READ_ACTION = 'read';
export interface ReadEvent extends CredentialInput {
  readonly action: typeof READ_ACTION;
  /** The credential's `terraform_data` address, so the warning can name the exact `-replace` command. */
  readonly instanceAddress?: string;
}

/**
 * The store's drift check reads all its checked credentials in one invocation (one Lambda call
 * per plan, however many credentials): `{ action: "read", credentials: { <key>: ReadEvent without
 * action } }`. A key is the credential's invocation name in the configuration, by which the
 * result lists the drifted ones.
 */
export interface ReadBatchEvent {
  readonly action: typeof READ_ACTION;
  readonly credentials: Readonly<Record<string, Omit<ReadEvent, 'action'>>>;
}

/** Keys of a batched read: Terraform identifiers, usable as `results.<key>` in an expression. */
export const READ_BATCH_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,255}$/;
/** At most this many credentials in one batched read (a store is far smaller in practice). */
export const MAX_READ_BATCH = 5000;

/**
 * The batched read's result. Only drifted credentials are listed: the result is stored in the state
 * and decoded by the check (once per credential while it had one assertion per credential, which
 * made a plan's checks cost grow with the square of their number: 0.6 s at 100, 2.6 s at 200); an
 * in-sync store decodes `{}`.
 */
export interface ReadBatchResult {
  readonly inSync: boolean;
  /** How many credentials were read. */
  readonly checked: number;
  /** The drifted credentials' results by key. */
  readonly drifted: Record<string, ReadResult>;
  /** "in sync", or how many credentials drifted. */
  readonly message: string;
}

/** What a drift finding is about. */
export const DRIFT_FIELDS = ['record', 'status', 'authType', 'secretArn', 'name', 'scopes', 'secret'] as const;
export type DriftField = (typeof DRIFT_FIELDS)[number];

/**
 * One difference between what Terraform declares and what the store holds. `restore` findings
 * (name, scopes) can be written back from the declaration; `replace` ones need a new credential.
 */
export interface DriftFinding {
  readonly field: DriftField;
  readonly declared: string;
  readonly actual: string;
  readonly fix: 'restore' | 'replace';
  /** One line, names and scopes only: never a secret. */
  readonly message: string;
}

/** The read's result, kept in state in plain text: identifiers and findings only. */
export interface ReadResult {
  readonly credentialId: string;
  readonly instanceId: string;
  readonly name: string;
  readonly inSync: boolean;
  readonly drift: DriftFinding[];
  /** "in sync", or every finding's message joined: the check block's warning text. */
  readonly message: string;
}

/*
 * The Data API gateway (token endpoint and records verifier): shared by the `DataApiGateway`
 * construct, its Lambda handlers and the local gateway.
 */

/**
 * Routes of the gateway. The records routes exist once per API version; preview credentials work on
 * both. The OAuth routes (token, revocation, introspection, the two metadata documents) are all
 * served by the token function, the gateway's authorization server.
 */
export const DATA_API_ROUTES = {
  TOKEN: 'POST /oauth/v1/token',
  TOKEN_PATH: '/oauth/v1/token',
  /** RFC 7009 token revocation. */
  REVOKE: 'POST /oauth/v1/revoke',
  REVOKE_PATH: '/oauth/v1/revoke',
  /** RFC 7662 token introspection. */
  INTROSPECT: 'POST /oauth/v1/introspect',
  INTROSPECT_PATH: '/oauth/v1/introspect',
  /** RFC 8414 authorization server metadata (the issuer is the gateway's base URL, which has no path). */
  SERVER_METADATA: 'GET /.well-known/oauth-authorization-server',
  SERVER_METADATA_PATH: '/.well-known/oauth-authorization-server',
  /** RFC 9728 protected resource metadata of the records API (the resource is the base URL too). */
  RESOURCE_METADATA: 'GET /.well-known/oauth-protected-resource',
  RESOURCE_METADATA_PATH: '/.well-known/oauth-protected-resource',
  /** `/v1beta2/` is the preview version: the same credentials work on `/v1/` and `/v1beta2/`. */
  VERSIONS: ['v1', 'v1beta2'],
  recordsRoute: (version: string): string => `GET /export/${version}/records/{entity}`,
} as const;

/** Access tokens and their DynamoDB items (`TOKEN#<sha256 hex of the token>`, TTL on `expiresAt`). */
export const ACCESS_TOKEN = {
  ITEM_PREFIX: 'TOKEN#',
  /** Recognisable in logs and by secret scanners: `dat_<43 base62 random><6 base62 CRC-32>`. */
  PREFIX: 'dat_',
  LIFETIME_SECONDS: 3600,
  TYPE: 'Bearer',
} as const;

/** Verification records `lastUsedAt` on a credential at most this often. */
export const LAST_USED_INTERVAL_SECONDS = 60;

/** The realm of the `WWW-Authenticate` challenges of the gateway. */
export const DATA_API_REALM = 'data-api';

/** Environment variables of the token endpoint and records verifier Lambdas, read by `handlers/verifier/config`. */
export const VERIFIER_ENV = {
  TABLE_NAME: 'CREDENTIALS_TABLE_NAME',
  /** Records backend: a Lambda function ARN ... */
  BACKEND_FUNCTION_ARN: 'DATA_API_BACKEND_FUNCTION_ARN',
  /** ... or an HTTP(S) base URL. Exactly one of the two is set on the records verifier. */
  BACKEND_URL: 'DATA_API_BACKEND_URL',
  /** Seconds a verification result is reused in a warm verifier; 0 checks the store on every request. */
  AUTH_CACHE_TTL_SECONDS: 'DATA_API_AUTH_CACHE_TTL_SECONDS',
  /**
   * Token function only, optional: the issuer identifier (base URL) the metadata names. Unset, the
   * base URL is the one the request came in on, as API Gateway reports it (see `metadata.ts`).
   */
  ISSUER: 'DATA_API_ISSUER',
  /** Token function only: credential ids (comma-separated) whose clients may call the introspection endpoint. */
  INTROSPECTION_CREDENTIAL_IDS: 'DATA_API_INTROSPECTION_CREDENTIAL_IDS',
  /** The store's hash-key secret, to find adopted keys by their HMAC; optional. */
  HASH_KEY_SECRET_ARN: 'DATA_API_HASH_KEY_SECRET_ARN',
} as const;

/** The client authentication methods of the token, revocation and introspection endpoints (RFC 8414 names). */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;

/** An issuer identifier (RFC 8414 section 2): https, no query or fragment; no trailing slash, so paths append. */
export const ISSUER_PATTERN = /^https:\/\/[A-Za-z0-9.-]{1,253}(:\d{1,5})?(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$/;

/** At most this many credentials may call the introspection endpoint (their ids share the 4 KB of Lambda environment). */
export const MAX_INTROSPECTION_CLIENTS = 50;

/** Headers the records verifier adds for an HTTP backend (a Lambda backend gets `requestContext.authorizer.lambda`). */
export const BACKEND_HEADERS = {
  CREDENTIAL_ID: 'x-data-api-credential-id',
  SCOPES: 'x-data-api-scopes',
  AUTH_TYPE: 'x-data-api-auth-type',
} as const;

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
 * Each credential's `Declaration` Terraform output: what it declares, and the addresses of its
 * resources. Plain and known at plan time, so a review of a plan can name every credential it
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
