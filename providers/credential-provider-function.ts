import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AssetType, ITerraformDependable, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { PROVIDER_ENV } from '../handlers/contract';
import { bundleHandler } from './bundle';

const HANDLER_ENTRY = join(__dirname, '..', 'handlers', 'credential-provider', 'index.ts');

/** Lambda runtime on AWS. The bundle also runs on the local Node 20 (see DESIGN.md). */
export const PROVIDER_RUNTIME = 'nodejs22.x';

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
export class CredentialProviderFunction extends Construct {
  readonly functionName: string;
  readonly functionArn: string;
  /** What an invocation must wait for on create and outlive on destroy. */
  readonly dependables: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: CredentialProviderFunctionProps) {
    super(scope, id);

    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
      tags: props.tags,
    });

    const assumeRole = new DataAwsIamPolicyDocument(this, 'AssumeRole', {
      statement: [
        {
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
        },
      ],
    });
    const role = new IamRole(this, 'Role', {
      name: props.functionName,
      assumeRolePolicy: assumeRole.json,
      tags: props.tags,
    });

    const permissions = new DataAwsIamPolicyDocument(this, 'Permissions', {
      statement: [
        {
          sid: 'CredentialRecords',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
          resources: [props.tableArn, `${props.tableArn}/index/*`],
        },
        {
          sid: 'CredentialSecrets',
          actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          resources: [props.secretArnPattern],
        },
        {
          sid: 'Logs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.arn}:*`],
        },
        ...(props.kmsKeyArn
          ? [
              {
                sid: 'CustomerKey',
                actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
                resources: [props.kmsKeyArn],
              },
            ]
          : []),
      ],
    });
    const policy = new IamRolePolicy(this, 'Policy', {
      name: 'credential-provider',
      role: role.id,
      policy: permissions.json,
    });

    const asset = new TerraformAsset(this, 'Code', {
      path: bundleHandler(HANDLER_ENTRY),
      type: AssetType.ARCHIVE,
    });

    const fn = new LambdaFunction(this, 'Function', {
      functionName: props.functionName,
      description: 'Generates, updates and revokes Data API credentials (aws_lambda_invocation, CRUD)',
      runtime: PROVIDER_RUNTIME,
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      role: role.arn,
      timeout: 30,
      memorySize: 256,
      kmsKeyArn: props.kmsKeyArn,
      environment: {
        variables: {
          [PROVIDER_ENV.TABLE_NAME]: props.tableName,
          [PROVIDER_ENV.SECRET_PREFIX]: props.secretPrefix,
        },
      },
      tags: props.tags,
      dependsOn: [logGroup, policy],
    });

    const permissionsForAdmins = props.admins.map(
      (principal, index) =>
        new LambdaPermission(this, `AdminInvoke${index}`, {
          statementId: `AllowAdminInvoke${index}`,
          action: 'lambda:InvokeFunction',
          functionName: fn.functionName,
          principal,
        }),
    );

    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
    this.dependables = [fn, policy, logGroup, ...permissionsForAdmins];
  }
}
