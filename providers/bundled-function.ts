import { AssetType, CloudwatchLogGroup, IamRole, IamRolePolicy, LambdaFunction, TerraformAsset } from '../lib/framework';
import { Construct } from 'constructs';
import { RenderedStatement } from '../lib/policies';
import { policyText } from '../lib/store-policies';
import { CONSTRUCT_IDS } from '../handlers/contract/construct-ids';
import { FUNCTION_HANDLER, FUNCTION_MEMORY_MB, LOG_WRITE_ACTIONS, PROVIDER_RUNTIME } from './function-settings';
import { HandlerName, handlerAssetPath } from './handler-assets';

export { PROVIDER_RUNTIME } from './function-settings';

/** One statement of a function's role policy: what it may do (an Allow), on what, when. */
export interface RoleStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: ReadonlyArray<{ readonly test: string; readonly variable: string; readonly values: readonly string[] }>;
}

/** Who may assume a function's role: the Lambda service, as `aws_iam_policy_document` writes it (no Sid, no Resource). */
const ASSUME_ROLE: readonly RenderedStatement[] = [
  { sid: '', effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] },
];

export interface BundledFunctionProps {
  /** Which of the package's prebuilt handler bundles the function runs (`HANDLER_SOURCES`). */
  readonly handler: HandlerName;
  /** Lambda function name; also names the role and the log group. */
  readonly functionName: string;
  readonly description: string;
  /** Name of the role's inline policy. */
  readonly policyName: string;
  /**
   * What the function may do, besides writing its own logs. A function is called at synth (the
   * statements depend on what is declared after the function: the credentials' adopted secrets).
   */
  readonly statements: readonly RoleStatement[] | (() => readonly RoleStatement[]);
  readonly environment: Record<string, string>;
  readonly timeoutSeconds: number;
  /** Encrypts the logs and the function's environment; the statements must allow its use. */
  readonly kmsKeyArn?: string;
  readonly logRetentionDays: number;
  readonly tags?: Record<string, string>;
  /**
   * The function's reserved concurrency (`reserved_concurrent_executions`): a share of the account's
   * concurrency, and the most instances it runs at once. Unset, none (Terraform's -1).
   */
  readonly reservedConcurrency?: number;
  /**
   * The function is created without waiting for its role's policy, and whatever invokes it waits
   * for `permissions` instead: for a function whose every invoker is in the same configuration (the
   * credential provider). In a large apply Terraform runs ready resources first come, first served,
   * ten at a time: behind the policy, the function joined the queue after every credential's secret
   * and was created last, and every invocation with it.
   * @default false - the function waits for its policy
   */
  readonly invokersWaitForPolicy?: boolean;
}

/**
 * One of the library's Lambda functions: a prebuilt bundle of `handlers/`, with its own least-privilege
 * role and a log group with retention. Subclasses add what is particular to them; the children's
 * ids are fixed here, so Terraform addresses stay stable.
 */
export class BundledFunction extends Construct {
  readonly functionName: string;
  readonly functionArn: string;
  readonly invokeArn: string;
  /** The function's execution role: resource policies name it to let the function in. */
  readonly roleArn: string;
  /** The function's log group (the guardrails name it). */
  readonly logGroupArn: string;
  /** The role's policy: what the function may do (with `invokersWaitForPolicy`, invokers depend on it). */
  readonly permissions: IamRolePolicy;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);

    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
      tags: props.tags,
    });

    // Both documents are IAM JSON text (`policyText`, as the store's policies), not
    // `aws_iam_policy_document` data sources: Terraform records every ancestor of a resource in its
    // `dependencies` in the state, and the provider's two documents were ancestors of every
    // credential's invocation (and the trust policy of every secret, through the role's ARN). The
    // parsed JSON is the data source's (the Terraform module still renders them so: the parity
    // test compares the two), so an upgrade replaces nothing.
    const role = new IamRole(this, 'Role', { name: props.functionName, assumeRolePolicy: policyText(() => [...ASSUME_ROLE]), tags: props.tags });

    const permissions = policyText(() =>
      [...(typeof props.statements === 'function' ? props.statements() : props.statements), { sid: 'Logs', actions: [...LOG_WRITE_ACTIONS], resources: [`${logGroup.arn}:*`] }].map(
        (st): RenderedStatement => ({
          sid: st.sid,
          effect: 'Allow',
          actions: [...st.actions],
          resources: [...st.resources],
          ...(st.condition === undefined ? {} : { condition: st.condition.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })) }),
        }),
      ),
    );
    const policy = new IamRolePolicy(this, 'Policy', { name: props.policyName, role: role.id, policy: permissions });

    const asset = new TerraformAsset(this, 'Code', { path: handlerAssetPath(props.handler), type: AssetType.FILE });
    // Its id is part of the provider function's address, which `review` recognises.
    const fn = new LambdaFunction(this, CONSTRUCT_IDS.FUNCTION, {
      functionName: props.functionName,
      description: props.description,
      runtime: PROVIDER_RUNTIME,
      handler: FUNCTION_HANDLER,
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      role: role.arn,
      timeout: props.timeoutSeconds,
      memorySize: FUNCTION_MEMORY_MB,
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency }),
      kmsKeyArn: props.kmsKeyArn,
      environment: { variables: props.environment },
      tags: props.tags,
      dependsOn: props.invokersWaitForPolicy ? [logGroup] : [logGroup, policy],
    });

    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
    this.invokeArn = fn.invokeArn;
    this.roleArn = role.arn;
    this.logGroupArn = logGroup.arn;
    this.permissions = policy;
  }
}
