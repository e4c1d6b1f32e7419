import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { PROVIDER_RUNTIME } from '../providers';
import { bundleHandlerZip } from '../scripts/bundle';

/** The sample backend's handler source, bundled into its Lambda. */
export const SAMPLE_RECORDS_BACKEND_ENTRY = join(__dirname, 'records-backend-handler.ts');

/** The sample records backend (`records-backend-handler.ts`) as a Lambda function, for the example and tests. */
export class SampleRecordsBackend extends Construct {
  readonly functionArn: string;

  constructor(
    scope: Construct,
    id: string,
    props: {
      readonly functionName: string;
      readonly tags?: Record<string, string>;
      /** The handler source to bundle, for tests of other answers. @default SAMPLE_RECORDS_BACKEND_ENTRY */
      readonly entry?: string;
    },
  ) {
    super(scope, id);
    const assumeRole = new DataAwsIamPolicyDocument(this, 'AssumeRole', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] }],
    });
    // No permissions: the sample reads nothing (a real backend gets what it needs, and no more).
    const role = new IamRole(this, 'Role', { name: props.functionName, assumeRolePolicy: assumeRole.json, tags: props.tags });
    const asset = new TerraformAsset(this, 'Code', {
      path: bundleHandlerZip(props.entry ?? SAMPLE_RECORDS_BACKEND_ENTRY),
      type: AssetType.FILE,
    });
    const fn = new LambdaFunction(this, 'Function', {
      functionName: props.functionName,
      description: 'Sample Data API records backend',
      runtime: PROVIDER_RUNTIME,
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      role: role.arn,
      timeout: 10,
      memorySize: 128,
      tags: props.tags,
    });
    this.functionArn = fn.arn;
  }
}
