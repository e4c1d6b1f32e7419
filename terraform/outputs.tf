output "credentials" {
  description = "Per credential key: credential_id, secret_arn, secret_name, client_id (OAuth 2.0 only, else null), name, auth_type and scopes (expanded, canonical order). Plain, non-secret values."
  value = {
    for key, c in local.credentials : key => {
      credential_id = local.credential_ids[key]
      secret_arn    = aws_secretsmanager_secret.credential[key].arn
      secret_name   = c.secret_name
      client_id     = c.auth_type == "oauth2" ? "${local.contract.client_id_prefix}${local.credential_ids[key]}" : null
      name          = c.name
      auth_type     = c.auth_type
      scopes        = c.scopes
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
  value       = data.aws_iam_policy_document.provider_guardrail.json
}

output "hash_key_secret_arn" {
  description = "ARN of the store's hash-key secret (the key adopted API keys are hashed with)."
  value       = aws_secretsmanager_secret.hash_key.arn
}
