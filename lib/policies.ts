/**
 * Every resource policy and guardrail statement of a store and a gateway, written once as data.
 * The constructs render them as IAM JSON text (`renderStatements`, `policyJson`), and
 * `npm run build:terraform` writes the same statements into the Terraform module's
 * `policies.generated.tf`: a fix lands once, on both routes. Framework-free on purpose.
 *
 * Values are text with placeholders: `{name}` is one value known at apply (an ARN), `...name` in a
 * list is a list of values (principals). Each renderer maps the names to its own expressions.
 *
 * What these statements let through, principal by principal and action by action, is proven by the
 * IAM matrix (test/e2e/iam-matrix.test.ts) against its declared table (test/support/access-table.ts).
 */
import { TABLE_CONTROL_ACTIONS, TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS, SECRET_READ_ACTIONS, SECRET_READER_ACTIONS } from './store-rules';

/** One value: `{tableArn}`, `{tableArn}/*`, or plain text. */
export type PolicyValue = string;

/** The placeholders of single values. */
export const POLICY_VALUES = [
  'tableArn',
  'secretArnPattern',
  'providerFunctionArn',
  'providerRoleArn',
  'providerLogGroupArn',
  'deployerArn',
  'tokenFunctionArn',
  'recordsFunctionArn',
  'tokenRoleArn',
  'recordsRoleArn',
  'tokenLogGroupArn',
  'recordsLogGroupArn',
  'apiArn',
] as const;
export type PolicyValueName = (typeof POLICY_VALUES)[number];

/** The placeholders of lists: `...admins` in a list of values. */
export const POLICY_LISTS = ['admins', 'gatewayRoleArns', 'tableReaders', 'readers'] as const;
export type PolicyListName = (typeof POLICY_LISTS)[number];

/** Switches of a document: a statement with `when` is rendered only when it is on. */
export const POLICY_FLAGS = ['restrictTableReads', 'denyUngrantedSecretReads', 'hasReaders'] as const;
export type PolicyFlag = (typeof POLICY_FLAGS)[number];

export interface PolicyStatement {
  readonly sid: string;
  readonly effect: 'Allow' | 'Deny';
  /** Resource policies: who the statement is about (`*`, or a list of principal ARNs). SCPs have none. */
  readonly principals?: readonly PolicyValue[];
  readonly actions?: readonly string[];
  /** Every action but these (guardrails: "nothing but reads"). */
  readonly notActions?: readonly string[];
  readonly resources: readonly PolicyValue[];
  /** The principals a Deny spares (`aws:PrincipalArn`); `test` is the operator. */
  readonly except?: { readonly test: 'StringNotEquals' | 'ArnNotLike'; readonly principals: readonly PolicyValue[] };
  /** Rendered only when this flag is on; with `not`, only when it is off. */
  readonly when?: PolicyFlag;
  readonly whenAny?: readonly PolicyFlag[];
}

export interface PolicyDocumentData {
  /** What the document is for (the comment of the generated HCL). */
  readonly description: string;
  readonly statements: readonly PolicyStatement[];
}

const EVERYONE = ['*'];
const LAMBDA_READS = ['lambda:Get*', 'lambda:List*'];
const IAM_READS = ['iam:Get*', 'iam:List*'];
/** A log group's reads: what an on-call engineer needs, and no change. */
const LOG_READS = ['logs:Describe*', 'logs:Get*', 'logs:List*', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:StopQuery', 'logs:StartLiveTail', 'logs:StopLiveTail'];
/** Reading a table's stream copies every record: a read like any other. */
export const TABLE_STREAM_READ_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'] as const;
/** Invoking a function, by any of its APIs. */
export const LAMBDA_INVOKE_ACTIONS = ['lambda:InvokeFunction', 'lambda:InvokeAsync', 'lambda:InvokeFunctionUrl', 'lambda:InvokeWithResponseStream'] as const;

/** The table's resource policy: who writes and reads items, and that only the deployer changes the table or this policy. */
export const TABLE_POLICY: PolicyDocumentData = {
  description: 'The credential table: items written by the admins, the deployer and the functions; read also by the table readers; the table and this policy changed only by the deployer',
  statements: [
    {
      sid: 'OnlyAdminsDeployerAndFunctionsWrite',
      effect: 'Deny',
      principals: EVERYONE,
      actions: TABLE_WRITE_ACTIONS,
      resources: ['{tableArn}'],
      except: { test: 'StringNotEquals', principals: ['...admins', '{deployerArn}', '{providerRoleArn}', '...gatewayRoleArns'] },
    },
    {
      sid: 'OnlyAdminsDeployerFunctionsAndTableReadersRead',
      effect: 'Deny',
      principals: EVERYONE,
      actions: [...TABLE_READ_ACTIONS, ...TABLE_STREAM_READ_ACTIONS],
      resources: ['{tableArn}', '{tableArn}/*'],
      except: { test: 'StringNotEquals', principals: ['...admins', '{deployerArn}', '{providerRoleArn}', '...gatewayRoleArns', '...tableReaders'] },
      when: 'restrictTableReads',
    },
    {
      // Without this, anyone allowed to change the table removes the policy, or copies the table
      // (a restore, a backup, a stream) past the read Deny.
      sid: 'OnlyTheDeployerChangesTheTable',
      effect: 'Deny',
      principals: EVERYONE,
      actions: TABLE_CONTROL_ACTIONS,
      resources: ['{tableArn}', '{tableArn}/*'],
      except: { test: 'StringNotEquals', principals: ['{deployerArn}'] },
    },
  ],
};

/**
 * Only the provider and the deployer change a secret of the store (value, stages, tags, policy, life):
 * everything but the reads is denied to everyone else, so a change action AWS adds is denied too
 * (and the statement is a third of the 14 change actions' length, in every secret's policy).
 */
const SECRET_CHANGES: PolicyStatement = {
  sid: 'OnlyTheProviderAndDeployerChange',
  effect: 'Deny',
  principals: EVERYONE,
  notActions: SECRET_READ_ACTIONS,
  resources: ['*'],
  except: { test: 'StringNotEquals', principals: ['{providerRoleArn}', '{deployerArn}'] },
};

/** The hash-key secret: read by the store's functions only, changed by the provider and the deployer only. */
export const HASH_KEY_POLICY: PolicyDocumentData = {
  description: "The store's hash-key secret: read by the store's functions only, changed by the provider and the deployer only",
  statements: [
    {
      sid: 'OnlyTheStoresFunctionsRead',
      effect: 'Deny',
      principals: EVERYONE,
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'],
      except: { test: 'StringNotEquals', principals: ['{providerRoleArn}', '...gatewayRoleArns'] },
    },
    SECRET_CHANGES,
  ],
};

/**
 * A credential's secret (`Resource` "*" in a secret's policy is that secret, so one document serves
 * every secret without readers): its readers read it; nobody else but the provider reads its value,
 * unless the store leaves reads to IAM; only the provider and the deployer change it.
 */
export const SECRET_POLICY: PolicyDocumentData = {
  description: "A credential's secret: read by its readers and the provider only, changed by the provider and the deployer only",
  statements: [
    { sid: 'Readers', effect: 'Allow', principals: ['...readers'], actions: SECRET_READER_ACTIONS, resources: ['*'], when: 'hasReaders' },
    {
      sid: 'OnlyReadersAndTheProviderRead',
      effect: 'Deny',
      principals: EVERYONE,
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'],
      except: { test: 'StringNotEquals', principals: ['...readers', '{providerRoleArn}'] },
      whenAny: ['hasReaders', 'denyUngrantedSecretReads'],
    },
    SECRET_CHANGES,
  ],
};

/**
 * The store's guardrail, for the organisation to attach as a service control policy (a Lambda or IAM
 * resource cannot deny): only the admins and the deployer invoke the provider; only the deployer
 * changes the provider, its role (PassRole included: a new function with that role would run as the
 * provider), its logs, or creates and tags secrets under the store's prefix (a planted secret).
 */
export const STORE_GUARDRAIL: PolicyDocumentData = {
  description: "The store's guardrail (a service control policy): who invokes and changes the provider, its role, its logs and the store's secrets",
  statements: [
    {
      sid: 'OnlyAdminsAndDeployerInvokeTheProvider',
      effect: 'Deny',
      actions: LAMBDA_INVOKE_ACTIONS,
      resources: ['{providerFunctionArn}', '{providerFunctionArn}:*'],
      except: { test: 'ArnNotLike', principals: ['...admins', '{deployerArn}'] },
    },
    {
      sid: 'OnlyTheDeployerChangesTheProvider',
      effect: 'Deny',
      notActions: [...LAMBDA_READS, ...LAMBDA_INVOKE_ACTIONS],
      resources: ['{providerFunctionArn}', '{providerFunctionArn}:*'],
      except: { test: 'ArnNotLike', principals: ['{deployerArn}'] },
    },
    {
      sid: 'OnlyTheDeployerChangesTheProviderRole',
      effect: 'Deny',
      notActions: IAM_READS,
      resources: ['{providerRoleArn}'],
      except: { test: 'ArnNotLike', principals: ['{deployerArn}'] },
    },
    {
      sid: 'OnlyTheDeployerChangesTheProviderLogs',
      effect: 'Deny',
      notActions: LOG_READS,
      resources: ['{providerLogGroupArn}', '{providerLogGroupArn}:*'],
      except: { test: 'ArnNotLike', principals: ['{deployerArn}', '{providerRoleArn}'] },
    },
    {
      sid: 'OnlyTheDeployerCreatesOrTagsTheStoresSecrets',
      effect: 'Deny',
      actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'],
      resources: ['{secretArnPattern}'],
      except: { test: 'ArnNotLike', principals: ['{deployerArn}'] },
    },
  ],
};

/**
 * The gateway's guardrail (a service control policy): only the deployer invokes or changes its
 * functions, their roles, their logs and the HTTP API (API Gateway invokes the functions as a service
 * principal, which service control policies do not restrict).
 */
export const GATEWAY_GUARDRAIL: PolicyDocumentData = {
  description: "The gateway's guardrail (a service control policy): who invokes and changes its functions, roles, logs and API",
  statements: [
    {
      sid: 'OnlyTheDeployerInvokesOrChangesTheGatewayFunctions',
      effect: 'Deny',
      notActions: LAMBDA_READS,
      resources: ['{tokenFunctionArn}', '{tokenFunctionArn}:*', '{recordsFunctionArn}', '{recordsFunctionArn}:*'],
      except: { test: 'ArnNotLike', principals: ['{deployerArn}'] },
    },
    {
      sid: 'OnlyTheDeployerChangesTheGatewayRoles',
      effect: 'Deny',
      notActions: IAM_READS,
      resources: ['{tokenRoleArn}', '{recordsRoleArn}'],
      except: { test: 'ArnNotLike', principals: ['{deployerArn}'] },
    },
    {
      sid: 'OnlyTheDeployerChangesTheGatewayLogs',
      effect: 'Deny',
      notActions: LOG_READS,
      resources: ['{tokenLogGroupArn}', '{tokenLogGroupArn}:*', '{recordsLogGroupArn}', '{recordsLogGroupArn}:*'],
      except: { test: 'ArnNotLike', principals: ['{deployerArn}', '{tokenRoleArn}', '{recordsRoleArn}'] },
    },
    {
      sid: 'OnlyTheDeployerChangesTheApi',
      effect: 'Deny',
      notActions: ['apigateway:GET'],
      resources: ['{apiArn}', '{apiArn}/*'],
      except: { test: 'ArnNotLike', principals: ['{deployerArn}'] },
    },
  ],
};

/** A rendered statement, in the shape of `aws_iam_policy_document`'s `statement` blocks. */
export interface RenderedStatement {
  readonly sid: string;
  readonly effect: string;
  readonly actions?: string[];
  readonly notActions?: string[];
  /** None in a role's trust policy (assume-role): the role is the resource. */
  readonly resources?: string[];
  /** `AWS` in resource policies; `Service` in a function role's trust policy. */
  readonly principals?: Array<{ type: string; identifiers: string[] }>;
  readonly condition?: Array<{ test: string; variable: string; values: string[] }>;
}

export interface PolicyBindings {
  readonly values: Partial<Record<PolicyValueName, string>>;
  readonly lists: Partial<Record<PolicyListName, readonly string[]>>;
  readonly flags: Partial<Record<PolicyFlag, boolean>>;
}

/** The statements of a document with the bindings put in (for the constructs). */
export function renderStatements(document: PolicyDocumentData, bindings: PolicyBindings): RenderedStatement[] {
  const on = (flag: PolicyFlag) => bindings.flags[flag] === true;
  const values = (list: readonly PolicyValue[]) => list.flatMap((v) => expand(v, bindings));
  return document.statements
    .filter((s) => (s.when === undefined || on(s.when)) && (s.whenAny === undefined || s.whenAny.some(on)))
    .map((s) => ({
      sid: s.sid,
      effect: s.effect,
      ...(s.actions === undefined ? {} : { actions: [...s.actions] }),
      ...(s.notActions === undefined ? {} : { notActions: [...s.notActions] }),
      resources: values(s.resources),
      ...(s.principals === undefined ? {} : { principals: [{ type: 'AWS' as const, identifiers: values(s.principals) }] }),
      ...(s.except === undefined ? {} : { condition: [{ test: s.except.test, variable: 'aws:PrincipalArn', values: values(s.except.principals) }] }),
    }));
}

function expand(value: PolicyValue, bindings: PolicyBindings): string[] {
  if (value.startsWith('...')) {
    const name = value.slice(3) as PolicyListName;
    const list = bindings.lists[name];
    if (list === undefined) throw new Error(`policy list "${name}" is not bound`);
    return [...list];
  }
  return [
    value.replace(/\{(\w+)\}/g, (_, name: PolicyValueName) => {
      const bound = bindings.values[name];
      if (bound === undefined) throw new Error(`policy value "${name}" is not bound`);
      return bound;
    }),
  ];
}


/** A policy document as IAM JSON (what `jsonencode()` of it gives). */
export interface PolicyJson {
  readonly Version: '2012-10-17';
  readonly Statement: ReadonlyArray<Record<string, unknown>>;
}

/**
 * A list as `aws_iam_policy_document` writes actions, resources and principals: a set (distinct,
 * reverse-sorted, as the data source sorts them), one value as that value. For values known now.
 */
export function literalSet(values: readonly string[]): string | string[] {
  const distinct = [...new Set(values)].sort().reverse();
  return distinct.length === 1 ? distinct[0] : distinct;
}

/** A condition's values as the data source writes them: in their order, duplicates kept, one value as that value. */
export function conditionValues(values: readonly string[]): string | string[] {
  return values.length === 1 ? values[0] : [...values];
}

/**
 * Rendered statements as the IAM JSON `aws_iam_policy_document` makes of them, for `jsonencode()`:
 * the constructs and the module render their policies so, without a data source (a data source is a
 * node of the graph, and Terraform records every ancestor of a resource in its state's
 * `dependencies`: ten addresses in every credential's secret and invocation). The parsed JSON is the
 * data source's, so deployments made with it plan no change: no `Sid` when empty, actions,
 * resources and principals as sets (`literalSet`), condition values in their order, one value as
 * that value. `set` writes a resource or principal list that holds values known only at apply (the
 * constructs: Terraform's `reverse(sort(distinct()))`, which sorts as the data source does). The
 * functions' roles render theirs so too (providers/bundled-function.ts): a trust policy has no
 * `Resource`, and its principal is a `Service`.
 */
export function policyJson(statements: readonly RenderedStatement[], set: (values: string[]) => unknown): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const conditions: Record<string, Record<string, unknown>> = {};
      for (const c of s.condition ?? []) conditions[c.test] = { ...conditions[c.test], [c.variable]: conditionValues(c.values) };
      return {
        ...(s.sid === '' ? {} : { Sid: s.sid }),
        Effect: s.effect,
        ...(s.actions === undefined ? {} : { Action: literalSet(s.actions) }),
        ...(s.notActions === undefined ? {} : { NotAction: literalSet(s.notActions) }),
        ...(s.resources === undefined ? {} : { Resource: set(s.resources) }),
        ...(s.principals === undefined ? {} : { Principal: Object.fromEntries(s.principals.map((p) => [p.type, set(p.identifiers)])) }),
        ...(s.condition === undefined ? {} : { Condition: conditions }),
      };
    }),
  };
}
