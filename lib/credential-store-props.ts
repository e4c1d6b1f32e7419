/** The props of `CredentialStore` (lib/credential-store.ts): every choice a store takes, documented. */
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
