import { DataAwsCallerIdentity, DataAwsIamSessionContext, DataAwsPartition, DataAwsRegion, DynamodbResourcePolicy, DynamodbTable, ITerraformDependable, Lazy, SecretsmanagerSecret, SecretsmanagerSecretPolicy, TerraformOutput, TerraformStack } from './framework';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { CONSTRUCT_IDS } from '../handlers/contract/construct-ids';
import { SECRET_TAGS } from '../handlers/contract/credential';
import { DECLARATIONS_KIND } from '../handlers/contract/declaration';
import { TABLE } from '../handlers/contract/table';
export { SECRET_TAGS } from '../handlers/contract/credential';
import { ValidationError } from '../handlers/errors';
import { CredentialProviderFunction } from '../providers';
import { DEFAULT_RESERVED_CONCURRENCY } from '../providers/function-settings';
import { validatePrincipalArn } from './principal-arn';
import { CredentialRegistration, CredentialRegistry, RegisteredCredential } from './credential-registry';
import { CredentialStoreProps } from './credential-store-props';
import { HASH_KEY_POLICY, PolicyBindings, STORE_GUARDRAIL, TABLE_POLICY } from './policies';
import { StorePolicies } from './store-policies';
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


export type { CredentialStoreProps } from './credential-store-props';
export type { CredentialOutput } from './credential-registry';
export { SECRET_READ_ACTIONS, TABLE_CONTROL_ACTIONS, TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from './store-rules';

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
   * provider function it names (a reference; the function waits for its log group and the table it
   * is given): the provider's permissions (its role policy, which the function does not wait for)
   * and, unless table writes are unrestricted, the table policy.
   */
  readonly providerDependables: ITerraformDependable[];

  /** Its credentials: names, adopted secrets, the `DeclaredCredentials` output, the drift check. */
  private readonly credentials: CredentialRegistry;
  /** Its policy documents, bound to its resources and principals. */
  private readonly policies: StorePolicies;

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
    const providerFunctionName = `${name}-provider`;
    const provider = new CredentialProviderFunction(this, CONSTRUCT_IDS.PROVIDER, {
      hashKeySecretArn: hashKey.arn,
      functionName: providerFunctionName,
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
      adoptedSecretArns: () => this.credentials.adoptedSecretArns(),
    });

    this.tableName = table.name;
    this.tableArn = table.arn;
    this.functionName = provider.functionName;
    this.functionArn = provider.functionArn;
    this.providerRoleArn = provider.roleArn;
    // The provider's permissions: the function does not wait for them (invokersWaitForPolicy), its invocations do.
    this.providerDependables = [provider.permissions];
    this.policies = new StorePolicies(this, {
      values: {
        tableArn: table.arn,
        secretArnPattern: this.secretArnPattern,
        providerFunctionArn: provider.functionArn,
        providerRoleArn: provider.roleArn,
        providerLogGroupArn: provider.logGroupArn,
        deployerArn: deployer.issuerArn,
      },
      admins: [...admins],
      tableReaders,
      flags: { restrictTableReads: props.restrictTableReads ?? true, denyUngrantedSecretReads: props.restrictSecretReads ?? true },
    });
    this.name = name;
    this.region = region.name;
    this.admins = [...admins];
    this.deployerArn = deployer.issuerArn;
    this.hashKeySecretArn = hashKey.arn;
    this.credentials = new CredentialRegistry({
      store: this,
      secretPrefix,
      prefixIsDefault: props.secretPrefix === undefined,
      driftCheck: this.driftCheck,
      providerFunctionName,
      functionName: provider.functionName,
      tableId: table.friendlyUniqueId,
      policies: this.policies,
    });
    // Only the store's functions read the key; only the provider and the deployer change it.
    new SecretsmanagerSecretPolicy(this, 'HashKeySecretPolicy', { secretArn: hashKey.arn, policy: this.policies.policy(HASH_KEY_POLICY) });

    if (props.restrictTableWrites ?? true) {
      const tablePolicy = new DynamodbResourcePolicy(this, 'TablePolicy', { resourceArn: table.arn, policy: this.policies.policy(TABLE_POLICY) });
      this.providerDependables.push(tablePolicy);
    }

    new TerraformOutput(this, CONSTRUCT_IDS.TABLE_NAME, { value: table.name, description: 'DynamoDB table of the credential records' });
    new TerraformOutput(this, CONSTRUCT_IDS.PROVIDER_FUNCTION_NAME, { value: provider.functionName });
    // With the table name, what the CLI (list, drift) needs to find the store.
    new TerraformOutput(this, CONSTRUCT_IDS.TABLE_REGION, { value: region.name, description: 'Region of the credential table' });

    // A Lambda or IAM resource cannot deny: whoever's own IAM allows lambda:InvokeFunction on the
    // provider can call it with a crafted event. This is what an organisation adds outside the stack.
    const guardrail = this.policies.policy(STORE_GUARDRAIL);
    // Every credential of the store in one output (a few per credential made Terraform evaluate and
    // save thousands of outputs at a thousand credentials): what each declares (for `review`, known
    // at plan time) and its credentialId, secretArn and clientId (OAuth 2.0 only); a map, whose type
    // the state holds once (see `declaredCredentials`).
    new TerraformOutput(this, 'DeclaredCredentials', {
      value: Lazy.anyValue({
        produce: () => ({ kind: DECLARATIONS_KIND, credentials: this.credentials.declaredCredentials() }),
      }),
      description:
        'Per credential (its construct path below the stack): what it declares (name, authType, scopes, every declared field, addresses), ' +
        'credentialId, secretArn and clientId; every attribute in every entry, null when not declared (clientId: OAuth 2.0 only). Plain, non-secret values.',
    });

    new TerraformOutput(this, 'ProviderGuardrailPolicy', {
      value: guardrail,
      description:
        'A service control policy (or the Deny of a permissions boundary) for the organisation to attach outside this stack: ' +
        'only the admins and the deployer may invoke the credential provider; only the deployer may change it, its role ' +
        '(PassRole included), its logs, or create and tag secrets under the store\'s prefix',
    });
  }

  /**
   * Adds a credential to the store, once, its props checked: claims its name, declares the secret it
   * adopts, resolves its secret name, and adds it to the `DeclaredCredentials` output and (with
   * `driftCheck`) to the drift check. Returns what the credential builds its resources with.
   * @internal
   */
  _register(credential: Construct, registration: CredentialRegistration): RegisteredCredential {
    return this.credentials.register(credential, registration);
  }

  /**
   * What the store's policies are bound to. The gateway's roles join later (`_allowTableWriter`),
   * so documents are rendered at synth.
   * @internal
   */
  _policyBindings(): PolicyBindings {
    return this.policies.bindings();
  }

  /**
   * Lets a function of this store (the gateway's) write the table despite its resource policy.
   * @internal
   */
  _allowTableWriter(roleArn: string): void {
    this.policies.allowTableWriter(roleArn);
  }
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
