# The drift check of the credentials module (../../drift-check.tf): the provider's read-only `read`
# action over every checked credential at once; its result lists only the drifted ones.

variable "function_name" {
  description = "The store's credential provider function."
  type        = string
}

variable "read_action" {
  description = "The provider's read action (local.contract.read_action of the parent module)."
  type        = string
}

variable "credentials" {
  description = "The checked credentials' invocation inputs, by key."
  type        = any
}

check "drift" {
  data "aws_lambda_invocation" "read" {
    function_name = var.function_name
    input         = jsonencode({ action = var.read_action, credentials = var.credentials })
  }

  assert {
    condition     = length(jsondecode(data.aws_lambda_invocation.read.result).drifted) == 0 && length(try(jsondecode(data.aws_lambda_invocation.read.result).expiring, {})) == 0
    error_message = join("\n", concat([for key, read in jsondecode(data.aws_lambda_invocation.read.result).drifted : read.message], values(try(jsondecode(data.aws_lambda_invocation.read.result).expiring, {}))))
  }
}
