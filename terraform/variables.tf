# The store: one DynamoDB table of credential records and the provider function that writes them.

variable "name" {
  description = "Name of the DynamoDB table of the credential records; the provider function, its role and log group are \"<name>-provider\"."
  type        = string

  validation {
    condition     = can(regex(local.contract.store_name_pattern, var.name))
    error_message = "Invalid name: got ${jsonencode(var.name)}; allowed: 3 to 55 letters, digits, \"-\" or \"_\" (the provider function is named \"<name>-provider\")."
  }
}

variable "secret_prefix" {
  description = "Prefix of the Secrets Manager secret names of this store's credentials (and of its hash-key secret). The provider may read and write only secrets under it. null: \"data-api/credentials/<name>/\", so the provider reaches this store's secrets only; default secret names are \"data-api/credentials/<name>/<key>\" either way."
  type        = string
  default     = null

  validation {
    condition     = var.secret_prefix == null || can(regex(local.contract.secret_prefix_pattern, coalesce(var.secret_prefix, "-")))
    error_message = "Invalid secret_prefix: got ${jsonencode(var.secret_prefix)}; allowed: 1 to 256 characters from letters, digits and /_+=.@-."
  }
}

variable "kms_key_arn" {
  description = "A customer-managed KMS key (or alias) ARN for the table, the secrets, the logs and the function's environment. null: AWS-managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex(local.contract.kms_key_arn_pattern, coalesce(var.kms_key_arn, "-")))
    error_message = "Invalid kms_key_arn: got ${jsonencode(var.kms_key_arn)}; allowed: a KMS key or alias ARN."
  }
}

variable "admins" {
  description = "IAM principal ARNs (the Super Admins) allowed to invoke the provider and write the table, besides the identity that applies."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.admins : can(regex(local.contract.principal_arn_pattern, arn))])
    error_message = "Invalid admins: got ${jsonencode([for arn in var.admins : arn if !can(regex(local.contract.principal_arn_pattern, arn))])}; allowed: IAM principal ARNs (arn:aws:iam::<account>:role/...)."
  }
}

variable "tags" {
  description = "Tags for every resource of the store and of its credentials."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Protect the table from deletion. Turn off only for configurations meant to be destroyed, such as demos."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Days the provider's logs are kept (a value CloudWatch Logs accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains(local.contract.log_retention_days, var.log_retention_days)
    error_message = "Invalid log_retention_days: got ${var.log_retention_days}; allowed: ${join(", ", local.contract.log_retention_days)}."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted credential's secret stays recoverable: 0 deletes it at once (its name can be reused right away), otherwise 7 to 30."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days == 0 || (floor(var.secret_recovery_window_days) == var.secret_recovery_window_days && var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "Invalid secret_recovery_window_days: got ${var.secret_recovery_window_days}; allowed: 0, or a whole number from 7 to 30."
  }
}

variable "restrict_table_writes" {
  description = "Give the table a resource policy that denies item writes to every principal except the admins, the applying identity and the provider. Turn off only if another tool must write the table."
  type        = bool
  default     = true
}

variable "restrict_table_reads" {
  description = "With restrict_table_writes, the table's resource policy also denies item reads (GetItem, Query, Scan, PartiQL select, exports) to every principal except the admins, the applying identity, the provider and table_readers. The `list` and `drift` commands read the table: run them as one of these."
  type        = bool
  default     = true
}

variable "restrict_secret_reads" {
  description = "Give every credential secret a policy that denies GetSecretValue to every principal except the provider and the credential's readers, whatever their IAM policies allow. Turn off only if consumers get their reads through IAM policies (then, on a secret without readers, any principal whose IAM allows secretsmanager:GetSecretValue on it reads its value). Before 0.3.0, off."
  type        = bool
  default     = true
}

variable "table_readers" {
  description = "More IAM principal ARNs allowed to read the table despite restrict_table_reads, such as the role a scheduled `drift` job runs as."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.table_readers : can(regex(local.contract.principal_arn_pattern, arn))])
    error_message = "Invalid table_readers: got ${jsonencode([for arn in var.table_readers : arn if !can(regex(local.contract.principal_arn_pattern, arn))])}; allowed: IAM principal ARNs (arn:aws:iam::<account>:role/...)."
  }
}

variable "provider_reserved_concurrency" {
  description = "Reserved concurrency of the provider function: this many concurrent executions are kept for it out of the account's, so no other function (a flooded API, say) can starve `terraform apply`; also the most it runs at once (more invocations are throttled, which the AWS provider retries). A whole number from 1 to 10000, or null for no reservation: AWS keeps 100 of an account's concurrency unreserved, so an account with a small quota (new accounts can have only 10) cannot reserve any; set null there."
  type        = number
  default     = 10

  validation {
    condition     = var.provider_reserved_concurrency == null || try(floor(var.provider_reserved_concurrency) == var.provider_reserved_concurrency && var.provider_reserved_concurrency >= 1 && var.provider_reserved_concurrency <= local.contract.max_reserved_concurrency, false)
    error_message = "Invalid provider_reserved_concurrency: got ${coalesce(var.provider_reserved_concurrency, "null")}; allowed: a whole number from 1 to ${local.contract.max_reserved_concurrency} (AWS keeps 100 of the account's concurrency unreserved, so the account's quota must exceed the reservations by 100), or null for no reservation (accounts with a small quota; 0 would throttle every invocation)."
  }
}

variable "drift_check" {
  description = "Default of the credentials' drift_check: warn about drift on every plan. Off by default: with it, a converged configuration's `plan -detailed-exitcode` exits 2."
  type        = bool
  default     = false
}

# The credentials, by key. The key names the credential's resources (terraform_data.instance["<key>"], ...):
# renaming a key replaces the credential, renaming its `name` does not.

# The Data API gateway (gateway.tf): what `DataApiGateway` declares. null: none.

variable "gateway" {
  description = "The Data API gateway in front of a records backend: an HTTP API with the OAuth 2.0 token, revocation, introspection and metadata routes (the token function) and the records routes (the records verifier), accepting this store's credentials. null (the default): no gateway. See README.md for each attribute."
  type = object({
    backend = object({
      function_arn = optional(string)
      url          = optional(string)
    })
    name                         = optional(string)
    authorizer_cache_ttl_seconds = optional(number)
    introspection_clients        = optional(list(string), [])
    issuer                       = optional(string)
    log_retention_days           = optional(number)
    token_reserved_concurrency   = optional(number)
    records_reserved_concurrency = optional(number)
  })
  default = null

  validation {
    condition     = var.gateway == null || try((var.gateway.backend.function_arn == null) != (var.gateway.backend.url == null), false)
    error_message = "Invalid gateway.backend: got ${try(var.gateway.backend.function_arn != null && var.gateway.backend.url != null, false) ? "both function_arn and url" : "neither function_arn nor url"}; allowed: { function_arn = \"<Lambda function ARN>\" } or { url = \"https://...\" }."
  }

  validation {
    condition     = try(var.gateway.backend.function_arn == null, true) || can(regex(local.contract.lambda_function_arn_pattern, var.gateway.backend.function_arn))
    error_message = "Invalid gateway.backend.function_arn: got ${jsonencode(try(var.gateway.backend.function_arn, null))}; allowed: a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>, optionally :<version or alias>)."
  }

  validation {
    condition     = try(var.gateway.backend.url == null, true) || can(regex(local.contract.gateway_backend_url_pattern, var.gateway.backend.url))
    error_message = "Invalid gateway.backend.url: got ${jsonencode(try(var.gateway.backend.url, null))}; allowed: an http(s) base URL without query or fragment."
  }

  validation {
    condition     = try(var.gateway.name == null, true) || can(regex(local.contract.gateway_name_pattern, var.gateway.name))
    error_message = "Invalid gateway.name: got ${jsonencode(try(var.gateway.name, null))}; allowed: 3 to 56 letters, digits, \"-\" or \"_\" (the functions are named \"<name>-token\" and \"<name>-records\")."
  }

  validation {
    condition     = try(var.gateway.authorizer_cache_ttl_seconds == null, true) || try(floor(var.gateway.authorizer_cache_ttl_seconds) == var.gateway.authorizer_cache_ttl_seconds && var.gateway.authorizer_cache_ttl_seconds >= 0 && var.gateway.authorizer_cache_ttl_seconds <= local.contract.gateway_max_auth_cache_ttl_seconds, false)
    error_message = "Invalid gateway.authorizer_cache_ttl_seconds: got ${coalesce(try(tostring(var.gateway.authorizer_cache_ttl_seconds), null), "null")}; allowed: a whole number of seconds from 0 (no cache) to ${local.contract.gateway_max_auth_cache_ttl_seconds}."
  }

  validation {
    condition     = try(var.gateway.log_retention_days == null, true) || try(contains(local.contract.log_retention_days, var.gateway.log_retention_days), false)
    error_message = "Invalid gateway.log_retention_days: got ${coalesce(try(tostring(var.gateway.log_retention_days), null), "null")}; allowed: ${join(", ", local.contract.log_retention_days)}."
  }

  validation {
    condition = alltrue([for field in ["token_reserved_concurrency", "records_reserved_concurrency"] : try(var.gateway[field] == null, true) || try(var.gateway[field] == -1 || (floor(var.gateway[field]) == var.gateway[field] && var.gateway[field] >= 1 && var.gateway[field] <= local.contract.max_reserved_concurrency), false)])
    error_message = join("\n", [for field in ["token_reserved_concurrency", "records_reserved_concurrency"] : "Invalid gateway.${field}: got ${coalesce(try(tostring(var.gateway[field]), null), "null")}; allowed: a whole number from 1 to ${local.contract.max_reserved_concurrency}, or -1 for no reservation (accounts with a small quota: AWS keeps 100 of the account's concurrency unreserved); null or absent: the default"
    if !(try(var.gateway[field] == null, true) || try(var.gateway[field] == -1 || (floor(var.gateway[field]) == var.gateway[field] && var.gateway[field] >= 1 && var.gateway[field] <= local.contract.max_reserved_concurrency), false))])
  }

  validation {
    condition     = try(var.gateway.issuer == null, true) || can(regex(local.contract.gateway_issuer_pattern, var.gateway.issuer))
    error_message = "Invalid gateway.issuer: got ${jsonencode(try(var.gateway.issuer, null))}; allowed: an https URL without a trailing slash, query or fragment."
  }

  validation {
    condition     = length(try(var.gateway.introspection_clients, [])) <= local.contract.gateway_max_introspection_clients
    error_message = "Invalid gateway.introspection_clients: got ${length(try(var.gateway.introspection_clients, []))} credentials; allowed: at most ${local.contract.gateway_max_introspection_clients}."
  }

  validation {
    condition     = alltrue([for key in try(var.gateway.introspection_clients, []) : try(var.credentials[key].auth_type == "oauth2", false)]) && length(distinct(try(var.gateway.introspection_clients, []))) == length(try(var.gateway.introspection_clients, []))
    error_message = "Invalid gateway.introspection_clients: got ${jsonencode(concat([for key in try(var.gateway.introspection_clients, []) : !contains(keys(var.credentials), key) ? "${key} (not a key of credentials)" : "${key} (an API-key credential)" if !try(var.credentials[key].auth_type == "oauth2", false)], [for key in distinct(try(var.gateway.introspection_clients, [])) : "${key} (listed twice)" if length([for k in try(var.gateway.introspection_clients, []) : k if k == key]) > 1]))}; allowed: keys of OAuth 2.0 credentials of this store (credentials), each once."
  }
}
