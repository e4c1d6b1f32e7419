# The validations of `var.credentials` for its attributes that are not declared fields (auth type,
# secret name, rotation trigger, readers, adoption): scripts/fields-hcl.ts inlines them into
# terraform/fields.generated.tf beside the declared fields' own, which it writes from EDITABLE_FIELDS.

  validation {
    condition     = alltrue([for key in keys(var.credentials) : can(regex(local.contract.credential_key_pattern, key))])
    error_message = "Invalid credentials key: got ${jsonencode([for key in keys(var.credentials) : key if !can(regex(local.contract.credential_key_pattern, key))])}; allowed: a letter or _, then up to 255 letters, digits, _ or - (keys name the credentials' resources)."
  }

  validation {
    condition = alltrue([for key, c in var.credentials : contains(local.contract.auth_type_names, c.auth_type)])
    error_message = join("\n", [for key, c in var.credentials : "Invalid auth_type (credentials[\"${key}\"]): got ${jsonencode(c.auth_type)}; allowed: ${join(" or ", [for a in local.contract.auth_type_names : "\"${a}\""])}"
    if !contains(local.contract.auth_type_names, c.auth_type)])
  }

  validation {
    condition = alltrue([for key, c in var.credentials : c.rotation == null || try(length(c.rotation.trigger) >= 1 && length(c.rotation.trigger) <= local.contract.rotation_trigger_max_length && !can(regex(local.contract.control_character_pattern, c.rotation.trigger)), false)])
    error_message = join("\n", [for key, c in var.credentials : "Invalid rotation.trigger (credentials[\"${key}\"]): got ${jsonencode(try(c.rotation.trigger, null))}; allowed: 1 to ${local.contract.rotation_trigger_max_length} printable characters"
    if !(c.rotation == null || try(length(c.rotation.trigger) >= 1 && length(c.rotation.trigger) <= local.contract.rotation_trigger_max_length && !can(regex(local.contract.control_character_pattern, c.rotation.trigger)), false))])
  }

  validation {
    condition = alltrue(flatten([for key, c in var.credentials : [for arn in c.readers : can(regex(local.contract.principal_arn_pattern, arn))]]))
    error_message = join("\n", [for key, c in var.credentials : "Invalid readers (credentials[\"${key}\"]): got ${jsonencode([for arn in c.readers : arn if !can(regex(local.contract.principal_arn_pattern, arn))])}; allowed: IAM principal ARNs (arn:aws:iam::<account>:role/...)"
    if !alltrue([for arn in c.readers : can(regex(local.contract.principal_arn_pattern, arn))])])
  }

  validation {
    condition = alltrue([for key, c in var.credentials : c.secret_name == null || (startswith(coalesce(c.secret_name, "-"), coalesce(var.secret_prefix, "data-api/credentials/${var.name}/")) && can(regex(local.contract.secret_name_pattern, coalesce(c.secret_name, "-"))))])
    error_message = join("\n", [for key, c in var.credentials : "Invalid secret_name (credentials[\"${key}\"]): got ${jsonencode(c.secret_name)}; allowed: a name starting with the store's secret_prefix ${jsonencode(coalesce(var.secret_prefix, "data-api/credentials/${var.name}/"))}, from letters, digits and /_+=.@-"
    if !(c.secret_name == null || (startswith(coalesce(c.secret_name, "-"), coalesce(var.secret_prefix, "data-api/credentials/${var.name}/")) && can(regex(local.contract.secret_name_pattern, coalesce(c.secret_name, "-")))))])
  }

  validation {
    condition = alltrue([for key, c in var.credentials : c.adopt == null || try(startswith(regex(local.contract.adopted_secret_arn_pattern, c.adopt.from_secret_arn)[0], coalesce(var.secret_prefix, "data-api/credentials/${var.name}/")), false)])
    error_message = join("\n", [for key, c in var.credentials : "Invalid adopt.from_secret_arn (credentials[\"${key}\"]): got ${jsonencode(try(c.adopt.from_secret_arn, null))}; allowed: a Secrets Manager secret ARN whose name starts with the store's secret_prefix ${jsonencode(coalesce(var.secret_prefix, "data-api/credentials/${var.name}/"))} (the provider reads only those)"
    if !(c.adopt == null || try(startswith(regex(local.contract.adopted_secret_arn_pattern, c.adopt.from_secret_arn)[0], coalesce(var.secret_prefix, "data-api/credentials/${var.name}/")), false))])
  }

  validation {
    condition = alltrue([for key, c in var.credentials : c.adopt == null || (c.auth_type == "api_key" && c.rotation == null && length(c.readers) == 0 && c.secret_name == null)])
    error_message = join("\n", [for key, c in var.credentials : "Invalid adopt (credentials[\"${key}\"]): got ${c.auth_type != "api_key" ? "auth_type ${jsonencode(c.auth_type)}" : "with ${join(", ", compact([c.rotation == null ? "" : "rotation", length(c.readers) == 0 ? "" : "readers", c.secret_name == null ? "" : "secret_name"]))}"}; allowed: auth_type = \"api_key\", and no rotation, readers or secret_name (the secret is not the configuration's)"
    if !(c.adopt == null || (c.auth_type == "api_key" && c.rotation == null && length(c.readers) == 0 && c.secret_name == null))])
  }
