# The Data API gateway (`var.gateway`): what `DataApiGateway` declares, resource for resource (see
# lib/data-api-gateway.ts and providers/gateway-function.ts): the token function (the token,
# revocation, introspection and metadata routes) and the records verifier in front of the backend,
# each with its role, policy and log group; the HTTP API, its integrations, routes and `$default`
# stage. Names, settings, routes and IAM actions come from contract.generated.tf; the guardrail
# (local.gateway_guardrail_policy) is in policies.generated.tf.

locals {
  # The two functions when there is a gateway, else none. Every gateway resource is keyed by them (or counted by this).
  gateway_kinds = var.gateway == null ? [] : ["token", "records"]
  gateway_name  = var.gateway == null ? null : coalesce(var.gateway.name, var.name)
  # The functions' roles, token first as the constructs list them: they write the table and read the hash key.
  gateway_role_arns = [for kind in local.gateway_kinds : aws_iam_role.gateway[kind].arn]

  gateway_functions = {
    for kind in local.gateway_kinds : kind => {
      function_name = "${local.gateway_name}-${kind}"
      zip           = "${path.module}/${local.contract.gateway_functions[kind].asset}"
      # -1: no reservation (the AWS provider's value for none).
      reserved_concurrency = coalesce(var.gateway["${kind}_reserved_concurrency"], local.contract.gateway_functions[kind].default_reserved_concurrency)
    }
  }

  # What each function reads from its environment (handlers/verifier/config.ts); unset values are absent.
  gateway_environments = {
    for kind in local.gateway_kinds : kind => merge(
      {
        (local.contract.gateway_env_table_name)          = aws_dynamodb_table.credentials.name
        (local.contract.gateway_env_hash_key_secret_arn) = aws_secretsmanager_secret.hash_key.arn
      },
      kind != "records" ? {} : merge(
        var.gateway.backend.function_arn == null ? {} : { (local.contract.gateway_env_backend_function_arn) = var.gateway.backend.function_arn },
        var.gateway.backend.url == null ? {} : { (local.contract.gateway_env_backend_url) = var.gateway.backend.url },
        { (local.contract.gateway_env_auth_cache_ttl_seconds) = tostring(coalesce(var.gateway.authorizer_cache_ttl_seconds, local.contract.gateway_default_auth_cache_ttl_seconds)) },
      ),
      kind != "token" ? {} : merge(
        var.gateway.issuer == null ? {} : { (local.contract.gateway_env_issuer) = var.gateway.issuer },
        # The introspection clients by the credential id their client id names (the same across rotations).
        length(var.gateway.introspection_clients) == 0 ? {} : {
          (local.contract.gateway_env_introspection_credential_ids) = join(",", [for key in var.gateway.introspection_clients : substr(local.client_ids[key], length(local.contract.client_id_prefix), local.contract.credential_id_length)])
        },
      ),
    )
  }
}

resource "aws_cloudwatch_log_group" "gateway" {
  for_each = local.gateway_functions

  name              = "/aws/lambda/${each.value.function_name}"
  retention_in_days = coalesce(var.gateway.log_retention_days, local.contract.gateway_default_log_retention_days)
  kms_key_id        = var.kms_key_arn
  tags              = local.tags
}

resource "aws_iam_role" "gateway" {
  for_each = local.gateway_functions

  name               = each.value.function_name
  assume_role_policy = data.aws_iam_policy_document.provider_assume_role.json
  tags               = local.tags
}

# Least privilege on the table: each statement keyed to its item prefixes (dynamodb:LeadingKeys),
# the verifier's update to lastUsedAt alone (dynamodb:Attributes); no Secrets Manager but the hash key.
data "aws_iam_policy_document" "gateway_permissions" {
  for_each = local.gateway_functions

  statement {
    sid       = "ReadCredentialsTokensAndKeyHashes"
    actions   = local.contract.gateway_read_actions
    resources = [aws_dynamodb_table.credentials.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${local.contract.table_credential_prefix}*", "${local.contract.table_token_prefix}*", "${local.contract.table_key_hash_prefix}*"]
    }
  }

  # The token function issues and revokes access tokens.
  dynamic "statement" {
    for_each = [for s in [{ sid = "PutTokens", actions = local.contract.gateway_put_token_actions }, { sid = "RevokeTokens", actions = local.contract.gateway_revoke_token_actions }] : s if each.key == "token"]
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = [aws_dynamodb_table.credentials.arn]

      condition {
        test     = "ForAllValues:StringLike"
        variable = "dynamodb:LeadingKeys"
        values   = ["${local.contract.table_token_prefix}*"]
      }
    }
  }

  # The records verifier stamps lastUsedAt of credential records, no other attribute.
  dynamic "statement" {
    for_each = each.key == "records" ? [1] : []
    content {
      sid       = "StampLastUsed"
      actions   = local.contract.gateway_stamp_last_used_actions
      resources = [aws_dynamodb_table.credentials.arn]

      condition {
        test     = "ForAllValues:StringLike"
        variable = "dynamodb:LeadingKeys"
        values   = ["${local.contract.table_credential_prefix}*"]
      }

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "dynamodb:Attributes"
        values   = [local.contract.table_partition_key, local.contract.table_last_used_attribute]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "records" && var.gateway.backend.function_arn != null ? [var.gateway.backend.function_arn] : []
    content {
      sid       = "InvokeBackend"
      actions   = local.contract.gateway_invoke_backend_actions
      resources = [statement.value]
    }
  }

  statement {
    sid       = "ReadHashKey"
    actions   = local.contract.gateway_read_hash_key_actions
    resources = [aws_secretsmanager_secret.hash_key.arn]
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
        values   = [each.value.function_name]
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
        values   = [aws_secretsmanager_secret.hash_key.arn]
      }
    }
  }

  statement {
    sid       = "Logs"
    actions   = local.contract.log_write_actions
    resources = ["${aws_cloudwatch_log_group.gateway[each.key].arn}:*"]
  }
}

resource "aws_iam_role_policy" "gateway" {
  for_each = local.gateway_functions

  name   = local.contract.gateway_functions[each.key].policy_name
  role   = aws_iam_role.gateway[each.key].id
  policy = data.aws_iam_policy_document.gateway_permissions[each.key].json
}

resource "aws_lambda_function" "gateway" {
  for_each = local.gateway_functions

  function_name = each.value.function_name
  description   = local.contract.gateway_functions[each.key].description
  runtime       = local.contract.provider_runtime
  handler       = local.contract.provider_handler
  filename      = each.value.zip
  # The hash cdktf gives the same file (its asset hash), so both routes deploy identical functions.
  source_code_hash               = upper(filemd5(each.value.zip))
  role                           = aws_iam_role.gateway[each.key].arn
  timeout                        = local.contract.gateway_functions[each.key].timeout_seconds
  memory_size                    = local.contract.provider_memory_mb
  reserved_concurrent_executions = each.value.reserved_concurrency
  kms_key_arn                    = var.kms_key_arn
  tags                           = local.tags

  environment {
    variables = local.gateway_environments[each.key]
  }

  depends_on = [aws_cloudwatch_log_group.gateway, aws_iam_role_policy.gateway]
}

resource "aws_apigatewayv2_api" "gateway" {
  count = var.gateway == null ? 0 : 1

  name          = local.gateway_name
  protocol_type = local.contract.gateway_api.protocol_type
  description   = local.contract.gateway_api.description
  tags          = local.tags
}

# API Gateway invokes each function, from this API only.
resource "aws_lambda_permission" "gateway" {
  for_each = local.gateway_functions

  statement_id  = local.contract.gateway_api.invoke_statement_id
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.gateway[each.key].function_name
  principal     = local.contract.gateway_api.invoke_principal
  source_arn    = "${aws_apigatewayv2_api.gateway[0].execution_arn}/*/*"
}

resource "aws_apigatewayv2_integration" "gateway" {
  for_each = local.gateway_functions

  api_id                 = aws_apigatewayv2_api.gateway[0].id
  integration_type       = local.contract.gateway_api.integration_type
  integration_uri        = aws_lambda_function.gateway[each.key].invoke_arn
  integration_method     = local.contract.gateway_api.integration_method
  payload_format_version = local.contract.gateway_api.payload_format_version
  timeout_milliseconds   = local.contract.gateway_api.integration_timeout_milliseconds
}

# The token function's routes: token, revocation, introspection and the two metadata documents.
resource "aws_apigatewayv2_route" "oauth" {
  for_each = { for key, route in local.contract.gateway_oauth_routes : key => route if var.gateway != null }

  api_id    = aws_apigatewayv2_api.gateway[0].id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.gateway["token"].id}"
}

# The records routes, once per API version (preview credentials work on both).
resource "aws_apigatewayv2_route" "records" {
  for_each = { for version, route in local.contract.gateway_records_routes : version => route if var.gateway != null }

  api_id    = aws_apigatewayv2_api.gateway[0].id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.gateway["records"].id}"
}

resource "aws_apigatewayv2_stage" "gateway" {
  count = var.gateway == null ? 0 : 1

  api_id      = aws_apigatewayv2_api.gateway[0].id
  name        = local.contract.gateway_api.stage_name
  auto_deploy = true
  tags        = local.tags

  # Per route; the functions' reserved concurrency bounds what they take of the account.
  default_route_settings {
    throttling_burst_limit = local.contract.gateway_api.throttling_burst_limit
    throttling_rate_limit  = local.contract.gateway_api.throttling_rate_limit
  }
}
