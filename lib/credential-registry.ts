import { Construct } from 'constructs';
import { EDITABLE_FIELD_NAMES, EDITABLE_FIELDS } from '../handlers/contract/credential';
import { CredentialDeclaration, declarationOptions } from '../handlers/contract/declaration';
import { ValidationError } from '../handlers/errors';
import { DriftCheck, DriftRead } from './drift-check';
import { Fn, TerraformStack } from './framework';
import { hclText } from './hcl-text';
import { StorePolicies } from './store-policies';
import { SECRET_NAME_PATTERN } from './store-rules';

/** A credential's entry in its store's `DeclaredCredentials` output. */
export interface CredentialOutput extends CredentialDeclaration {
  readonly credentialId: string;
  readonly secretArn: string;
  /** OAuth 2.0 only. */
  readonly clientId?: string;
}

/** What a credential tells its store when it joins, its props already checked. */
export interface CredentialRegistration {
  /** The display name: claimed, unique within the store. */
  readonly name: string;
  /** The ARN of the secret it adopts, which the provider may then read though it has no store tag. */
  readonly adoptFrom?: string;
  /** Its secret's name (an adopted one's, or the `secretName` prop); the store's default when undefined. */
  readonly secretName?: string;
  /** Its `driftCheck` prop; the store's when undefined. */
  readonly driftCheck?: boolean;
  /** What it declared, once its resources exist: read at synth, for the store's output and drift check. */
  readonly declared: () => DeclaredCredential | undefined;
}

/** What a credential declared: its output entry and, with a drift check, its read. */
export interface DeclaredCredential {
  readonly output: CredentialOutput;
  readonly driftRead: DriftRead;
}

/** What the store gives a credential that joined. */
export interface RegisteredCredential {
  /** The secret's name, checked against the store's prefix (unless adopted). */
  readonly secretName: string;
  /**
   * The provider function's name as a literal, known at synth: what a credential's instance names,
   * so that instances and secrets do not wait for the function (the function resource's
   * `function_name` is the same string, but a reference to it is an edge in the graph).
   */
  readonly providerFunctionName: string;
  /** The store's policy (IAM JSON text) of secrets without readers; undefined for an adopted credential. */
  readonly sharedSecretPolicy?: string;
  /** The secret policy for the credential's own readers (read at synth). */
  readonly secretPolicy: (readers: () => readonly string[]) => string;
}

/** The store's side of a registry: what it is and holds that its credentials need. */
export interface RegistryStore {
  readonly store: Construct;
  readonly secretPrefix: string;
  /** Whether `secretPrefix` is the default, which already names the stack. */
  readonly prefixIsDefault: boolean;
  readonly driftCheck: boolean;
  readonly providerFunctionName: string;
  /** The provider function's name as its resource has it (a reference), for the drift check. */
  readonly functionName: string;
  /** Logical id of the table, the base of the drift check's name. */
  readonly tableId: string;
  readonly policies: StorePolicies;
}

/**
 * A store's credentials: each joins once (`register`), which claims its name, declares what it
 * adopts, resolves its secret name, and adds it to the store's `DeclaredCredentials` output and drift
 * check, in that order, so no credential can skip or reorder a step.
 */
export class CredentialRegistry {
  private readonly names = new Map<string, string>();
  /** The secrets the credentials declare to adopt: the only untagged ones the provider may read. */
  private readonly adopted = new Set<string>();
  /** The entries of the `DeclaredCredentials` output, by credential (its construct path below the stack). */
  private readonly outputs = new Map<string, () => DeclaredCredential | undefined>();
  private driftCheck?: DriftCheck;

  constructor(private readonly store: RegistryStore) {}

  /** The adopted secrets' ARNs (the provider's role may read them). */
  adoptedSecretArns(): string[] {
    return [...this.adopted];
  }

  /** The `DeclaredCredentials` output's credentials, in the order they joined (read at synth). */
  credentialOutputs(): Record<string, CredentialOutput> {
    return Object.fromEntries([...this.outputs].flatMap(([key, declared]) => {
      const entry = declared();
      return entry === undefined ? [] : [[key, entry.output]];
    }));
  }

  /**
   * The `DeclaredCredentials` output's `credentials` as a Terraform map (`tomap`). Terraform saves an
   * output's type beside its value: for an object of objects the type repeats every credential's
   * attribute names and types (about 495 bytes a credential), a map's type is saved once. A map's
   * entries must have one type, so each has the same attributes (`mapEntry`). Literal values only, but
   * for the ids Terraform derives: known at plan time as before.
   */
  declaredCredentials(): unknown {
    const entries = Object.entries(this.credentialOutputs());
    return Fn.tomap(Object.fromEntries(entries.map(([key, output]) => [hclText(key), mapEntry(output)])));
  }

  register(credential: Construct, registration: CredentialRegistration): RegisteredCredential {
    const path = credential.node.path;
    const secretName = registration.secretName ?? this.defaultSecretName(credential);
    // An adopted secret's name was checked with its ARN (and may be known only at apply).
    if (registration.adoptFrom === undefined && (!secretName.startsWith(this.store.secretPrefix) || !SECRET_NAME_PATTERN.test(secretName))) {
      throw new ValidationError(
        `secretName (DataApiCredential ${path})`,
        JSON.stringify(secretName),
        `a name starting with the store's secretPrefix "${this.store.secretPrefix}", from letters, digits and /_+=.@-`,
      );
    }
    const holder = this.names.get(registration.name);
    if (holder !== undefined) {
      throw new ValidationError(
        `name (DataApiCredential ${path})`,
        JSON.stringify(registration.name),
        `a name not used by another credential of store ${this.store.store.node.path}; ${holder} already has it`,
      );
    }
    this.names.set(registration.name, path);
    if (registration.adoptFrom !== undefined) this.adopted.add(registration.adoptFrom);
    const sharedSecretPolicy = registration.adoptFrom === undefined ? this.store.policies.sharedSecretPolicyText() : undefined;
    if (registration.driftCheck ?? this.store.driftCheck) {
      this.driftCheck ??= new DriftCheck(TerraformStack.of(this.store.store), `${this.store.tableId}_drift`, this.store.functionName);
      this.driftCheck.add(() => registration.declared()?.driftRead);
    }
    this.outputs.set(belowStack(credential).join('/'), registration.declared);
    return {
      secretName,
      providerFunctionName: this.store.providerFunctionName,
      sharedSecretPolicy,
      secretPolicy: (readers) => this.store.policies.secretPolicy(readers),
    };
  }

  /**
   * A credential's default secret name: `<secretPrefix><stack>/<construct path below the stack>`, the
   * same name as before 0.3.0 (the default prefix now ends with the stack, which is not repeated).
   */
  private defaultSecretName(credential: Construct): string {
    const below = belowStack(credential);
    const path = (this.store.prefixIsDefault ? below : [TerraformStack.of(credential).node.id, ...below]).join('/');
    return `${this.store.secretPrefix}${path}`.replace(/[^A-Za-z0-9/_+=.@-]+/g, '-');
  }
}

/** The ids of a construct's path below its stack (a credential's key in the `DeclaredCredentials` output). */
function belowStack(construct: Construct): string[] {
  const stack = TerraformStack.of(construct);
  return construct.node.scopes.slice(stack.node.scopes.length).map((c) => c.node.id);
}

/**
 * One credential's entry of the `DeclaredCredentials` map, of the one type every entry has: the
 * required fields, the addresses and the ids at the top level (`null` where they do not apply: the
 * secret of an adopted key, the client id of an API key), lists as lists (`tolist`: tuples of
 * different lengths have different types), and the optional declared fields, only those declared,
 * as strings in one `options` map (`declarationOptions`; a `null` for each field not declared cost
 * about 50 bytes of state a credential apiece). Readers expand them (`withOptionsExpanded`).
 */
function mapEntry(output: CredentialOutput): Record<string, unknown> {
  const value = (field: unknown): unknown => {
    if (field === undefined || field === null) return null;
    if (Array.isArray(field)) return Fn.tolist(field.map(value));
    return typeof field === 'string' ? hclText(field) : field;
  };
  const options = Object.entries(declarationOptions(output)).map(([name, text]) => [name, hclText(text)]);
  // No `kind` on each entry: the output's own `kind` says what every entry is (45 bytes of state a credential).
  return {
    authType: output.authType,
    ...Object.fromEntries(REQUIRED_FIELD_NAMES.map((name) => [name, value(output[name])])),
    options: Fn.tomap(Object.fromEntries(options)),
    instance: output.instance,
    invocation: output.invocation,
    secret: value(output.secret),
    credentialId: output.credentialId,
    secretArn: value(output.secretArn),
    clientId: value(output.clientId),
  };
}

/** The declared fields every credential has, at the top level of its entry. */
const REQUIRED_FIELD_NAMES = EDITABLE_FIELD_NAMES.filter((name) => 'required' in EDITABLE_FIELDS[name]);
