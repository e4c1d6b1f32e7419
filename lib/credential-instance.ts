import { anyToHclTerraform, anyToTerraform, hashMapper, hashMapperHcl, TerraformResource } from './framework';
import { Construct } from 'constructs';

/**
 * A credential's instance: a built-in `terraform_data` resource with only `triggers_replace`,
 * created before its predecessor is destroyed. Its id is new exactly when the credential must be
 * replaced.
 *
 * Why not cdktf's `DataResource`: each one adds a validation that runs `terraform version` in a
 * child process at synth, about 45 ms per credential here (1,000 credentials took 47 s to
 * synthesize, almost all of it in those processes; `npm run bench` measures it). Terraform itself
 * refuses `terraform_data` before 1.4 when it reads the configuration, so nothing is lost.
 */
export class CredentialInstance extends TerraformResource {
  static readonly tfResourceType = 'terraform_data';

  constructor(
    scope: Construct,
    id: string,
    private readonly triggersReplace: Readonly<Record<string, string>>,
  ) {
    super(scope, id, {
      terraformResourceType: CredentialInstance.tfResourceType,
      terraformGeneratorMetadata: { providerName: 'terraform' },
      lifecycle: { createBeforeDestroy: true },
    });
  }

  /** The instance's id, a new UUID on every replacement. */
  get id(): string {
    return this.getStringAttribute('id');
  }

  /** The resource's address in the configuration, e.g. `terraform_data.x_Instance_1234ABCD`. */
  get address(): string {
    return `${CredentialInstance.tfResourceType}.${this.friendlyUniqueId}`;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { triggers_replace: hashMapper(anyToTerraform)(this.triggersReplace) };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return { triggers_replace: hashMapperHcl(anyToHclTerraform)(this.triggersReplace) };
  }
}

/**
 * An OAuth 2.0 credential's client: a `terraform_data` whose `input` is its first instance's id and
 * stays so (`ignore_changes`), replaced only with what replaces the client (every reason to replace
 * the instance but the rotation trigger). Its `output` is the first instance id of the credential's
 * rotations, so the client id (`dci_` + the first credential id) is known at plan time and stays the
 * same across rotations, as the provider keeps it (a rotation's successor inherits its predecessor's
 * client id). An existing credential gets one with its current instance's id: its client id does
 * not change. Its `triggers_replace` is those reasons in one string (`clientReplacedWith`): an
 * object's type is kept in state beside its value, about 250 bytes a client more.
 */
export class CredentialClient extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly firstInstanceId: string,
    private readonly triggersReplace: string,
  ) {
    super(scope, id, {
      terraformResourceType: CredentialInstance.tfResourceType,
      terraformGeneratorMetadata: { providerName: 'terraform' },
      lifecycle: { createBeforeDestroy: true, ignoreChanges: ['input'] },
    });
  }

  /** The first instance id of the client's credentials (known at plan time once the client exists). */
  get firstInstance(): string {
    return this.getStringAttribute('output');
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { input: this.firstInstanceId, triggers_replace: this.triggersReplace };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {
      input: anyToHclTerraform(this.firstInstanceId),
      triggers_replace: anyToHclTerraform(this.triggersReplace),
    };
  }
}

/**
 * What replaces an OAuth 2.0 credential's client, as its `triggers_replace`: the auth type, the
 * provider function and the secret name, space-separated (none holds a space). The Terraform module
 * writes the same string.
 */
export function clientReplacedWith(replacedWith: { readonly authType: string; readonly functionName: string; readonly secretName: string }): string {
  return [replacedWith.authType, replacedWith.functionName, replacedWith.secretName].join(' ');
}
