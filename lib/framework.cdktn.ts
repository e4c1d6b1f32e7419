/**
 * The CDK Terrain twin of `framework.ts`: the same names from `cdktn` and `@cdktn/provider-aws`.
 * `npm run build` compiles the constructs a second time with this file in place of `framework.ts`
 * (`tsconfig.cdktn.json`, `moduleSuffixes`), into `dist/cdktn/`; nothing else differs between the
 * two builds. Keep the two files' exports alike.
 */
import { missingFrameworkError } from './missing-framework';

// Before the re-exports below load it: a missing framework gets a message naming the entry points.
try {
  require('cdktn');
  require('@cdktn/provider-aws/lib/lambda-invocation');
} catch (error) {
  throw missingFrameworkError(error);
}

export {
  anyToHclTerraform,
  anyToTerraform,
  AssetType,
  Fn,
  hashMapper,
  hashMapperHcl,
  Lazy,
  TerraformAsset,
  TerraformLocal,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  Token,
} from 'cdktn';
export type { ITerraformDependable } from 'cdktn';

// Deep imports, one module per resource: the package root costs seconds and hundreds of MB to load and type-check.
export { Apigatewayv2Api } from '@cdktn/provider-aws/lib/apigatewayv2-api';
export { Apigatewayv2Integration } from '@cdktn/provider-aws/lib/apigatewayv2-integration';
export { Apigatewayv2Route } from '@cdktn/provider-aws/lib/apigatewayv2-route';
export { Apigatewayv2Stage } from '@cdktn/provider-aws/lib/apigatewayv2-stage';
export { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
export { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity';
export { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
export type { DataAwsIamPolicyDocumentStatement } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
export { DataAwsIamSessionContext } from '@cdktn/provider-aws/lib/data-aws-iam-session-context';
export { DataAwsKmsAlias } from '@cdktn/provider-aws/lib/data-aws-kms-alias';
export { DataAwsPartition } from '@cdktn/provider-aws/lib/data-aws-partition';
export { DataAwsRegion } from '@cdktn/provider-aws/lib/data-aws-region';
export { DynamodbResourcePolicy } from '@cdktn/provider-aws/lib/dynamodb-resource-policy';
export { DynamodbTable } from '@cdktn/provider-aws/lib/dynamodb-table';
export { IamRole } from '@cdktn/provider-aws/lib/iam-role';
export { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
export { KmsGrant } from '@cdktn/provider-aws/lib/kms-grant';
export { LambdaFunction } from '@cdktn/provider-aws/lib/lambda-function';
export { LambdaInvocation } from '@cdktn/provider-aws/lib/lambda-invocation';
export type { LambdaInvocationConfig } from '@cdktn/provider-aws/lib/lambda-invocation';
export { LambdaPermission } from '@cdktn/provider-aws/lib/lambda-permission';
export { SecretsmanagerSecret } from '@cdktn/provider-aws/lib/secretsmanager-secret';
export { SecretsmanagerSecretPolicy } from '@cdktn/provider-aws/lib/secretsmanager-secret-policy';
