# The opt-in drift check (`drift_check`): one read of all checked credentials per plan, as the
# constructs' check block does. Its own module because a check block's data source takes no count,
# and a store without checked credentials must not call the provider on every plan.

locals {
  drift_checked = [for key, c in local.credentials : key if c.drift_check]
}

module "drift_check" {
  source = "./modules/drift-check"
  count  = length(local.drift_checked) > 0 ? 1 : 0

  function_name = aws_lambda_function.provider.function_name
  read_action   = local.contract.read_action
  credentials   = { for key in local.drift_checked : key => local.inputs[key] }

  # While a credential has a change pending, its read waits for the apply instead of reporting it as drift.
  depends_on = [aws_lambda_invocation.credential]
}
