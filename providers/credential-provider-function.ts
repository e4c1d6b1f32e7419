import { LambdaPermission } from '../lib/framework';
import { Construct } from 'constructs';
import { PROVIDER_ENV, SECRET_TAGS } from '../handlers/contract/credential';
import { TABLE } from '../handlers/contract/table';
import { BundledFunction, RoleStatement } from './bundled-function';
import { CREDENTIAL_PROVIDER } from './function-settings';
import { customerKeyStatements } from './kms-statements';

export interface CredentialProviderFunctionProps {
  /** Lambda function name; also names the role and the log group. */
  readonly functionName: string;
  readonly tableName: string;
  readonly tableArn: string;
  readonly region: string;
  /** The store's name: the provider writes only secrets whose store tag is this. */
  readonly storeName: string;
  readonly secretPrefix: string;
  /** The store's hash-key secret (HMAC of adopted keys). */
  readonly hashKeySecretArn: string;
  /** ARN pattern of the secrets the function may write: `arn:...:secret:<prefix>*`. */
  readonly secretArnPattern: string;
  readonly kmsKeyArn?: string;
  /** Principals allowed to invoke the provider, besides the deploying identity. */
  readonly admins: readonly string[];
  /** The deploying identity's principal ARN. */
  readonly deployerArn: string;
  readonly logRetentionDays: number;
  readonly tags?: Record<string, string>;
  /** Reserved concurrency; unset, none. */
  readonly reservedConcurrency?: number;
  /** The ARNs of the secrets the store's credentials declare to adopt, read at synth. */
  readonly adoptedSecretArns: () => readonly string[];
}

/**
 * The custom-resource provider of `DataApiCredential`: the bundled Lambda from `handlers/`, its
 * least-privilege role, its log group and the invoke permissions of the admins.
 *
 * The role: `GetItem`, `BatchGetItem` (the drift check) and `PutItem` on the table's credential records and adopted keys' lookup
 * items only (`dynamodb:LeadingKeys` `CRED#*`, `KEYHASH#*`: it can never mint an access token);
 * values written only into secrets under the store's prefix that carry the store's tag, and read
 * only from those and from the secrets the credentials declare to adopt; a customer key only
 * through those services, for those resources.
 */
export class CredentialProviderFunction extends BundledFunction {
  constructor(scope: Construct, id: string, props: CredentialProviderFunctionProps) {
    super(scope, id, {
      handler: 'credential-provider',
      functionName: props.functionName,
      description: CREDENTIAL_PROVIDER.description,
      policyName: CREDENTIAL_PROVIDER.policyName,
      // Only the credentials' invocations (and the CLI, after the apply) invoke it: they wait for its policy.
      invokersWaitForPolicy: true,
      // Rendered at synth: the credentials declaring an adoption are declared after the store.
      statements: (): RoleStatement[] => {
        const adopted = props.adoptedSecretArns();
        return [
          {
            sid: 'CredentialRecords',
            actions: [...CREDENTIAL_PROVIDER.recordActions],
            resources: [props.tableArn],
            condition: [
              { test: 'ForAllValues:StringLike', variable: 'dynamodb:LeadingKeys', values: [`${TABLE.CREDENTIAL_PREFIX}*`, `${TABLE.KEY_HASH_PREFIX}*`] },
            ],
          },
          {
            sid: 'WriteThisStoresSecrets',
            actions: [...CREDENTIAL_PROVIDER.secretWriteActions],
            resources: [props.secretArnPattern],
            condition: [{ test: 'StringEquals', variable: `aws:ResourceTag/${SECRET_TAGS.STORE}`, values: [props.storeName] }],
          },
          {
            sid: 'ReadThisStoresSecrets',
            actions: [...CREDENTIAL_PROVIDER.secretReadActions],
            resources: [props.secretArnPattern],
            condition: [{ test: 'StringEquals', variable: `aws:ResourceTag/${SECRET_TAGS.STORE}`, values: [props.storeName] }],
          },
          // Untagged secrets only where a credential declares their adoption (before 0.3.0: any untagged
          // secret under the prefix, so a planted one could be adopted). An ARN without its random suffix
          // matches the full one through `-??????`. None, and there is no such statement.
          ...(adopted.length === 0
            ? []
            : [{ sid: 'ReadDeclaredAdoptedSecrets', actions: [...CREDENTIAL_PROVIDER.secretReadActions], resources: adopted.flatMap((arn) => [arn, `${arn}-??????`]) }]),
          ...(props.kmsKeyArn
            ? customerKeyStatements({
                kmsKeyArn: props.kmsKeyArn,
                region: props.region,
                tableName: props.tableName,
                functionName: props.functionName,
                secretArnPattern: props.secretArnPattern,
              })
            : []),
        ];
      },
      environment: {
        [PROVIDER_ENV.TABLE_NAME]: props.tableName,
        [PROVIDER_ENV.SECRET_PREFIX]: props.secretPrefix,
        [PROVIDER_ENV.HASH_KEY_SECRET_ARN]: props.hashKeySecretArn,
      },
      timeoutSeconds: CREDENTIAL_PROVIDER.timeoutSeconds,
      kmsKeyArn: props.kmsKeyArn,
      logRetentionDays: props.logRetentionDays,
      tags: props.tags,
      reservedConcurrency: props.reservedConcurrency,
    });

    props.admins.forEach(
      (principal, index) =>
        new LambdaPermission(this, `AdminInvoke${index}`, {
          statementId: `AllowAdminInvoke${index}`,
          action: 'lambda:InvokeFunction',
          functionName: this.functionName,
          principal,
        }),
    );
  }
}
