import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import { PROVIDER_ENV } from '../handlers/contract';
import { BundledFunction } from './bundled-function';
import { CREDENTIAL_PROVIDER } from './function-settings';

export interface CredentialProviderFunctionProps {
  /** Lambda function name; also names the role and the log group. */
  readonly functionName: string;
  readonly tableName: string;
  readonly tableArn: string;
  readonly secretPrefix: string;
  /** ARN pattern of the secrets the function may write: `arn:...:secret:<prefix>*`. */
  readonly secretArnPattern: string;
  readonly kmsKeyArn?: string;
  /** Principals allowed to invoke the provider, besides the deploying identity. */
  readonly admins: readonly string[];
  readonly logRetentionDays: number;
  readonly tags?: Record<string, string>;
}

/**
 * The custom-resource provider of `DataApiCredential`: the bundled Lambda from `handlers/`, its
 * least-privilege role, its log group and the invoke permissions of the admins.
 */
export class CredentialProviderFunction extends BundledFunction {
  constructor(scope: Construct, id: string, props: CredentialProviderFunctionProps) {
    super(scope, id, {
      handler: 'credential-provider',
      functionName: props.functionName,
      description: CREDENTIAL_PROVIDER.description,
      policyName: CREDENTIAL_PROVIDER.policyName,
      statements: [
        {
          sid: 'CredentialRecords',
          actions: [...CREDENTIAL_PROVIDER.recordActions],
          resources: [props.tableArn, `${props.tableArn}/index/*`],
        },
        {
          sid: 'CredentialSecrets',
          actions: [...CREDENTIAL_PROVIDER.secretActions],
          resources: [props.secretArnPattern],
        },
        ...(props.kmsKeyArn
          ? [{ sid: 'CustomerKey', actions: [...CREDENTIAL_PROVIDER.customerKeyActions], resources: [props.kmsKeyArn] }]
          : []),
      ],
      environment: {
        [PROVIDER_ENV.TABLE_NAME]: props.tableName,
        [PROVIDER_ENV.SECRET_PREFIX]: props.secretPrefix,
      },
      timeoutSeconds: CREDENTIAL_PROVIDER.timeoutSeconds,
      kmsKeyArn: props.kmsKeyArn,
      logRetentionDays: props.logRetentionDays,
      tags: props.tags,
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
