# The store: what `CredentialStore` declares, resource for resource (see lib/credential-store.ts and
# providers/). Names, limits and IAM actions come from contract.generated.tf.

locals {
  tags          = length(var.tags) > 0 ? var.tags : null
  function_name = "${var.name}-provider"
  # The secrets the provider may read and write: those under the store's prefix.
  secret_arn_pattern = "arn:${data.aws_partition.current.partition}:secretsmanager:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:secret:${var.secret_prefix}*"
  # The bundle the npm package ships, copied byte for byte by `npm run build:terraform`.
  provider_zip = "${path.module}/credential-provider.zip"
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_dynamodb_table" "credentials" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = local.contract.table_partition_key
  deletion_protection_enabled = var.deletion_protection
  tags                        = local.tags

  attribute {
    name = local.contract.table_partition_key
    type = "S"
  }

  ttl {
    attribute_name = local.contract.table_ttl_attribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}

resource "aws_cloudwatch_log_group" "provider" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = local.tags
}

data "aws_iam_policy_document" "provider_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "provider" {
  name               = local.function_name
  assume_role_policy = data.aws_iam_policy_document.provider_assume_role.json
  tags               = local.tags
}

data "aws_iam_policy_document" "provider_permissions" {
  statement {
    sid       = "CredentialRecords"
    actions   = local.contract.provider_record_actions
    resources = [aws_dynamodb_table.credentials.arn, "${aws_dynamodb_table.credentials.arn}/index/*"]
  }

  statement {
    sid       = "CredentialSecrets"
    actions   = local.contract.provider_secret_actions
    resources = [local.secret_arn_pattern]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "CustomerKey"
      actions   = local.contract.provider_customer_key_actions
      resources = [statement.value]
    }
  }

  statement {
    sid       = "Logs"
    actions   = local.contract.log_write_actions
    resources = ["${aws_cloudwatch_log_group.provider.arn}:*"]
  }
}

resource "aws_iam_role_policy" "provider" {
  name   = local.contract.provider_policy_name
  role   = aws_iam_role.provider.id
  policy = data.aws_iam_policy_document.provider_permissions.json
}

resource "aws_lambda_function" "provider" {
  function_name = local.function_name
  description   = local.contract.provider_description
  runtime       = local.contract.provider_runtime
  handler       = local.contract.provider_handler
  filename      = local.provider_zip
  # The hash cdktf gives the same file (its asset hash), so both routes deploy identical functions.
  source_code_hash = upper(filemd5(local.provider_zip))
  role             = aws_iam_role.provider.arn
  timeout          = local.contract.provider_timeout_seconds
  memory_size      = local.contract.provider_memory_mb
  kms_key_arn      = var.kms_key_arn
  tags             = local.tags

  environment {
    variables = {
      (local.contract.provider_env_table_name)    = aws_dynamodb_table.credentials.name
      (local.contract.provider_env_secret_prefix) = var.secret_prefix
    }
  }

  depends_on = [aws_cloudwatch_log_group.provider, aws_iam_role_policy.provider]
}

resource "aws_lambda_permission" "admin_invoke" {
  count         = length(var.admins)
  statement_id  = "AllowAdminInvoke${count.index}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.provider.function_name
  principal     = var.admins[count.index]
}

# The applying identity as a principal ARN: for an assumed role, the role, not the session.
data "aws_iam_session_context" "deployer" {
  count = var.restrict_table_writes ? 1 : 0
  arn   = data.aws_caller_identity.current.arn
}

data "aws_iam_policy_document" "table" {
  count = var.restrict_table_writes ? 1 : 0

  statement {
    sid       = "OnlyAdminsDeployerAndFunctionsWrite"
    effect    = "Deny"
    actions   = local.contract.table_write_actions
    resources = [aws_dynamodb_table.credentials.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalArn"
      values   = concat(var.admins, [data.aws_iam_session_context.deployer[0].issuer_arn, aws_iam_role.provider.arn])
    }
  }
}

resource "aws_dynamodb_resource_policy" "table" {
  count        = var.restrict_table_writes ? 1 : 0
  resource_arn = aws_dynamodb_table.credentials.arn
  policy       = data.aws_iam_policy_document.table[0].json
}
