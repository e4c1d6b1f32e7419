# The example a platform team that writes HCL copies: one store and two credentials, as on the
# product page, with the module of this repository. From a clone of it, with AWS credentials or
# the local AWS (README.md, "The local AWS"):
#
#   terraform init && terraform apply
#
# From elsewhere, pin the module to a release tag or a commit instead of the relative path:
#   source = "git::https://github.com/data-api-credentials/data-api-credentials.git//terraform?ref=<tag or commit>"

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "region" {
  description = "Where the store lives."
  type        = string
  default     = "us-east-1"
}

provider "aws" {
  region = var.region
}

module "credentials" {
  source = "../../terraform"

  name = "analytics-credentials"
  # The Super Admins: besides the identity that applies, only they may invoke the provider and write the table.
  admins = ["arn:aws:iam::123456789012:root"]
  # A demo is meant to be destroyed and re-created: production stores keep the defaults.
  deletion_protection         = false
  secret_recovery_window_days = 0
  log_retention_days          = 7
  tags                        = { app = "analytics", managed-by = "data-api-credentials" }

  credentials = {
    analytics_export = {
      name        = "Analytics-DataAPI-Credential"
      auth_type   = "oauth2" # the default
      scopes      = ["all"]
      description = "Nightly export of every Data API entity to the warehouse"
    }
    usage_reporting = {
      name      = "Usage-Reporting"
      auth_type = "api_key"
      scopes    = ["conversations", "users"]
      # Only these principals (and the provider) may read the secret's value.
      readers = ["arn:aws:iam::123456789012:root"]
    }
  }
}

output "credentials" {
  description = "Credential ids, secret ARNs and OAuth 2.0 client ids: plain, non-secret values."
  value       = module.credentials.credentials
}
