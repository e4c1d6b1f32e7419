/**
 * The policy statements of lib/policies.ts as the Terraform module's policies
 * (`terraform/policies.generated.tf`): locals of `jsonencode()` of the IAM JSON, as the constructs
 * render them (`policyJson`), with the placeholders mapped to the module's expressions. No
 * `aws_iam_policy_document`: a data source is a node of the graph, and Terraform records every
 * ancestor of a resource in its `dependencies` in the state, in every credential's secret and
 * invocation. Laid out as `terraform fmt` leaves it.
 */
import {
  GATEWAY_GUARDRAIL,
  HASH_KEY_POLICY,
  PolicyDocumentData,
  PolicyFlag,
  PolicyListName,
  PolicyStatement,
  PolicyValue,
  PolicyValueName,
  literalSet,
  SECRET_POLICY,
  STORE_GUARDRAIL,
  TABLE_POLICY,
} from '../lib/policies';

/** The module's expression for each placeholder; null: the module has none. */
export interface HclBindings {
  readonly values: Partial<Record<PolicyValueName, string>>;
  readonly lists: Partial<Record<PolicyListName, string | null>>;
  readonly flags: Partial<Record<PolicyFlag, string>>;
}

const MODULE_BINDINGS: HclBindings = {
  values: {
    tableArn: 'aws_dynamodb_table.credentials.arn',
    secretArnPattern: 'local.secret_arn_pattern',
    providerFunctionArn: 'aws_lambda_function.provider.arn',
    providerRoleArn: 'aws_iam_role.provider.arn',
    providerLogGroupArn: 'aws_cloudwatch_log_group.provider.arn',
    deployerArn: 'local.deployer_arn',
    // The gateway's (gateway.tf): only in its guardrail, which exists only with var.gateway.
    tokenFunctionArn: 'aws_lambda_function.gateway["token"].arn',
    recordsFunctionArn: 'aws_lambda_function.gateway["records"].arn',
    tokenRoleArn: 'aws_iam_role.gateway["token"].arn',
    recordsRoleArn: 'aws_iam_role.gateway["records"].arn',
    tokenLogGroupArn: 'aws_cloudwatch_log_group.gateway["token"].arn',
    recordsLogGroupArn: 'aws_cloudwatch_log_group.gateway["records"].arn',
    apiArn: 'aws_apigatewayv2_api.gateway[0].arn',
  },
  // local.gateway_role_arns: the token and records roles with var.gateway, else none.
  lists: { admins: 'var.admins', gatewayRoleArns: 'local.gateway_role_arns', tableReaders: 'var.table_readers', readers: 'readers' },
  flags: {
    restrictTableReads: 'var.restrict_table_reads',
    denyUngrantedSecretReads: 'var.restrict_secret_reads',
    hasReaders: 'length(readers) > 0',
  },
};

/**
 * The module's policies: the local's name, the document, and how the local holds it: one text, one
 * per key (`forEach`: `for key, readers in ...`), or one text or null (`only`: while a value is not null).
 */
const MODULE_DOCUMENTS: ReadonlyArray<{ name: string; document: PolicyDocumentData; forEach?: string; only?: { value: string } }> = [
  // Used only with var.restrict_table_writes (aws_dynamodb_resource_policy.table), but always known.
  { name: 'table_policy', document: TABLE_POLICY },
  { name: 'hash_key_policy', document: HASH_KEY_POLICY },
  // Every secret without readers shares the policy under local.no_readers (see credentials.tf).
  {
    name: 'secret_policies',
    document: SECRET_POLICY,
    forEach: 'merge({ (local.no_readers) = [] }, { for key, c in local.credentials : key => c.readers if length(c.readers) > 0 })',
  },
  { name: 'provider_guardrail_policy', document: STORE_GUARDRAIL },
  // The gateway's resources exist only with var.gateway: without it the for leaves them unread (null).
  { name: 'gateway_guardrail_policy', document: GATEWAY_GUARDRAIL, only: { value: 'var.gateway' } },
];

function quoted(text: string): string {
  return JSON.stringify(text).replace(/%\{/g, '%%{').replace(/\$\{/g, '$${');
}

/** One value: a literal, a module expression, or a template of both. */
function valueExpression(value: PolicyValue, bindings: HclBindings): string {
  const whole = /^\{(\w+)\}$/.exec(value);
  if (whole) return bound(whole[1] as PolicyValueName, bindings);
  const parts = value.split(/(\{\w+\})/).filter((p) => p !== '');
  return `"${parts.map((p) => (/^\{\w+\}$/.test(p) ? `\${${bound(p.slice(1, -1) as PolicyValueName, bindings)}}` : quoted(p).slice(1, -1))).join('')}"`;
}

function bound(name: PolicyValueName, bindings: HclBindings): string {
  const expression = bindings.values[name];
  if (expression === undefined) throw new Error(`policy value "${name}" has no module expression`);
  return expression;
}

/** A list of values: literals and single values in brackets, lists spliced in with concat(); and how many values it has at least, and whether exactly. */
function listExpression(values: readonly PolicyValue[], bindings: HclBindings): { expression: string; singles: string[]; lists: number } {
  const groups: string[] = [];
  const singles: string[] = [];
  let run: string[] = [];
  let lists = 0;
  for (const value of values) {
    if (value.startsWith('...')) {
      const list = bindings.lists[value.slice(3) as PolicyListName];
      if (list === undefined) throw new Error(`policy list "${value.slice(3)}" has no module expression`);
      if (list === null) continue;
      if (run.length > 0) groups.push(`[${run.join(', ')}]`);
      run = [];
      groups.push(list);
      lists++;
    } else {
      const expression = valueExpression(value, bindings);
      run.push(expression);
      singles.push(expression);
    }
  }
  if (run.length > 0) groups.push(`[${run.join(', ')}]`);
  return { expression: groups.length === 1 ? groups[0] : `concat(${groups.join(', ')})`, singles, lists };
}

/**
 * A list whose length is known only at plan, as the data source writes it: one value as that
 * value (through JSON text: a conditional's two results must have one type; the index of the
 * result not taken is not an error).
 */
function oneOrList(list: string, whole = list): string {
  return `jsondecode(length(${list}) == 1 ? jsonencode(${list}[0]) : jsonencode(${whole}))`;
}

/** Resources and principals, as the data source writes them (`literalSet`): Terraform sorts what holds module expressions. */
function setExpression(values: readonly PolicyValue[], bindings: HclBindings): string {
  const { expression, singles, lists } = listExpression(values, bindings);
  const sorted = `reverse(sort(distinct(${expression})))`;
  if (lists > 0) return oneOrList(`distinct(${expression})`, sorted);
  const literals = values.every((v) => !v.includes('{'));
  if (literals) {
    const set = literalSet(values);
    return typeof set === 'string' ? quoted(set) : `[${set.map(quoted).join(', ')}]`;
  }
  return singles.length === 1 ? singles[0] : sorted;
}

/** A condition's values: in their order, one value as that value. */
function conditionExpression(values: readonly PolicyValue[], bindings: HclBindings): string {
  const { expression, singles, lists } = listExpression(values, bindings);
  if (lists === 0) return singles.length === 1 ? singles[0] : expression;
  return singles.length >= 2 ? expression : oneOrList(expression);
}

/** Attribute lines with their `=` aligned, as terraform fmt aligns consecutive ones. */
function attributes(indent: string, entries: ReadonlyArray<[string, string]>): string[] {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${indent}${k.padEnd(width)} = ${v}`);
}

/** A statement as an object of the IAM JSON (`policyJson` in lib/policies.ts). */
function statementLines(statement: PolicyStatement, indent: string, bindings: HclBindings): string[] {
  const actions = (list: readonly string[]) => {
    const set = literalSet(list);
    return typeof set === 'string' ? quoted(set) : `[${set.map(quoted).join(', ')}]`;
  };
  const entries: Array<[string, string]> = [
    ['Sid', quoted(statement.sid)],
    ['Effect', quoted(statement.effect)],
  ];
  if (statement.actions) entries.push(['Action', actions(statement.actions)]);
  if (statement.notActions) entries.push(['NotAction', actions(statement.notActions)]);
  entries.push(['Resource', setExpression(statement.resources, bindings)]);
  if (statement.principals) entries.push(['Principal', `{ AWS = ${setExpression(statement.principals, bindings)} }`]);
  if (statement.except) {
    entries.push(['Condition', `{ ${statement.except.test} = { "aws:PrincipalArn" = ${conditionExpression(statement.except.principals, bindings)} } }`]);
  }
  return attributes(indent, entries);
}

function condition(statement: PolicyStatement, bindings: HclBindings): string | undefined {
  const flags = [...(statement.when ? [statement.when] : []), ...(statement.whenAny ?? [])];
  if (flags.length === 0) return undefined;
  const expressions = flags.map((f) => {
    const expression = bindings.flags[f];
    if (expression === undefined) throw new Error(`policy flag "${f}" has no module expression`);
    return expression;
  });
  return statement.whenAny ? expressions.map((e) => (expressions.length > 1 ? `(${e})` : e)).join(' || ') : expressions[0];
}

/**
 * `jsonencode()` of a document's IAM JSON, at `indent`: its statements in a list, those with a
 * flag spliced in when it is on (`concat`).
 */
export function documentHcl(document: PolicyDocumentData, bindings: HclBindings, indent: string): string[] {
  const flagged = document.statements.some((s) => condition(s, bindings) !== undefined);
  const inner = `${indent}    `;
  const statements = document.statements.map((statement) => {
    const when = condition(statement, bindings);
    const body = statementLines(statement, `${inner}  `, bindings);
    if (!flagged) return [`${inner}{`, ...body, `${inner}},`];
    return when === undefined ? [`${inner}[{`, ...body, `${inner}}],`] : [`${inner}${when} ? [{`, ...body, `${inner}}] : [],`];
  });
  return [
    `jsonencode({`,
    // Not aligned: terraform fmt aligns a run of one-line attributes only.
    `${indent}  Version = "2012-10-17"`,
    `${indent}  Statement = ${flagged ? 'concat(' : '['}`,
    ...statements.flat(),
    `${indent}  ${flagged ? ')' : ']'}`,
    `${indent}})`,
  ];
}

/** The text of `terraform/policies.generated.tf`. */
export function policiesHcl(): string {
  const locals = MODULE_DOCUMENTS.map((d) => {
    const lines = [`  # ${d.document.description}.`];
    if (d.forEach) {
      lines.push(`  ${d.name} = { for key, readers in ${d.forEach} : key => ${documentHcl(d.document, MODULE_BINDINGS, '  ').join('\n')} }`);
    } else if (d.only) {
      lines.push(`  ${d.name} = one([for g in [${d.only.value}] : ${documentHcl(d.document, MODULE_BINDINGS, '  ').join('\n')} if g != null])`);
    } else {
      lines.push(`  ${d.name} = ${documentHcl(d.document, MODULE_BINDINGS, '  ').join('\n')}`);
    }
    return lines.join('\n');
  });
  return [
    '# Generated by `npm run build:terraform` from lib/policies.ts: the resource policies and the',
    "# guardrails the constructs render, statement for statement, as IAM JSON (no data source: see",
    '# scripts/policy-hcl.ts). Do not edit; change lib/policies.ts and run `npm run build:terraform`.',
    '',
    'locals {',
    locals.join('\n\n'),
    '}',
    '',
  ].join('\n');
}
