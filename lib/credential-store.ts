import { DataAwsCallerIdentity, DataAwsIamPolicyDocument, DataAwsIamSessionContext, DataAwsPartition, DataAwsRegion, DynamodbResourcePolicy, DynamodbTable, Fn, ITerraformDependable, Lazy, SecretsmanagerSecret, SecretsmanagerSecretPolicy, TerraformOutput, TerraformStack } from './framework';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { SECRET_TAGS } from '../handlers/contract/credential';
import { CredentialDeclaration, DECLARATIONS_KIND } from '../handlers/contract/declaration';
import { READ_ACTION, ReadBatchEvent, ReadEvent } from '../handlers/contract/drift';
import { TABLE } from '../handlers/contract/table';
export { SECRET_TAGS } from '../handlers/contract/credential';
import { ValidationError } from '../handlers/errors';
import { CredentialProviderFunction } from '../providers';
import { DEFAULT_RESERVED_CONCURRENCY } from '../providers/function-settings';
import { validatePrincipalArn } from './principal-arn';
import { HASH_KEY_POLICY, PolicyBindings, PolicyDocumentData, RenderedStatement, renderStatements, SECRET_POLICY, STORE_GUARDRAIL, TABLE_POLICY } from './policies';
import {
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_SECRET_PREFIX,
  DEFAULT_SECRET_RECOVERY_WINDOW_DAYS,
  isReservedConcurrency,
  KMS_KEY_ARN_PATTERN,
  LOG_RETENTION_DAYS,
  RESERVED_CONCURRENCY_ALLOWED,
  SECRET_PREFIX_PATTERN,
  STORE_NAME_PATTERN,
} from './store-rules';

export interface CredentialStoreProps {
  /**
   * Name of the DynamoDB table holding the credential records (ids, names, auth types, scopes,
   * status and secret hashes; never a secret). Also the base of the provider function's name.
   * @default `<stack name>-<construct id>`, sanitised
   */
  readonly name?: string;
  /**
   * Prefix of the Secrets Manager secret names of this store's credentials. The provider may
   * write only secrets under it (and tagged as this store's), so it is the boundary of what the
   * provider can touch.
   * @default 'data-api/credentials/<stack name>/' (before 0.3.0: 'data-api/credentials/' for every store)
   */
  readonly secretPrefix?: string;
  /**
   * A customer-managed KMS key for the table, the secrets and the logs. Without it, AWS-owned
   * keys encrypt them at rest.
   * @default - AWS-managed encryption
   */
  readonly kmsKeyArn?: string;
  /**
   * IAM principal ARNs (the Super Admins of the product page) allowed to invoke the provider,
   * besides the identity that deploys the stack.
   * @default []
   */
  readonly admins?: readonly string[];
  /**
   * Tags for every resource of the store and of its credentials.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Protect the table from deletion. Turn off only for stacks meant to be destroyed, such as demos.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Days the provider's logs are kept (a value CloudWatch Logs accepts).
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Days a deleted credential's secret stays recoverable. 0 deletes it at once, which lets a
   * credential of the same secret name be created again right away; otherwise 7 to 30.
   * @default 30
   */
  readonly secretRecoveryWindowDays?: number;
  /**
   * Whether the store's credentials check for drift on every plan (see `DataApiCredential`
   * `driftCheck`, which overrides this per credential). Off by default: it makes a converged
   * stack's `plan -detailed-exitcode` exit 2.
   * @default false
   */
  readonly driftCheck?: boolean;
  /**
   * Give the table a resource policy that denies item writes to every principal except the
   * admins, the deploying identity (for `drift --repair`), the provider and the gateway functions
   * of this store, whatever their IAM policies allow. Turn off only if another tool must write
   * the table.
   * @default true
   */
  readonly restrictTableWrites?: boolean;
  /**
   * In the same table resource policy, deny item reads (GetItem, Query, Scan, the PartiQL select,
   * exports) to every principal except the admins, the deployer, the store's functions and
   * `tableReaders`, whatever their IAM policies allow (`ReadOnlyAccess`, say): the records hold no
   * secret, but their hashes and ids are nobody else's business. The `list` and `drift` commands
   * read the table: run them as one of these.
   * @default true (with `restrictTableWrites`)
   */
  readonly restrictTableReads?: boolean;
  /**
   * More principal ARNs allowed to read the table despite `restrictTableReads`, such as the role
   * a scheduled `drift` job runs as.
   * @default []
   */
  readonly tableReaders?: readonly string[];
  /**
   * Give every credential secret a policy that denies `GetSecretValue` to every principal except the
   * provider and the credential's `readers`, whatever their IAM policies allow. Turn off only if your
   * consumers get their reads through IAM policies (then, on a secret without readers, any principal
   * whose IAM allows `secretsmanager:GetSecretValue` on it reads its value). Before 0.3.0, off.
   * @default true
   */
  readonly restrictSecretReads?: boolean;
  /**
   * Reserved concurrency of the provider function: this many concurrent executions are kept for it
   * out of the account's concurrency, so no other function (a flooded Data API gateway, say) can
   * starve `terraform apply`; it is also the most it runs at once (more invocations are throttled,
   * 429, which Terraform's AWS provider retries). A whole number from 1 to 10000, or `false` for no
   * reservation: AWS keeps 100 of an account's concurrency unreserved, so an account whose quota is
   * small (new accounts can have only 10) cannot reserve any; set `false` there.
   * @default 10 (Terraform's default parallelism)
   */
  readonly providerReservedConcurrency?: number | false;
}

export { SECRET_CHANGE_ACTIONS, TABLE_CONTROL_ACTIONS, TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from './store-rules';

/**
 * Where a group of Data API credentials lives: the DynamoDB table of their records and the
 * provider Lambda that generates, updates and revokes them.
 */
export class CredentialStore extends Construct {
  readonly tableName: string;
  readonly tableArn: string;
  readonly functionName: string;
  readonly functionArn: string;
  /** The provider's execution role, which reads and writes the credentials' secrets. */
  readonly providerRoleArn: string;
  readonly secretPrefix: string;
  readonly kmsKeyArn?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly secretRecoveryWindowDays: number;
  /** The default of its credentials' `driftCheck`. */
  readonly driftCheck: boolean;
  /** `arn:<partition>:secretsmanager:<region>:<account>:secret:<prefix>*` */
  readonly secretArnPattern: string;
  /** The store's name (its table's): the value of every credential secret's store tag. */
  readonly name: string;
  /** The region the store is deployed to (known at apply). */
  readonly region: string;
  /** The admins' principal ARNs. */
  readonly admins: readonly string[];
  /** The deploying identity as a principal ARN (for an assumed role, the role), known at apply. */
  readonly deployerArn: string;
  /**
   * The store's hash-key secret: the HMAC key adopted API keys are hashed with (its value written
   * by the provider on the first adoption, read by the store's functions only).
   */
  readonly hashKeySecretArn: string;
  /**
   * What each credential's invocation waits for on create and outlives on destroy, besides the
   * provider function it names (a reference, and the function waits for its permissions, its log
   * group and the table it is given).
   */
  readonly providerDependables: ITerraformDependable[];

  private readonly credentialNames = new Map<string, string>();
  /** Whether `secretPrefix` is the default, which already names the stack. */
  private readonly prefixIsDefault: boolean;
  /** The drift check's reads by key (the credential's invocation name); created with the first. */
  private driftReads?: Map<string, { readonly event: Omit<ReadEvent, 'action'>; readonly invocation: string }>;
  /** Logical id of the table, the base of the drift check's name. */
  private readonly tableId: string;
  /** The secrets this store's credentials declare to adopt: the only untagged ones the provider may read. */
  private readonly adoptedSecrets = new Set<string>();
  /** The gateway functions' roles: they write the table and read the hash key, as the provider does. */
  private readonly gatewayRoles: string[] = [];
  /** What the store's policy documents are rendered with, but the gateway's roles (added later). */
  private readonly policyBase: {
    readonly values: PolicyBindings['values'];
    readonly tableReaders: readonly string[];
    readonly flags: PolicyBindings['flags'];
  };
  /** The entries of the `DeclaredCredentials` output, by credential (its construct path below the stack). */
  private readonly credentialOutputs = new Map<string, CredentialOutput>();
  /** The secret policy of every credential without readers; made with the first such credential. */
  private sharedSecretPolicy?: DataAwsIamPolicyDocument;
  /**
   * The provider function's name as a literal, known at synth: what a credential's instance names,
   * so that instances and secrets do not wait for the function (the function resource's
   * `function_name` is the same string, but a reference to it is an edge in the graph).
   * @internal
   */
  readonly _providerFunctionName: string;

  constructor(scope: Construct, id: string, props: CredentialStoreProps = {}) {
    super(scope, id);
    const where = `CredentialStore ${this.node.path}`;

    const name = props.name ?? defaultName(this);
    if (!STORE_NAME_PATTERN.test(name)) {
      throw new ValidationError(
        `name (${where})`,
        JSON.stringify(name),
        '3 to 55 letters, digits, "-" or "_" (the provider function is named "<name>-provider")',
      );
    }
    const secretPrefix = props.secretPrefix ?? defaultSecretPrefix(this);
    if (!SECRET_PREFIX_PATTERN.test(secretPrefix)) {
      throw new ValidationError(
        `secretPrefix (${where})`,
        JSON.stringify(secretPrefix),
        '1 to 256 characters from letters, digits and /_+=.@-',
      );
    }
    if (props.kmsKeyArn !== undefined && !KMS_KEY_ARN_PATTERN.test(props.kmsKeyArn)) {
      throw new ValidationError(`kmsKeyArn (${where})`, JSON.stringify(props.kmsKeyArn), 'a KMS key or alias ARN');
    }
    const admins = props.admins ?? [];
    for (const admin of admins) validatePrincipalArn(admin, `admins (${where})`);
    const tableReaders = props.tableReaders ?? [];
    for (const reader of tableReaders) validatePrincipalArn(reader, `tableReaders (${where})`);
    const logRetentionDays = props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
      throw new ValidationError(`logRetentionDays (${where})`, String(logRetentionDays), LOG_RETENTION_DAYS.join(', '));
    }
    const reserved = props.providerReservedConcurrency ?? DEFAULT_RESERVED_CONCURRENCY.provider;
    if (!isReservedConcurrency(reserved)) {
      throw new ValidationError(`providerReservedConcurrency (${where})`, typeof reserved === 'string' ? JSON.stringify(reserved) : String(reserved), RESERVED_CONCURRENCY_ALLOWED);
    }
    const recovery = props.secretRecoveryWindowDays ?? DEFAULT_SECRET_RECOVERY_WINDOW_DAYS;
    if (!(recovery === 0 || (Number.isInteger(recovery) && recovery >= 7 && recovery <= 30))) {
      throw new ValidationError(`secretRecoveryWindowDays (${where})`, String(recovery), '0, or a whole number from 7 to 30');
    }

    this.secretPrefix = secretPrefix;
    this.prefixIsDefault = props.secretPrefix === undefined;
    this.kmsKeyArn = props.kmsKeyArn;
    this.tags = { ...(props.tags ?? {}) };
    this.secretRecoveryWindowDays = recovery;
    this.driftCheck = props.driftCheck ?? false;
    const tags = Object.keys(this.tags).length > 0 ? { ...this.tags } : undefined;

    const table = new DynamodbTable(this, 'Table', {
      name,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: TABLE.PARTITION_KEY,
      attribute: [{ name: TABLE.PARTITION_KEY, type: 'S' }],
      ttl: { attributeName: TABLE.TTL_ATTRIBUTE, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      deletionProtectionEnabled: props.deletionProtection ?? true,
      tags,
    });

    const partition = new DataAwsPartition(this, 'Partition');
    const region = new DataAwsRegion(this, 'Region');
    const account = new DataAwsCallerIdentity(this, 'Account');
    this.secretArnPattern = `arn:${partition.partition}:secretsmanager:${region.name}:${account.accountId}:secret:${secretPrefix}*`;

    // The deployer as a principal ARN: for an assumed role, the role, not the session.
    const deployer = new DataAwsIamSessionContext(this, 'Deployer', { arn: account.arn });
    const hashKey = new SecretsmanagerSecret(this, 'HashKey', {
      name: `${secretPrefix}.hash-key/${name}`,
      description: `Data API credential store "${name}": the key adopted API keys are hashed with (HMAC-SHA-256); written only by the credential provider`,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: recovery,
      tags: { ...this.tags, [SECRET_TAGS.STORE]: name, 'data-api-credentials:purpose': 'hash-key' },
    });
    this._providerFunctionName = `${name}-provider`;
    const provider = new CredentialProviderFunction(this, 'Provider', {
      hashKeySecretArn: hashKey.arn,
      functionName: this._providerFunctionName,
      tableName: table.name,
      tableArn: table.arn,
      region: region.name,
      storeName: name,
      secretPrefix,
      secretArnPattern: this.secretArnPattern,
      deployerArn: deployer.issuerArn,
      kmsKeyArn: props.kmsKeyArn,
      admins,
      logRetentionDays,
      tags,
      reservedConcurrency: reserved === false ? undefined : reserved,
      adoptedSecretArns: () => [...this.adoptedSecrets],
    });

    this.tableId = table.friendlyUniqueId;
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.functionName = provider.functionName;
    this.functionArn = provider.functionArn;
    this.providerRoleArn = provider.roleArn;
    this.providerDependables = [];
    this.policyBase = {
      values: {
        tableArn: table.arn,
        secretArnPattern: this.secretArnPattern,
        providerFunctionArn: provider.functionArn,
        providerRoleArn: provider.roleArn,
        providerLogGroupArn: provider.logGroupArn,
        deployerArn: deployer.issuerArn,
      },
      tableReaders,
      flags: { restrictTableReads: props.restrictTableReads ?? true, denyUngrantedSecretReads: props.restrictSecretReads ?? true },
    };
    this.name = name;
    this.region = region.name;
    this.admins = [...admins];
    this.deployerArn = deployer.issuerArn;
    this.hashKeySecretArn = hashKey.arn;
    // Only the store's functions read the key; only the provider and the deployer change it.
    const keyPolicy = new DataAwsIamPolicyDocument(this, 'HashKeyPolicy', { statement: this.lazyStatements(HASH_KEY_POLICY) });
    new SecretsmanagerSecretPolicy(this, 'HashKeySecretPolicy', { secretArn: hashKey.arn, policy: keyPolicy.json });

    if (props.restrictTableWrites ?? true) {
      const document = new DataAwsIamPolicyDocument(this, 'TablePolicyDocument', { statement: this.lazyStatements(TABLE_POLICY) });
      const tablePolicy = new DynamodbResourcePolicy(this, 'TablePolicy', { resourceArn: table.arn, policy: document.json });
      this.providerDependables.push(tablePolicy);
    }

    new TerraformOutput(this, 'TableName', { value: table.name, description: 'DynamoDB table of the credential records' });
    new TerraformOutput(this, 'ProviderFunctionName', { value: provider.functionName });
    // With the table name, what the CLI (list, drift) needs to find the store.
    new TerraformOutput(this, 'TableRegion', { value: region.name, description: 'Region of the credential table' });

    // A Lambda or IAM resource cannot deny: whoever's own IAM allows lambda:InvokeFunction on the
    // provider can call it with a crafted event. This is what an organisation adds outside the stack.
    const guardrail = new DataAwsIamPolicyDocument(this, 'ProviderGuardrail', { statement: this.lazyStatements(STORE_GUARDRAIL) });
    // Every credential of the store in one output (a few per credential made Terraform evaluate and
    // save thousands of outputs at a thousand credentials): what each declares (for `review`, known
    // at plan time) and its credentialId, secretArn and clientId (OAuth 2.0 only).
    new TerraformOutput(this, 'DeclaredCredentials', {
      value: Lazy.anyValue({
        produce: () => ({ kind: DECLARATIONS_KIND, credentials: Object.fromEntries(this.credentialOutputs) }),
      }),
      description:
        'Per credential (its construct path below the stack): what it declares (name, authType, scopes, addresses), ' +
        'credentialId, secretArn and clientId (OAuth 2.0 only). Plain, non-secret values.',
    });

    new TerraformOutput(this, 'ProviderGuardrailPolicy', {
      value: guardrail.json,
      description:
        'A service control policy (or the Deny of a permissions boundary) for the organisation to attach outside this stack: ' +
        'only the admins and the deployer may invoke the credential provider; only the deployer may change it, its role ' +
        '(PassRole included), its logs, or create and tag secrets under the store\'s prefix',
    });
  }

  /**
   * A credential's default secret name: `<secretPrefix><stack>/<construct path below the stack>`, the
   * same name as before 0.3.0 (the default prefix now ends with the stack, which is not repeated).
   * @internal
   */
  _defaultSecretName(credential: Construct): string {
    const stack = TerraformStack.of(credential);
    const below = credential.node.scopes.slice(stack.node.scopes.length).map((c) => c.node.id);
    const path = (this.prefixIsDefault ? below : [stack.node.id, ...below]).join('/');
    return `${this.secretPrefix}${path}`.replace(/[^A-Za-z0-9/_+=.@-]+/g, '-');
  }

  /**
   * A credential's key in the `DeclaredCredentials` output: its construct path below the stack.
   * @internal
   */
  _outputKey(credential: Construct): string {
    const stack = TerraformStack.of(credential);
    return credential.node.scopes.slice(stack.node.scopes.length).map((c) => c.node.id).join('/');
  }

  /** @internal */
  _addCredentialOutput(key: string, entry: CredentialOutput): void {
    this.credentialOutputs.set(key, entry);
  }

  /**
   * A credential secret's policy statements (`SECRET_POLICY`): its readers read it, nobody else but
   * the provider reads the value (unless `restrictSecretReads` is off and it has no readers), only
   * the provider and the deployer change it. `readers` is read at synth.
   * @internal
   */
  _secretPolicyStatements(readers: () => readonly string[]): RenderedStatement[] {
    return this.lazyStatements(SECRET_POLICY, () => ({ lists: { readers: readers() }, flags: { hasReaders: readers().length > 0 } }));
  }

  /**
   * The policy document of every credential secret without readers (`Resource` "*" means the
   * secret the policy is attached to, so one document serves them all).
   * @internal
   */
  _secretChangePolicy(): DataAwsIamPolicyDocument {
    this.sharedSecretPolicy ??= new DataAwsIamPolicyDocument(this, 'SecretPolicy', { statement: this._secretPolicyStatements(() => []) });
    return this.sharedSecretPolicy;
  }

  /**
   * What the store's policies are bound to. The gateway's roles join later (`_allowTableWriter`),
   * so documents are rendered at synth.
   * @internal
   */
  _policyBindings(): PolicyBindings {
    return this.bindings();
  }

  private bindings(): PolicyBindings {
    return {
      values: this.policyBase.values,
      lists: { admins: this.admins, gatewayRoleArns: [...this.gatewayRoles], tableReaders: this.policyBase.tableReaders, readers: [] },
      flags: this.policyBase.flags,
    };
  }

  /**
   * A document's statements with the store's bindings (and `extra`). Which statements there are is
   * known now (the flags are); the lists in them are read at synth, when every credential and gateway
   * has joined. Plain statement blocks, so `synth --hcl` writes them as blocks too.
   */
  private lazyStatements(document: PolicyDocumentData, extra: () => Partial<PolicyBindings> = () => ({})): RenderedStatement[] {
    const render = (): RenderedStatement[] => {
      const more = extra();
      const base = this.bindings();
      return renderStatements(document, {
        values: { ...base.values, ...more.values },
        lists: { ...base.lists, ...more.lists },
        flags: { ...base.flags, ...more.flags },
      });
    };
    return render().map((statement, i) => {
      const later = (pick: (s: RenderedStatement) => string[]) => Lazy.listValue({ produce: () => pick(render()[i]) });
      return {
        ...statement,
        resources: later((s) => s.resources),
        ...(statement.principals === undefined ? {} : { principals: [{ type: 'AWS' as const, identifiers: later((s) => s.principals![0].identifiers) }] }),
        ...(statement.condition === undefined ? {} : { condition: [{ ...statement.condition[0], values: later((s) => s.condition![0].values) }] }),
      };
    });
  }


  /**
   * Declares a secret a credential adopts: the provider may read it, though it has no store tag.
   * @internal
   */
  _declareAdoption(secretArn: string): void {
    this.adoptedSecrets.add(secretArn);
  }

  /**
   * Lets a function of this store (the gateway's) write the table despite its resource policy.
   * @internal
   */
  _allowTableWriter(roleArn: string): void {
    this.gatewayRoles.push(roleArn);
  }

  /**
   * Adds a credential to the store's drift check: one `check` block per store, whose
   * `aws_lambda_invocation` data source runs the provider's read action on all its checked
   * credentials at once (one Lambda call per plan, however many credentials), with one assertion
   * whose message lists every drifted credential. The read depends on the
   * credentials' invocations: while any of them has a change pending, it waits for the apply.
   * @internal
   */
  _addDriftCheck(key: string, event: Omit<ReadEvent, 'action'>, invocationAddress: string): void {
    if (this.driftReads === undefined) {
      const reads = new Map<string, { readonly event: Omit<ReadEvent, 'action'>; readonly invocation: string }>();
      this.driftReads = reads;
      const id = `${this.tableId}_drift`;
      const drifted = `jsondecode(data.aws_lambda_invocation.${id}.result).drifted`;
      const batch = (): ReadBatchEvent => ({ action: READ_ACTION, credentials: Object.fromEntries([...reads].map(([k, r]) => [k, r.event])) });
      // cdktf has no class for check blocks: an override, with lazy parts for the credentials declared later.
      TerraformStack.of(this).addOverride(`check.${id}`, {
        data: {
          aws_lambda_invocation: {
            [id]: {
              function_name: this.functionName,
              input: Lazy.stringValue({ produce: () => Fn.jsonencode(batch()) }),
              depends_on: Lazy.listValue({ produce: () => [...reads.values()].map((r) => r.invocation) }),
            },
          },
        },
        // One assertion for the store: one warning lists every drifted credential, and a deferred
        // check (a credential has a change pending) is one warning, not one per credential.
        assert: [
          {
            condition: `\${length(${drifted}) == 0}`,
            error_message: `\${join("\\n", [for key, read in ${drifted} : read.message])}`,
          },
        ],
      });
    }
    this.driftReads.set(key, { event, invocation: invocationAddress });
  }

  /**
   * Claims a display name for a credential of this store; names are unique within a store.
   * @internal
   */
  _claimName(name: string, path: string): void {
    const holder = this.credentialNames.get(name);
    if (holder !== undefined) {
      throw new ValidationError(
        `name (DataApiCredential ${path})`,
        JSON.stringify(name),
        `a name not used by another credential of store ${this.node.path}; ${holder} already has it`,
      );
    }
    this.credentialNames.set(name, path);
  }
}

/** A credential's entry in its store's `DeclaredCredentials` output. */
export interface CredentialOutput extends CredentialDeclaration {
  readonly credentialId: string;
  readonly secretArn: string;
  /** OAuth 2.0 only. */
  readonly clientId?: string;
}

/**
 * `data-api/credentials/<stack name>/`: the prefix of the default secret names since 0.1.0
 * (`<prefix><stack>/<construct path>`), so a store's boundary narrows to its stack without renaming
 * a secret. Stores of one stack share it; the store tag on each secret tells them apart.
 */
function defaultSecretPrefix(construct: Construct): string {
  const stackName = TerraformStack.of(construct).node.id.replace(/[^A-Za-z0-9/_+=.@-]+/g, '-');
  return `${DEFAULT_SECRET_PREFIX}${stackName}/`;
}

/** `<stack name>-<construct id>`, reduced to the characters and length AWS names accept. */
function defaultName(construct: Construct): string {
  const stackName = TerraformStack.of(construct).node.id;
  const raw = `${stackName}-${construct.node.id}`.replace(/[^A-Za-z0-9_-]+/g, '-');
  if (raw.length <= 55) return raw.length >= 3 ? raw : `${raw}-store`;
  const digest = createHash('sha256').update(construct.node.path).digest('hex').slice(0, 8);
  return `${raw.slice(0, 46)}-${digest}`;
}
