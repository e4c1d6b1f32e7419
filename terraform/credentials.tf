# The credentials: per key, what `DataApiCredential` declares (see lib/data-api-credential.ts): the
# instance, the secret (metadata only), the CRUD invocation of the provider with the same input, and
# the readers' secret policy. The provider generates the value and writes it to the secret itself.
# An adopted API key (`adopt`) has no secret here: its secret is the user's, read once by the provider.

locals {
  credentials = {
    for key, c in var.credentials : key => {
      # The declared fields (fields.generated.tf), normalised: scopes in canonical order, so reordering
      # changes nothing, and ["all"] is every scope. The rest of them are only in declared_inputs.
      name      = local.declared_fields[key].name
      auth_type = c.auth_type
      scopes    = local.declared_fields[key].scopes
      # The secret an adopted key is read from (the user's; its ARN as declared), else null.
      adopt_from = try(c.adopt.from_secret_arn, null)
      # The same default names whatever the prefix: data-api/credentials/<name>/<key> with the default one;
      # an adopted key's: the name in its ARN, without the suffix AWS appends.
      secret_name = (c.adopt != null
        ? try(replace(regex(local.contract.adopted_secret_arn_pattern, c.adopt.from_secret_arn)[0], "/${local.contract.secret_arn_suffix_pattern}/", ""), c.adopt.from_secret_arn)
      : coalesce(c.secret_name, local.prefix_is_default ? "${local.secret_prefix}${key}" : "${local.secret_prefix}${var.name}/${key}"))
      rotation    = c.rotation == null ? null : { trigger = c.rotation.trigger }
      readers     = distinct(c.readers)
      drift_check = coalesce(c.drift_check, var.drift_check)
    }
  }

  # The invocation input without the instance id and the secret ARN (known only after their create):
  # optional fields are absent, never null, exactly as the constructs write them.
  declared_inputs = {
    for key, c in local.credentials : key => merge(
      { authType = c.auth_type },
      { for field, value in local.declared_fields[key] : field => value if value != null },
    )
  }

  inputs = {
    for key, input in local.declared_inputs : key => merge(input, {
      instanceId = terraform_data.instance[key].id
      secretArn  = local.secret_arns[key]
    }, local.credentials[key].adopt_from == null ? {} : { adopt = true })
  }

  # The credentials whose secret this module creates, and the adopted ones (their secrets are the user's).
  generated = { for key, c in local.credentials : key => c if c.adopt_from == null }
  adopted   = { for key, c in local.credentials : key => c if c.adopt_from != null }

  secret_arns = merge(
    { for key, secret in aws_secretsmanager_secret.credential : key => secret.arn },
    { for key, c in local.adopted : key => c.adopt_from },
  )

  # The only secrets without this store's tag the provider may read (ReadDeclaredAdoptedSecrets).
  adopted_secret_arns = distinct([for c in values(local.adopted) : c.adopt_from])

  # The declaration tag (SECRET_TAGS.DECLARATION in handlers/contract/credential.ts): the digest of
  # the instance id and of declarationText: the format, the store, the auth type and one line per
  # declared field (fields.generated.tf). The provider refuses a write or read whose input gives
  # another digest.
  declaration_digests = {
    for key, c in local.credentials : key => sha256(join("\n", concat(
      [local.contract.declaration_format, var.name, c.auth_type],
      local.declaration_field_lines[key],
    )))
  }

  # Per OAuth 2.0 credential key: the client id (the first credential id of its rotations).
  client_ids = {
    for key, client in terraform_data.client : key => "${local.contract.client_id_prefix}${substr(sha256("${local.contract.credential_id_salt}${client.output}"), 0, local.contract.credential_id_length)}"
  }

  credential_ids = {
    for key in keys(local.credentials) : key => substr(sha256("${local.contract.credential_id_salt}${terraform_data.instance[key].id}"), 0, local.contract.credential_id_length)
  }
}

# The credential instance: its id is new exactly when the credential must be replaced (auth type,
# secret name, provider function or rotation trigger changed), created before the old one goes.
# The function by its name (known before apply), not a reference to it: instances and secrets need
# not wait for the function; only the invocations do.
resource "terraform_data" "instance" {
  for_each = local.credentials

  triggers_replace = merge(
    { authType = each.value.auth_type, functionName = local.function_name },
    each.value.adopt_from == null ? { secretName = each.value.secret_name } : { adoptedFrom = each.value.adopt_from },
    each.value.rotation == null ? {} : { rotation = each.value.rotation.trigger },
  )

  lifecycle {
    create_before_destroy = true
  }
}

# An OAuth 2.0 credential's client: its input is the first instance's id and stays so
# (ignore_changes), replaced only with what replaces the client (every reason to replace the
# instance but the rotation trigger). The client id is `dci_` + the first credential id of the
# credential's rotations: known at plan time, and the same across rotations, as the provider keeps
# it (a rotation's successor inherits its predecessor's client id). An existing credential gets one
# with its current instance's id: its client id does not change.
resource "terraform_data" "client" {
  for_each = { for key, c in local.credentials : key => c if c.auth_type == "oauth2" }

  input = terraform_data.instance[each.key].id
  # One string, as the constructs write it (an object's type is kept in state beside its value);
  # an OAuth 2.0 credential adopts nothing, so its secret is always named.
  triggers_replace = join(" ", [each.value.auth_type, local.function_name, each.value.secret_name])

  lifecycle {
    create_before_destroy = true
    ignore_changes        = [input]
  }
}

resource "aws_secretsmanager_secret" "credential" {
  for_each = local.generated

  name                    = each.value.secret_name
  description             = "Data API credential \"${each.value.name}\"; its value is written only by the credential provider"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
  # Without readers, the store's one policy document on the secret itself; with readers, the
  # credential's own, in aws_secretsmanager_secret_policy.readers (see below).
  policy = length(each.value.readers) > 0 ? null : local.secret_policies[local.no_readers]
  # The binding the provider checks: it refuses a create, update or read whose store or declaration differ.
  tags = merge(var.tags, {
    (local.contract.secret_tag_store)       = var.name
    (local.contract.secret_tag_declaration) = sha256("${terraform_data.instance[each.key].id}\n${local.declaration_digests[each.key]}")
  })
}

resource "aws_lambda_invocation" "credential" {
  for_each = local.credentials

  function_name   = aws_lambda_function.provider.function_name
  lifecycle_scope = "CRUD"
  input           = jsonencode(local.inputs[each.key])

  # The table policy must exist before a create and outlive a delete, as the provider writes under it;
  # so must the provider's permissions (its function does not wait for them).
  depends_on = [aws_dynamodb_resource_policy.table, aws_iam_role_policy.provider]

  lifecycle {
    create_before_destroy = true
    # A new instance is a new credential: never replace the invocation alone.
    replace_triggered_by = [terraform_data.instance[each.key]]
  }
}

# Every secret's policy: only the provider and the applying identity change it (every action but
# the reads: value, version stages, tags, the policy itself, deletion, and any AWS adds). Only its readers and the provider read its value
# (unless restrict_secret_reads is off and it has no readers: then IAM alone decides). `Resource` is "*" (in a secret's policy: that secret), so a tags update of the secret
# (a scopes change) does not defer the document to apply, and every secret without readers shares one
# document, under the key local.no_readers, set as the secret's own `policy` (at a thousand
# credentials, a thousand identical data sources and policy resources were planned on every plan),
# as the constructs' store does. A secret with readers has its own document and policy resource.
locals {
  no_readers = "(no readers)"
}

# The policy, local.secret_policies, is in policies.generated.tf.

resource "aws_secretsmanager_secret_policy" "readers" {
  for_each = { for key, c in local.credentials : key => c if length(c.readers) > 0 }

  secret_arn = aws_secretsmanager_secret.credential[each.key].arn
  policy     = local.secret_policies[each.key]
}

# With a customer key, each reader may decrypt this secret only (its encryption context).
data "aws_kms_alias" "key" {
  count = var.kms_key_arn != null && strcontains(coalesce(var.kms_key_arn, "-"), ":alias/") ? 1 : 0
  name  = substr(var.kms_key_arn, length(split(":alias/", var.kms_key_arn)[0]) + 1, -1)
}

resource "aws_kms_grant" "reader" {
  for_each = var.kms_key_arn == null ? {} : merge([
    for key, c in local.credentials : { for reader in c.readers : "${key} ${reader}" => { key = key, reader = reader } }
  ]...)

  key_id            = length(data.aws_kms_alias.key) > 0 ? data.aws_kms_alias.key[0].target_key_arn : var.kms_key_arn
  grantee_principal = each.value.reader
  operations        = ["Decrypt"]

  constraints {
    encryption_context_subset = { SecretARN = aws_secretsmanager_secret.credential[each.value.key].arn }
  }
}

# What `data-api-credentials review` reads from a plan: a plan holds no output of a child module, so
# the declarations (known at plan time, unlike a new invocation's input) travel in this resource.
resource "terraform_data" "declarations" {
  input = {
    kind        = local.contract.declarations_kind
    credentials = local.declarations
  }
}

locals {
  # Every declared field at the top level, as the invocation's input has them, and the rotation's trigger.
  declarations = {
    for key, c in local.credentials : key => merge(
      local.declared_inputs[key],
      {
        kind       = local.contract.declaration_kind
        instance   = "terraform_data.instance[\"${key}\"]"
        invocation = "aws_lambda_invocation.credential[\"${key}\"]"
      },
      # An adopted key's secret is not the configuration's: no address.
      c.adopt_from != null ? {} : { secret = "aws_secretsmanager_secret.credential[\"${key}\"]" },
      c.rotation == null ? {} : { rotation = { trigger = c.rotation.trigger } },
    )
  }
}
