/**
 * The policy statements of lib/policies.ts as the Terraform module's `aws_iam_policy_document`
 * data sources (`terraform/policies.generated.tf`): the same data the constructs render, with the
 * placeholders mapped to the module's expressions. Laid out as `terraform fmt` leaves it.
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
  lists: { admins: 'var.admins', gatewayRoleArns: 'local.gateway_role_arns', tableReaders: 'var.table_readers', readers: 'each.value' },
  flags: {
    restrictTableReads: 'var.restrict_table_reads',
    denyUngrantedSecretReads: 'var.restrict_secret_reads',
    hasReaders: 'length(each.value) > 0',
  },
};

/** The module's documents: name, the meta-argument line, the data. */
const MODULE_DOCUMENTS: ReadonlyArray<{ name: string; meta?: string; document: PolicyDocumentData }> = [
  { name: 'table', meta: 'count = var.restrict_table_writes ? 1 : 0', document: TABLE_POLICY },
  { name: 'hash_key', document: HASH_KEY_POLICY },
  {
    name: 'readers',
    // Every secret without readers shares the document under local.no_readers (see credentials.tf).
    meta: 'for_each = merge({ (local.no_readers) = [] }, { for key, c in local.credentials : key => c.readers if length(c.readers) > 0 })',
    document: SECRET_POLICY,
  },
  { name: 'provider_guardrail', document: STORE_GUARDRAIL },
  { name: 'gateway_guardrail', meta: 'count = var.gateway == null ? 0 : 1', document: GATEWAY_GUARDRAIL },
];

function quoted(text: string): string {
  return JSON.stringify(text).replace(/%\{/g, '%%{');
}

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

/** A list of values: literals and single values in brackets, lists spliced in with concat(). */
function listExpression(values: readonly PolicyValue[], bindings: HclBindings): string {
  const groups: string[] = [];
  let run: string[] = [];
  for (const value of values) {
    if (value.startsWith('...')) {
      const list = bindings.lists[value.slice(3) as PolicyListName];
      if (list === undefined) throw new Error(`policy list "${value.slice(3)}" has no module expression`);
      if (list === null) continue;
      if (run.length > 0) groups.push(`[${run.join(', ')}]`);
      run = [];
      groups.push(list);
    } else {
      run.push(valueExpression(value, bindings));
    }
  }
  if (run.length > 0) groups.push(`[${run.join(', ')}]`);
  return groups.length === 1 ? groups[0] : `concat(${groups.join(', ')})`;
}

/** Attribute lines with their `=` aligned, as terraform fmt aligns consecutive ones. */
function attributes(indent: string, entries: ReadonlyArray<[string, string]>): string[] {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${indent}${k.padEnd(width)} = ${v}`);
}

function statementLines(statement: PolicyStatement, indent: string, bindings: HclBindings): string[] {
  const entries: Array<[string, string]> = [
    ['sid', quoted(statement.sid)],
    ['effect', quoted(statement.effect)],
  ];
  if (statement.actions) entries.push(['actions', `[${statement.actions.map(quoted).join(', ')}]`]);
  if (statement.notActions) entries.push(['not_actions', `[${statement.notActions.map(quoted).join(', ')}]`]);
  entries.push(['resources', listExpression(statement.resources, bindings)]);
  const lines = attributes(indent, entries);
  if (statement.principals) {
    lines.push('', `${indent}principals {`, ...attributes(`${indent}  `, [['type', '"AWS"'], ['identifiers', listExpression(statement.principals, bindings)]]), `${indent}}`);
  }
  if (statement.except) {
    lines.push(
      '',
      `${indent}condition {`,
      ...attributes(`${indent}  `, [
        ['test', quoted(statement.except.test)],
        ['variable', '"aws:PrincipalArn"'],
        ['values', listExpression(statement.except.principals, bindings)],
      ]),
      `${indent}}`,
    );
  }
  return lines;
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

export function documentHcl(name: string, meta: string | undefined, document: PolicyDocumentData, bindings: HclBindings): string {
  const lines = [`# ${document.description}.`, `data "aws_iam_policy_document" "${name}" {`];
  if (meta) lines.push(`  ${meta}`);
  document.statements.forEach((statement, index) => {
    if (index > 0 || meta) lines.push('');
    const when = condition(statement, bindings);
    if (when === undefined) {
      lines.push('  statement {', ...statementLines(statement, '    ', bindings), '  }');
    } else {
      lines.push(
        '  dynamic "statement" {',
        `    for_each = ${when} ? [1] : []`,
        '    content {',
        ...statementLines(statement, '      ', bindings),
        '    }',
        '  }',
      );
    }
  });
  lines.push('}');
  return lines.join('\n');
}

/** The text of `terraform/policies.generated.tf`. */
export function policiesHcl(): string {
  return [
    '# Generated by `npm run build:terraform` from lib/policies.ts: the resource policies and the',
    "# guardrail the constructs render, statement for statement. Do not edit; change lib/policies.ts",
    '# and run `npm run build:terraform`.',
    '',
    MODULE_DOCUMENTS.map((d) => documentHcl(d.name, d.meta, d.document, MODULE_BINDINGS)).join('\n\n'),
    '',
  ].join('\n');
}
