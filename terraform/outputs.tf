output "credentials" {
  description = "Per credential key: credential_id, secret_arn (an adopted key's: the secret it was adopted from), secret_name, client_id (OAuth 2.0 only, else null; the same across rotations), name, auth_type, scopes (expanded, canonical order) and adopted. Plain, non-secret values."
  value = {
    for key, c in local.credentials : key => {
      credential_id = local.credential_ids[key]
      secret_arn    = local.secret_arns[key]
      secret_name   = c.secret_name
      client_id     = c.auth_type == "oauth2" ? local.client_ids[key] : null
      name          = c.name
      auth_type     = c.auth_type
      scopes        = c.scopes
      adopted       = c.adopt_from != null
    }
  }
}

output "declarations" {
  description = "Per credential key, what `data-api-credentials review` reads (name, auth type, scopes, grace periods and resource addresses relative to this module)."
  value       = local.declarations
}

output "table_name" {
  description = "DynamoDB table of the credential records."
  value       = aws_dynamodb_table.credentials.name
}

output "table_arn" {
  value = aws_dynamodb_table.credentials.arn
}

output "table_region" {
  description = "Region of the credential table."
  value       = data.aws_region.current.name
}

output "provider_function_name" {
  value = aws_lambda_function.provider.function_name
}

output "provider_function_arn" {
  value = aws_lambda_function.provider.arn
}

output "provider_role_arn" {
  description = "The provider's execution role, which reads and writes the credentials' secrets."
  value       = aws_iam_role.provider.arn
}

output "secret_arn_pattern" {
  description = "arn:<partition>:secretsmanager:<region>:<account>:secret:<secret_prefix>*"
  value       = local.secret_arn_pattern
}

output "provider_guardrail_policy" {
  description = "A service control policy (or the Deny of a permissions boundary) for the organisation to attach outside this configuration: only the admins and the applying identity may invoke or change the credential provider."
  value       = local.provider_guardrail_policy
}

output "hash_key_secret_arn" {
  description = "ARN of the store's hash-key secret (the key adopted API keys are hashed with)."
  value       = aws_secretsmanager_secret.hash_key.arn
}

# The Data API gateway (var.gateway): null without one.

output "gateway_url" {
  description = "Base URL of the Data API (https://<api id>.execute-api.<region>.amazonaws.com): the base URL clients are given, and the issuer of its metadata unless gateway.issuer is set. null without a gateway."
  value       = one(aws_apigatewayv2_api.gateway[*].api_endpoint)
}

output "gateway_api_id" {
  description = "Id of the gateway's HTTP API; null without a gateway."
  value       = one(aws_apigatewayv2_api.gateway[*].id)
}

output "gateway_token_function_name" {
  description = "The token function (the token, revocation, introspection and metadata routes); null without a gateway."
  value       = try(aws_lambda_function.gateway["token"].function_name, null)
}

output "gateway_records_function_name" {
  description = "The records verifier (both records routes); null without a gateway."
  value       = try(aws_lambda_function.gateway["records"].function_name, null)
}

output "gateway_guardrail_policy" {
  description = "A service control policy for the organisation to attach outside this configuration, beside provider_guardrail_policy: only the applying identity may invoke or change the gateway's functions, their roles, their logs and the API. null without a gateway."
  value       = local.gateway_guardrail_policy
}
