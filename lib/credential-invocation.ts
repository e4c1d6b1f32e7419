import { LambdaInvocation, LambdaInvocationConfig } from './framework';
import { Construct } from 'constructs';

/**
 * A credential's `aws_lambda_invocation` (CRUD), replaced whenever its instance is. Terraform wants
 * `replace_triggered_by` as a bare reference, which the two output formats spell differently: in
 * JSON a plain string (`"terraform_data.x"`; `"${...}"` is refused there), in HCL an unquoted
 * `terraform_data.x`. `cdktf synth --hcl` quotes a plain string (refused by `terraform init`), and
 * `"${terraform_data.x}"` passes `terraform validate` but is refused at plan. The HCL writer copies
 * a value that starts with `[` as it is, so the HCL gets the list as one expression.
 */
export class CredentialInvocation extends LambdaInvocation {
  constructor(
    scope: Construct,
    id: string,
    config: Omit<LambdaInvocationConfig, 'lifecycle'>,
    private readonly replacedWith: string,
  ) {
    super(scope, id, { ...config, lifecycle: { createBeforeDestroy: true, replaceTriggeredBy: [replacedWith] } });
  }

  public toHclTerraform(): Record<string, unknown> {
    const hcl = super.toHclTerraform() as { resource?: Record<string, Record<string, { lifecycle?: { replace_triggered_by?: unknown } }>> };
    const self = hcl.resource?.[LambdaInvocation.tfResourceType]?.[this.friendlyUniqueId];
    if (self?.lifecycle) self.lifecycle.replace_triggered_by = `[${this.replacedWith}]`;
    return hcl;
  }
}
