# A consumer in another Terraform configuration: it hands a Data API key to its own resource without
# the key ever entering this configuration's plan or state. The ephemeral resource opens the
# credential's secret on each run and is never saved; the write-only argument sends the key to AWS
# and is never saved either (Terraform 1.11+, hashicorp/aws 5.88+).
#
# The producer (examples/terraform, or a cdktf stack) gives the two inputs, both plain, non-secret:
#   secret_arn    = module.credentials.credentials["usage_reporting"].secret_arn
#   credential_id = module.credentials.credentials["usage_reporting"].credential_id
# (with the constructs: the credential's secretArn and credentialId, also in the store's
# DeclaredCredentials output). Pass them as variables, as here, or read them with
# data "terraform_remote_state" from the producer's state.
#
# The identity that applies this configuration must be allowed to read the secret: list it in the
# credential's `readers`.
#
#   terraform init && terraform apply -var secret_arn=... -var credential_id=...

terraform {
  required_version = ">= 1.11" # write-only arguments

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.88" # ephemeral aws_secretsmanager_secret_version (5.77), secret_string_wo (5.88)
    }
  }
}

variable "region" {
  description = "Where the credential's secret and the consumer's own secret live."
  type        = string
  default     = "us-east-1"
}

variable "secret_arn" {
  description = "ARN of the credential's secret (the producer's secret_arn / secretArn output)."
  type        = string
}

variable "credential_id" {
  description = "The credential's id (the producer's credential_id / credentialId output). It changes on every replacement (rotation, auth type change), exactly when the secret gets a new value, so the key is sent again."
  type        = string
}

variable "target_secret_name" {
  description = "Name of this consumer's own secret, which receives the API key."
  type        = string
  default     = "usage-dashboard/data-api-key"
}

provider "aws" {
  region = var.region
}

# Opened during plan and apply, never written to the plan or the state.
ephemeral "aws_secretsmanager_secret_version" "credential" {
  secret_id = var.secret_arn # version_stage defaults to AWSCURRENT
}

# The consumer's own resource: here a secret of the dashboard's, from which its application reads the
# key at run time. Any write-only argument works the same way (aws_ssm_parameter.value_wo with
# value_wo_version, aws_db_instance.password_wo with password_wo_version, ...).
resource "aws_secretsmanager_secret" "dashboard" {
  name                    = var.target_secret_name
  recovery_window_in_days = 0 # a demo: production keeps the default
}

resource "aws_secretsmanager_secret_version" "dashboard" {
  secret_id = aws_secretsmanager_secret.dashboard.id
  # The API key of an api_key credential; an OAuth 2.0 credential has clientId and clientSecret.
  secret_string_wo = jsondecode(ephemeral.aws_secretsmanager_secret_version.credential.secret_string).apiKey
  # A write-only value is never compared with the last one, so Terraform sends it again only when
  # this number changes. It must be a number: 48 bits of the credential id's hash, which change
  # whenever the credential (and so the secret's value) is replaced.
  secret_string_wo_version = parseint(substr(sha256(var.credential_id), 0, 12), 16)
}

output "target_secret_arn" {
  description = "The consumer's secret holding the API key."
  value       = aws_secretsmanager_secret.dashboard.arn
}

output "key_version" {
  description = "The secret_string_wo_version last sent (not secret)."
  value       = aws_secretsmanager_secret_version.dashboard.secret_string_wo_version
}
