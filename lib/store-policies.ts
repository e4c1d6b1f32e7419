import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument, Lazy } from './framework';
import { PolicyBindings, PolicyDocumentData, RenderedStatement, renderStatements, SECRET_POLICY } from './policies';

/** What a store's policy documents are rendered with, but the gateway's roles (they join later). */
export interface StorePolicyBase {
  readonly values: PolicyBindings['values'];
  readonly admins: readonly string[];
  readonly tableReaders: readonly string[];
  readonly flags: PolicyBindings['flags'];
}

/**
 * A store's policy documents (lib/policies.ts) bound to its resources and principals. The
 * principals are known only when every credential and gateway of the store has joined, so the
 * statements are rendered at synth; which statements there are is known at once (the flags are).
 */
export class StorePolicies {
  /** The gateway functions' roles: they write the table and read the hash key, as the provider does. */
  private readonly gatewayRoles: string[] = [];
  /** The secret policy of every credential without readers; made with the first such credential. */
  private sharedSecretPolicy?: DataAwsIamPolicyDocument;

  constructor(
    /** The store: the shared secret policy document is its child. */
    private readonly store: Construct,
    private readonly base: StorePolicyBase,
  ) {}

  /** What the store's policies are bound to now (the gateway's data sources render it at synth). */
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
   * A document's statements with the store's bindings (and `extra`). Which statements there are is
   * known now (the flags are); the lists in them are read at synth, when every credential and gateway
   * has joined. Plain statement blocks, so `synth --hcl` writes them as blocks too.
   */
  statements(document: PolicyDocumentData, extra: () => Partial<PolicyBindings> = () => ({})): RenderedStatement[] {
    const render = (): RenderedStatement[] => {
      const more = extra();
      const base = this.bindings();
      return renderStatements(document, {
        values: { ...base.values, ...more.values },
        lists: { ...base.lists, ...more.lists },
        flags: { ...base.flags, ...more.flags },
      });
    };
    return render().map((statement, i) => {
      const later = (pick: (s: RenderedStatement) => string[]) => Lazy.listValue({ produce: () => pick(render()[i]) });
      return {
        ...statement,
        resources: later((s) => s.resources),
        ...(statement.principals === undefined ? {} : { principals: [{ type: 'AWS' as const, identifiers: later((s) => s.principals![0].identifiers) }] }),
        ...(statement.condition === undefined ? {} : { condition: [{ ...statement.condition[0], values: later((s) => s.condition![0].values) }] }),
      };
    });
  }

  /**
   * A credential secret's policy statements (`SECRET_POLICY`): its readers read it, nobody else but
   * the provider reads the value (unless `restrictSecretReads` is off and it has no readers), only
   * the provider and the deployer change it. `readers` is read at synth.
   */
  secretStatements(readers: () => readonly string[]): RenderedStatement[] {
    return this.statements(SECRET_POLICY, () => ({ lists: { readers: readers() }, flags: { hasReaders: readers().length > 0 } }));
  }

  /**
   * The policy document of every credential secret without readers (`Resource` "*" means the
   * secret the policy is attached to, so one document serves them all).
   */
  sharedSecretDocument(): DataAwsIamPolicyDocument {
    this.sharedSecretPolicy ??= new DataAwsIamPolicyDocument(this.store, 'SecretPolicy', { statement: this.secretStatements(() => []) });
    return this.sharedSecretPolicy;
  }
}
