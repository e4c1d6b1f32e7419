/**
 * The shapes of the AWS names the library accepts, written once: the constructs check props with
 * them at synth, the Lambdas check their environment, the CLI its options. Pure.
 */

/** A region such as `us-east-1` or `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** A DynamoDB table name. */
export const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

/** A Secrets Manager secret ARN (full or partial: the 6-character suffix is optional). */
export const SECRET_ARN_PATTERN = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/** A Lambda function ARN, optionally with a version or alias qualifier. */
export const LAMBDA_FUNCTION_ARN_PATTERN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

/** A store's secret name prefix: the constructs, the module and the provider's environment check it alike. */
export const SECRET_PREFIX_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,256}$/;
