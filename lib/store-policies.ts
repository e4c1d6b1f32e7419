import { Construct } from 'constructs';
import { Fn, Lazy, TerraformLocal, Token } from './framework';
import { literalSet, PolicyBindings, PolicyDocumentData, policyJson, RenderedStatement, renderStatements, SECRET_POLICY } from './policies';

/** What a store's policy documents are rendered with, but the gateway's roles (they join later). */
export interface StorePolicyBase {
  readonly values: PolicyBindings['values'];
  readonly admins: readonly string[];
  readonly tableReaders: readonly string[];
  readonly flags: PolicyBindings['flags'];
}

/** A token in text, as cdktf (and CDK Terrain) encode it: `${TfToken[TOKEN.12]}`. */
const STRING_TOKEN = /(\$\{TfToken\[[^\]]*\]\})/;

/**
 * A list of resources or principals in a policy: known values as `aws_iam_policy_document` sorts
 * them; values known only at apply (ARNs) sorted by Terraform then, the same way. A value with a
 * token inside text (`${arn}:*`) goes in as join(): cdktf warns of, and may mis-render, a template
 * inside a nested function.
 */
function policySet(values: string[]): unknown {
  const distinct = [...new Set(values)];
  if (distinct.length === 1 || !distinct.some((v) => Token.isUnresolved(v))) return literalSet(distinct);
  const joined = distinct.map((v) => {
    const parts = v.split(STRING_TOKEN).filter((p) => p !== '');
    return parts.length === 1 ? v : Fn.join('', parts);
  });
  return Fn.reverse(Fn.sort(Fn.distinct(joined)));
}

/**
 * A policy's IAM JSON text: `jsonencode()` of the statements `render` gives at synth (lib/policies.ts
 * `policyJson`), not an `aws_iam_policy_document`: a data source is a node of the graph, and
 * Terraform records every ancestor of a resource in its `dependencies` in the state, in every
 * credential's secret and invocation. Known at plan exactly when the data source's `json` was (when
 * every value in it is).
 */
export function policyText(render: () => RenderedStatement[]): string {
  return Lazy.stringValue({ produce: () => Fn.jsonencode(policyJson(render(), policySet)) });
}

/**
 * A store's policy documents (lib/policies.ts) bound to its resources and principals. The
 * principals are known only when every credential and gateway of the store has joined, so the
 * documents are rendered at synth.
 */
export class StorePolicies {
  /** The gateway functions' roles: they write the table and read the hash key, as the provider does. */
  private readonly gatewayRoles: string[] = [];
  /** The secret policy of every credential without readers; made with the first such credential. */
  private sharedSecretPolicy?: TerraformLocal;

  constructor(
    /** The store: the shared secret policy is its child. */
    private readonly store: Construct,
    private readonly base: StorePolicyBase,
  ) {}

  /** What the store's policies are bound to now (the gateway's guardrail renders it at synth). */
  bindings(): PolicyBindings {
    return {
      values: this.base.values,
      lists: { admins: this.base.admins, gatewayRoleArns: [...this.gatewayRoles], tableReaders: this.base.tableReaders, readers: [] },
      flags: this.base.flags,
    };
  }

  /** Lets a function of the store (the gateway's) write the table despite its resource policy. */
  allowTableWriter(roleArn: string): void {
    this.gatewayRoles.push(roleArn);
  }

  /**
   * A document with the store's bindings (and `extra`), as IAM JSON text (`policyText`), rendered at
   * synth, when every credential and gateway has joined.
   */
  policy(document: PolicyDocumentData, extra: () => Partial<PolicyBindings> = () => ({})): string {
    return policyText(() => {
      const more = extra();
      const base = this.bindings();
      return renderStatements(document, {
        values: { ...base.values, ...more.values },
        lists: { ...base.lists, ...more.lists },
        flags: { ...base.flags, ...more.flags },
      });
    });
  }

  /**
   * A credential secret's policy (`SECRET_POLICY`): its readers read it, nobody else but the
   * provider reads the value (unless `restrictSecretReads` is off and it has no readers), only the
   * provider and the deployer change it. `readers` is read at synth.
   */
  secretPolicy(readers: () => readonly string[]): string {
    return this.policy(SECRET_POLICY, () => ({ lists: { readers: readers() }, flags: { hasReaders: readers().length > 0 } }));
  }

  /**
   * The policy of every credential secret without readers (`Resource` "*" means the secret the
   * policy is attached to, so one document serves them all): a local, written once in the
   * configuration however many secrets carry it.
   */
  sharedSecretPolicyText(): string {
    this.sharedSecretPolicy ??= new TerraformLocal(this.store, 'SecretPolicy', this.secretPolicy(() => []));
    return this.sharedSecretPolicy.asString;
  }
}
