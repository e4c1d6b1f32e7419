/**
 * The framework, behind one module: the only file of the constructs that imports CDK for Terraform
 * (`cdktf`, `@cdktf/provider-aws`); every other construct file imports what it needs from here.
 * The CDK Terrain build compiles `framework.cdktn.ts` in its place (`tsconfig.cdktn.json`, through
 * `moduleSuffixes`), the same names from `cdktn` and `@cdktn/provider-aws`: the fork keeps cdktf's
 * API, so the rest of the code is compiled, and type-checked, once per framework unchanged.
 * Keep the two files' exports alike; a name only here fails the CDK Terrain build.
 */
import { missingFrameworkError } from './missing-framework';

// Before the re-exports below load it: a missing framework gets a message naming the entry points.
try {
  require('cdktf');
  require('@cdktf/provider-aws/lib/lambda-invocation');
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
} from 'cdktf';
export type { ITerraformDependable } from 'cdktf';

// Deep imports, one module per resource: the package root costs seconds and hundreds of MB to load and type-check.
export { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
export { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
export { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
export { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
export { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
export { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
export { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
export type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
export { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
export { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
export { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
export { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
export { DynamodbResourcePolicy } from '@cdktf/provider-aws/lib/dynamodb-resource-policy';
export { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
export { IamRole } from '@cdktf/provider-aws/lib/iam-role';
export { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
export { KmsGrant } from '@cdktf/provider-aws/lib/kms-grant';
export { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
export { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
export type { LambdaInvocationConfig } from '@cdktf/provider-aws/lib/lambda-invocation';
export { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
export { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
export { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
