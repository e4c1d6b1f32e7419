# The store: what `CredentialStore` declares, resource for resource (see lib/credential-store.ts and
# providers/). Names, limits and IAM actions come from contract.generated.tf.

locals {
  tags          = length(var.tags) > 0 ? var.tags : null
  function_name = "${var.name}-provider"
  # `data-api/credentials/<name>/` unless set: the provider reaches this store's secrets only.
  secret_prefix     = coalesce(var.secret_prefix, "data-api/credentials/${var.name}/")
  prefix_is_default = var.secret_prefix == null
  # The secrets the provider may read and write: those under the store's prefix.
  secret_arn_pattern = "arn:${data.aws_partition.current.partition}:secretsmanager:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:secret:${local.secret_prefix}*"
  # The applying identity as a principal ARN: for an assumed role, the role, not the session.
  deployer_arn = data.aws_iam_session_context.deployer.issuer_arn
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
  # The credential records and adopted keys' lookup items only: never an access token's item.
  statement {
    sid       = "CredentialRecords"
    actions   = local.contract.provider_record_actions
    resources = [aws_dynamodb_table.credentials.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${local.contract.table_credential_prefix}*", "${local.contract.table_key_hash_prefix}*"]
    }
  }

  # Values go only into secrets under the prefix that carry this store's tag.
  statement {
    sid       = "WriteThisStoresSecrets"
    actions   = local.contract.provider_secret_write_actions
    resources = [local.secret_arn_pattern]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/${local.contract.secret_tag_store}"
      values   = [var.name]
    }
  }

  # Reads from those, and from the secrets the credentials declare to adopt (below).
  statement {
    sid       = "ReadThisStoresSecrets"
    actions   = local.contract.provider_secret_read_actions
    resources = [local.secret_arn_pattern]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/${local.contract.secret_tag_store}"
      values   = [var.name]
    }
  }

  # Untagged secrets only where a credential declares their adoption (before 0.3.0: any untagged
  # secret under the prefix, so a planted one could be adopted). An ARN without its random suffix
  # matches the full one through `-??????`. No adopted credential, no statement.
  dynamic "statement" {
    for_each = length(local.adopted_secret_arns) > 0 ? [1] : []
    content {
      sid       = "ReadDeclaredAdoptedSecrets"
      actions   = local.contract.provider_secret_read_actions
      resources = flatten([for arn in local.adopted_secret_arns : [arn, "${arn}-??????"]])
    }
  }

  # A customer key only through the services that need it, for this store's resources only.
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "TableKey"
      actions   = local.contract.table_key_actions
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${data.aws_region.current.name}.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:aws:dynamodb:tableName"
        values   = [aws_dynamodb_table.credentials.name]
      }
    }
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "EnvironmentKey"
      actions   = local.contract.environment_key_actions
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:LambdaFunctionName"
        values   = [local.function_name]
      }
    }
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "SecretsKey"
      actions   = local.contract.secrets_key_actions
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${data.aws_region.current.name}.amazonaws.com"]
      }

      condition {
        test     = "StringLike"
        variable = "kms:EncryptionContext:SecretARN"
        values   = [local.secret_arn_pattern]
      }
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
  # null: no reservation, which is the AWS provider's -1 (the account's unreserved pool).
  reserved_concurrent_executions = coalesce(var.provider_reserved_concurrency, -1)
  kms_key_arn                    = var.kms_key_arn
  tags                           = local.tags

  environment {
    variables = {
      (local.contract.provider_env_table_name)          = aws_dynamodb_table.credentials.name
      (local.contract.provider_env_secret_prefix)       = local.secret_prefix
      (local.contract.provider_env_hash_key_secret_arn) = aws_secretsmanager_secret.hash_key.arn
    }
  }

  # Not on its role policy: the invocations wait for it instead. In a large apply Terraform runs ready
  # resources first come, first served: behind the policy, the function queued after every secret.
  depends_on = [aws_cloudwatch_log_group.provider]
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
  arn = data.aws_caller_identity.current.arn
}

# The key adopted API keys are hashed with (HMAC-SHA-256); the provider writes its value on the first adoption.
resource "aws_secretsmanager_secret" "hash_key" {
  name                    = "${local.secret_prefix}.hash-key/${var.name}"
  description             = "Data API credential store \"${var.name}\": the key adopted API keys are hashed with (HMAC-SHA-256); written only by the credential provider"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = merge(var.tags, { (local.contract.secret_tag_store) = var.name, "data-api-credentials:purpose" = "hash-key" })
}

# Its policy, local.hash_key_policy, is in policies.generated.tf.
resource "aws_secretsmanager_secret_policy" "hash_key" {
  secret_arn = aws_secretsmanager_secret.hash_key.arn
  policy     = local.hash_key_policy
}

# Its policy, local.table_policy, is in policies.generated.tf.
resource "aws_dynamodb_resource_policy" "table" {
  count        = var.restrict_table_writes ? 1 : 0
  resource_arn = aws_dynamodb_table.credentials.arn
  policy       = local.table_policy
}

# The guardrail (local.provider_guardrail_policy, output provider_guardrail_policy)
# is in policies.generated.tf: a Lambda or IAM resource cannot deny, so this is what an organisation
# attaches outside the configuration.
