import { hclTexts, templateText } from './hcl-text';
import { DataAwsKmsAlias, Fn, KmsGrant, LambdaInvocation, Lazy, SecretsmanagerSecret, SecretsmanagerSecretPolicy, Token } from './framework';
import { Construct } from 'constructs';
import { CLIENT_ID_PREFIX, CREDENTIAL_ID_LENGTH, CREDENTIAL_ID_SALT, CONTROL_CHARACTER_PATTERN, CredentialInput, declarationText, EDITABLE_FIELDS, editableFieldValuesOfProps, ScopeName, SECRET_TAGS, validateAuthType, validateEditableFields } from '../handlers/contract/credential';
import { CredentialDeclaration, DECLARATION_KIND } from '../handlers/contract/declaration';
import { ValidationError } from '../handlers/errors';
import { hashSecret } from '../handlers/secret-format';
import { AuthType } from './auth-type';
import { clientReplacedWith, CredentialClient, CredentialInstance } from './credential-instance';
import { CredentialInvocation } from './credential-invocation';
import { DeclaredCredential, RegisteredCredential } from './credential-registry';
import { CredentialStore } from './credential-store';
import { validatePrincipalArn } from './principal-arn';
import { DataApiScope } from './scopes';
import { ADOPTED_SECRET_ARN_PATTERN, ROTATION_TRIGGER_MAX_LENGTH, SECRET_ARN_SUFFIX_PATTERN } from './store-rules';

export interface DataApiCredentialProps {
  /** The store that holds the credential's record and runs its provider. */
  readonly store: CredentialStore;
  /**
   * Display name, as in the product's Credentials list; unique within the store. Editable:
   * a rename is an in-place update.
   */
  readonly name: string;
  /**
   * API key or OAuth 2.0 client. Fixed at creation: changing it replaces the credential (a new
   * one is created, then the old one is revoked).
   * @default AuthType.OAUTH2
   */
  readonly authType?: AuthType;
  /**
   * What data the credential can read: one or more scopes, or `DataApiScope.ALL`. Editable in
   * place. Grant only what the consumer needs.
   */
  readonly scopes: readonly DataApiScope[];
  /**
   * A note for reviewers and the credentials list.
   * @default - none
   */
  readonly description?: string;
  /**
   * Name of the Secrets Manager secret the generated value is written to. Stable across updates
   * and auth type replacements, so consumers keep one reference.
   * @default `<store secretPrefix><stack name>/<construct path below the stack>`
   */
  readonly secretName?: string;
  /**
   * Check this credential for drift on every `terraform plan`: a `check` block reads the record
   * and the secret through the provider and warns, naming the credential and what drifted.
   * Off by default: Terraform re-reads a check's data source at apply, so with it a converged
   * stack's `plan -detailed-exitcode` exits 2 instead of 0. Prefer `data-api-credentials drift`
   * for scheduled checks.
   * @default the store's `driftCheck` (false)
   */
  readonly driftCheck?: boolean;
  /**
   * Rotation without downtime. Changing `trigger` (any non-empty string: a date, a ticket, a
   * counter) replaces the credential create-before-destroy: a new value becomes the secret's
   * current value (same secret ARN), and the old API key or client secret keeps working for
   * `gracePeriodHours`, then the gateway refuses it on its own. Setting `rotation` on an existing
   * credential for the first time rotates it too.
   * @default - no rotation trigger; a replacement revokes the old credential at once
   */
  readonly rotation?: RotationProps;
  /**
   * Hours the old credential keeps working after an `authType` change (a replacement), so
   * consumers can switch over. 0 to 168.
   * @default 0 - the old credential is refused as soon as the new one exists
   */
  readonly authTypeChangeGracePeriodHours?: number;
  /**
   * When the credential stops working: an ISO 8601 date (`2027-01-31`, midnight UTC) or date-time
   * with seconds and a zone (`2027-01-31T12:00:00Z`), in the future when the credential is created.
   * Editable in place. At most one of `expiresAt` and `expiresAfterDays`.
   * @default - never expires
   */
  readonly expiresAt?: string;
  /**
   * The credential stops working this many whole days (1 to 3650) after it was created; a
   * rotation (a new credential) starts a new window. Editable in place.
   * @default - never expires
   */
  readonly expiresAfterDays?: number;
  /**
   * IAM principal ARNs (the consumers) allowed to read the secret. With at least one reader the
   * secret gets a resource policy: these principals may `GetSecretValue`, and every other
   * principal except the store's provider is denied it, whatever its IAM policies say. With a
   * customer KMS key, each reader also gets a KMS grant to decrypt this secret only. Add more
   * with `grantRead`.
   * @default [] - no resource policy: IAM policies alone decide who reads the secret
   */
  readonly readers?: readonly string[];
  /**
   * Bring an existing API key under management without regenerating it: the secret at
   * `fromSecretArn` (under the store's `secretPrefix`, holding JSON `{"apiKey": "..."}`) is read
   * once by the provider, which stores only the key's hash with the declared scopes and writes
   * nothing to it. The secret stays yours: this stack neither creates nor deletes it. Requires
   * `authType: AuthType.API_KEY`; not with `rotation`, `readers` or `secretName`.
   * @default - a new credential is generated
   */
  readonly adopt?: AdoptProps;
}

export interface AdoptProps {
  /** ARN of the Secrets Manager secret holding the existing API key. */
  readonly fromSecretArn: string;
}

export interface RotationProps {
  /** Change this value to rotate: 1 to 128 printable characters; its value means nothing else. */
  readonly trigger: string;
  /**
   * Whole hours the replaced value keeps working, 0 (refused at once) to 168 (7 days).
   * @default 24
   */
  readonly gracePeriodHours?: number;
}

/**
 * A Data API credential declared as code. The secret is generated by the store's provider Lambda
 * and written straight into Secrets Manager: it never appears in Terraform input, state or plans.
 */
export class DataApiCredential extends Construct {
  /** The credential's id in the store; changes when the credential is replaced. */
  readonly credentialId: string;
  /** ARN of the Secrets Manager secret holding the credential's value (JSON). */
  readonly secretArn: string;
  readonly secretName: string;
  /**
   * The OAuth 2.0 client id (an identifier, not a secret); undefined for API keys. Stable across
   * rotations (`dci_` + the first credential id of its rotations); new with an auth type change.
   */
  readonly clientId?: string;
  /**
   * @internal The credential id the client id names (the first of its rotations): how a gateway
   * lists an introspection client, so a rotation changes neither the list nor the function.
   */
  readonly _clientCredentialId?: string;
  readonly name: string;
  readonly authType: AuthType;
  /** The granted scopes, expanded and in canonical order. */
  readonly scopes: readonly ScopeName[];

  /** The store that holds its record (a gateway accepts only its own store's credentials). */
  readonly store: CredentialStore;
  /** Undefined for an adopted credential: its secret is not this stack's. */
  private readonly secret?: SecretsmanagerSecret;
  private readonly where: string;
  /** The store's secret policy, for the readers' own policy. */
  private readonly readersSecretPolicy: RegisteredCredential['secretPolicy'];
  private readonly readerArns: string[] = [];
  private keyAlias?: DataAwsKmsAlias;

  constructor(scope: Construct, id: string, props: DataApiCredentialProps) {
    super(scope, id);
    const where = `DataApiCredential ${this.node.path}`;

    if (!(props.store instanceof CredentialStore)) {
      throw new ValidationError(`store (${where})`, String(props.store), 'a CredentialStore construct');
    }
    const authType = validateAuthType(props.authType ?? AuthType.OAUTH2, `authType (${where})`);
    const rotation = validateRotation(props.rotation, where);
    // Every declared field of the contract's table, read from its prop: name, description, scopes
    // (DataApiScope.ALL expanded, canonical order), the grace periods.
    const fields = validateEditableFields(editableFieldValuesOfProps(props), (field) => `${EDITABLE_FIELDS[field].prop} (${where})`);
    const { name, scopes } = fields;
    const adoptFrom = validateAdopt(props, authType, props.store.secretPrefix, where);
    const readers = (props.readers ?? []).map((arn) => validatePrincipalArn(arn, `readers (${where})`));
    // What the store needs of the credential once its resources exist (read at synth).
    let declaredToStore: DeclaredCredential | undefined;
    const registration = props.store._register(this, {
      name,
      adoptFrom,
      secretName: adoptFrom !== undefined ? adoptedSecretName(adoptFrom) : props.secretName,
      driftCheck: props.driftCheck,
      declared: () => declaredToStore,
    });
    const secretName = registration.secretName;
    const tags = Object.keys(props.store.tags).length > 0 ? { ...props.store.tags } : undefined;

    // The credential instance: its id is new exactly when the credential must be replaced.
    // Every reason to replace the invocation is here too, so a replacement is always a new instance
    // (a replaced invocation of the same instance would create, then revoke, the same credential).
    // The rotation trigger is only there when declared, so adding this feature changed no existing instance.
    const replacedWith = {
      authType,
      ...(adoptFrom === undefined ? { secretName } : { adoptedFrom: adoptFrom }),
      // The literal name (the store's name is known at synth): the instance, and the secret that
      // carries its id, need not wait for the function; only the invocation does.
      functionName: registration.providerFunctionName,
    };
    const instance = new CredentialInstance(this, 'Instance', {
      ...replacedWith,
      ...(rotation === undefined ? {} : { rotation: rotation.trigger }),
    });
    // An OAuth 2.0 client outlives its rotations: its id is its first credential's (see CredentialClient).
    // (OAuth 2.0 adopts nothing: its secret is always the stack's, by name.)
    const client = authType === AuthType.OAUTH2 ? new CredentialClient(this, 'Client', instance.id, clientReplacedWith({ ...replacedWith, secretName })) : undefined;

    const instanceId = instance.id;
    // What the invocation declares besides the instance and the secret.
    const declared = { ...fields, authType };
    // Terraform's declaration, bound to the secret: the provider refuses a write or read whose input
    // differs (see SECRET_TAGS). The secret is updated in place, before the invocation, when they change.
    // Without readers, the store's one policy, on the secret itself (see addReadersPolicy).
    const sharedPolicy = registration.sharedSecretPolicy;
    const secret =
      adoptFrom !== undefined
        ? undefined
        : new SecretsmanagerSecret(this, 'Secret', {
            name: secretName,
            description: templateText(`Data API credential "${name}"; its value is written only by the credential provider`),
            kmsKeyId: props.store.kmsKeyArn,
            recoveryWindowInDays: props.store.secretRecoveryWindowDays,
            policy: Lazy.anyValue({ produce: () => (this.readerArns.length > 0 ? undefined : sharedPolicy!) }) as unknown as string,
            tags: {
              ...(tags ?? {}),
              [SECRET_TAGS.STORE]: props.store.name,
              // Everything but the instance id is known at synth: only the outer digest is Terraform's.
              [SECRET_TAGS.DECLARATION]: Fn.sha256(Fn.join('\n', [instanceId, hashSecret(declarationText(props.store.name, declared))])),
            },
          });
    const secretArn = secret?.arn ?? adoptFrom!;
    const input: CredentialInput = {
      instanceId,
      ...declared,
      secretArn,
      ...(adoptFrom === undefined ? {} : { adopt: true }),
    };
    const instanceAddress = instance.address;
    const invocation = new CredentialInvocation(
      this,
      'Provider',
      {
        functionName: props.store.functionName,
        lifecycleScope: 'CRUD',
        input: Fn.jsonencode(hclTexts(input)),
        // The function (by its name) and the secret (by its ARN in the input) are referenced: no depends_on needed for them.
        dependsOn: props.store.providerDependables.length > 0 ? props.store.providerDependables : undefined,
      },
      instanceAddress,
    );

    // What a reviewer needs, known at plan time even when the invocation's input is not (a new
    // or replaced instance makes the whole input unknown): `data-api-credentials review` reads it
    // in the store's one `DeclaredCredentials` output.
    const declaration: CredentialDeclaration = {
      kind: DECLARATION_KIND,
      ...declared,
      ...(rotation === undefined ? {} : { rotation: { trigger: rotation.trigger } }),
      instance: instanceAddress,
      invocation: `${LambdaInvocation.tfResourceType}.${invocation.friendlyUniqueId}`,
      ...(secret === undefined ? {} : { secret: `${SecretsmanagerSecret.tfResourceType}.${secret.friendlyUniqueId}` }),
    };

    this.store = props.store;
    this.readersSecretPolicy = registration.secretPolicy;
    this.secret = secret;
    this.where = where;

    this.name = name;
    this.authType = authType;
    this.scopes = scopes;
    this.secretArn = secretArn;
    this.secretName = secretName;
    for (const reader of readers) this.grantRead(reader);
    // Derived from the instance id as the provider derives it, so plans show it without a read.
    this.credentialId = Fn.substr(Fn.sha256(Fn.join('', [CREDENTIAL_ID_SALT, instanceId])), 0, CREDENTIAL_ID_LENGTH);
    // The first credential id of the client's rotations: the provider keeps that client id in a rotation.
    this._clientCredentialId =
      client === undefined ? undefined : Fn.substr(Fn.sha256(Fn.join('', [CREDENTIAL_ID_SALT, client.firstInstance])), 0, CREDENTIAL_ID_LENGTH);
    this.clientId = this._clientCredentialId === undefined ? undefined : `${CLIENT_ID_PREFIX}${this._clientCredentialId}`;

    // One entry of the store's `DeclaredCredentials` output (no outputs of its own: at a thousand
    // credentials, outputs are a good part of what Terraform evaluates and saves), and its drift read.
    declaredToStore = {
      output: {
        ...declaration,
        credentialId: this.credentialId,
        secretArn: this.secretArn,
        ...(this.clientId === undefined ? {} : { clientId: this.clientId }),
      },
      driftRead: { key: invocation.friendlyUniqueId, event: { ...input, instanceAddress }, invocation: declaration.invocation },
    };
  }

  /**
   * Lets `principalArn` read this credential's secret (`GetSecretValue`, `DescribeSecret`) and,
   * with a customer KMS key, decrypt it. The first reader adds the secret's resource policy,
   * which from then on denies `GetSecretValue` to every principal except the readers and the
   * store's provider. Granting the same principal twice changes nothing.
   */
  grantRead(principalArn: string): void {
    const reader = validatePrincipalArn(principalArn, `grantRead (${this.where})`);
    if (this.secret === undefined) {
      throw new ValidationError(`grantRead (${this.where})`, JSON.stringify(reader), 'readers only on credentials whose secret the stack creates, not on an adopted one');
    }
    if (this.readerArns.includes(reader)) return;
    this.readerArns.push(reader);
    if (this.readerArns.length === 1) this.addReadersPolicy();
    if (this.store.kmsKeyArn !== undefined) {
      // Decrypt only under this secret's encryption context: the grant opens no other secret of the key.
      new KmsGrant(this, `ReaderKeyGrant${this.readerArns.length - 1}`, {
        keyId: this.grantableKeyArn(this.store.kmsKeyArn),
        granteePrincipal: reader,
        operations: ['Decrypt'],
        constraints: [{ encryptionContextSubset: { SecretARN: this.secretArn } }],
      });
    }
  }

  /** KMS grants need the key itself: an alias ARN is resolved once, at plan time. */
  private grantableKeyArn(keyArn: string): string {
    if (!/:alias\//.test(keyArn)) return keyArn;
    this.keyAlias ??= new DataAwsKmsAlias(this, 'KeyAlias', { name: keyArn.slice(keyArn.indexOf(':alias/') + 1) });
    return this.keyAlias.targetKeyArn;
  }

  /**
   * The secret's resource policy (`SECRET_POLICY` in lib/policies.ts), on every secret the stack
   * creates. It denies reading the value to everyone but the provider and the readers (unless the
   * store's `restrictSecretReads` is off), and changes (value, version stages, tags, the policy
   * itself, deletion) to everyone but the provider and the deployer, whatever their IAM policies
   * allow, so nobody else can swap the value, lift these denies or rewrite the tags the provider checks. `Resource` is `*`, which in a secret's
   * resource policy means that secret: the document does not depend on the secret resource, so a
   * tags update of the secret (a scopes change) does not defer it to apply.
   *
   * Without readers the document is the same for every secret of the store: the store holds it once
   * (a local, `SecretPolicy`), and each secret carries it in its own `policy` argument (at a thousand
   * credentials, a thousand identical data sources and a thousand policy resources were planned and
   * kept in the state, and each policy read back twice on refresh, by the secret and by the policy
   * resource). The first reader gives the credential its own policy resource (`ReadersSecretPolicy`,
   * the 0.2 id, so existing policies update in place), which also let the
   * readers read and deny reading the value to everyone else but the provider; the secret's
   * `policy` is then unset, which leaves the policy to that resource.
   */
  /** The credential's own policy, with the readers known so far and those granted later. */
  private addReadersPolicy(): void {
    new SecretsmanagerSecretPolicy(this, 'ReadersSecretPolicy', { secretArn: this.secretArn, policy: this.readersSecretPolicy(() => this.readerArns) });
  }
}

/** The adopted secret's ARN, checked with everything adoption excludes; undefined without `adopt`. */
function validateAdopt(props: DataApiCredentialProps, authType: string, secretPrefix: string, where: string): string | undefined {
  if (props.adopt === undefined) return undefined;
  const arn: unknown = props.adopt?.fromSecretArn;
  const name = typeof arn === 'string' ? ADOPTED_SECRET_ARN_PATTERN.exec(arn)?.[1] : undefined;
  if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && (name === undefined || !name.startsWith(secretPrefix)))) {
    throw new ValidationError(
      `adopt.fromSecretArn (${where})`,
      JSON.stringify(arn),
      `a Secrets Manager secret ARN whose name starts with the store's secretPrefix "${secretPrefix}" (the provider reads only those)`,
    );
  }
  const conflicts = (['rotation', 'readers', 'secretName'] as const).filter((p) => props[p] !== undefined);
  if (authType !== 'api_key' || conflicts.length > 0) {
    throw new ValidationError(
      `adopt (${where})`,
      authType !== 'api_key' ? `authType "${authType}"` : `with ${conflicts.join(', ')}`,
      'authType: AuthType.API_KEY, and no rotation, readers or secretName (the secret is not the stack\'s)',
    );
  }
  return arn;
}

/** The secret's name: the ARN's resource part without the 6-character suffix AWS appends. */
function adoptedSecretName(arn: string): string {
  return Token.isUnresolved(arn) ? arn : ADOPTED_SECRET_ARN_PATTERN.exec(arn)![1].replace(SECRET_ARN_SUFFIX_PATTERN, '');
}

/** The rotation's trigger (its grace period is a declared field of the contract's table). */
function validateRotation(value: RotationProps | undefined, where: string): Pick<RotationProps, 'trigger'> | undefined {
  if (value === undefined) return undefined;
  const trigger: unknown = value?.trigger;
  if (typeof trigger !== 'string' || trigger.length === 0 || trigger.length > ROTATION_TRIGGER_MAX_LENGTH || CONTROL_CHARACTER_PATTERN.test(trigger)) {
    throw new ValidationError(
      `rotation.trigger (${where})`,
      typeof trigger === 'string' ? JSON.stringify(trigger.slice(0, 40)) : String(trigger),
      `1 to ${ROTATION_TRIGGER_MAX_LENGTH} printable characters`,
    );
  }
  return { trigger };
}
