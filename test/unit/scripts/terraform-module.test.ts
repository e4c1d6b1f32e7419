/**
 * The Terraform module's generated files are current: its provider zip is the very bundle the
 * package build writes (and the constructs deploy), and `local.contract` holds the values of
 * handlers/contract.ts and the constructs' rules. When this fails, run `npm run build:terraform`
 * and commit what it wrote.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RESERVED_CONCURRENCY, MAX_RESERVED_CONCURRENCY } from '../../../providers/function-settings';
import {
  BUILT_PROVIDER_ZIP,
  GATEWAY_ZIPS,
  contractHcl,
  contractValues,
  MODULE_CONTRACT_FILE,
  MODULE_DIR,
  MODULE_FIELDS_FILE,
  MODULE_POLICIES_FILE,
  MODULE_PROVIDER_ZIP,
  re2Pattern,
} from '../../../scripts/terraform-module';
import { EDITABLE_FIELD_NAMES, EDITABLE_FIELDS, SCOPE_NAMES } from '../../../handlers/contract/credential';
import { fieldsHcl } from '../../../scripts/fields-hcl';
import { policiesHcl } from '../../../scripts/policy-hcl';
import { GATEWAY_GUARDRAIL, STORE_GUARDRAIL, TABLE_POLICY } from '../../../lib/policies';

const REBUILD = 'stale: run `npm run build:terraform` and commit terraform/';

describe('the Terraform module files', () => {
  test('the module deploys the provider bundle of the current build, byte for byte', () => {
    if (!existsSync(BUILT_PROVIDER_ZIP)) throw new Error(`${BUILT_PROVIDER_ZIP} is missing: run \`npm run build\` first`);
    const module = readFileSync(MODULE_PROVIDER_ZIP);
    const built = readFileSync(BUILT_PROVIDER_ZIP);

    expect({ bytes: module.length, equal: module.equals(built) }).toEqual({ bytes: built.length, equal: true });
  });

  test('the module deploys the gateway bundles of the current build, byte for byte', () => {
    expect(GATEWAY_ZIPS.map((zip) => zip.kind)).toEqual(['token', 'records']);
    for (const zip of GATEWAY_ZIPS) {
      if (!existsSync(zip.built)) throw new Error(`${zip.built} is missing: run \`npm run build\` first`);
      const module = readFileSync(zip.module);
      const built = readFileSync(zip.built);
      expect([zip.kind, module.length, module.equals(built)]).toEqual([zip.kind, built.length, true]);
    }
  });

  test('fields.generated.tf holds var.credentials and the declared fields of the current field table', () => {
    const current = readFileSync(MODULE_FIELDS_FILE, 'utf8');

    expect(current === fieldsHcl() ? 'current' : REBUILD).toBe('current');
    // Every field of the table is typed, normalised and in the declaration lines.
    for (const name of EDITABLE_FIELD_NAMES) {
      const attribute = EDITABLE_FIELDS[name].hcl.split('.').pop()!;
      expect([name, new RegExp(`\\n +${attribute} += `).test(current)]).toEqual([name, true]);
      expect([name, current.includes(`f.${name}`)]).toEqual([name, true]);
    }
  });

  test('contract.generated.tf holds the current contract', () => {
    const current = readFileSync(MODULE_CONTRACT_FILE, 'utf8');

    expect(current === contractHcl() ? 'current' : REBUILD).toBe('current');
    expect(current).toMatch(new RegExp(`\\n {4}scope_names +\\= \\[${SCOPE_NAMES.map((s) => `"${s}"`).join(', ')}\\]\\n`));
  });

  test('policies.generated.tf holds the statements of lib/policies.ts, each sid once per document', () => {
    const current = readFileSync(MODULE_POLICIES_FILE, 'utf8');

    expect(current === policiesHcl() ? 'current' : REBUILD).toBe('current');
    for (const statement of [...TABLE_POLICY.statements, ...STORE_GUARDRAIL.statements, ...GATEWAY_GUARDRAIL.statements]) {
      expect(current.match(new RegExp(`Sid +\\= "${statement.sid}"`, 'g'))).toHaveLength(1);
    }
    // No placeholder is left unrendered; the gateway's roles (none without var.gateway) join the table's and the hash key's lists.
    expect(current).not.toMatch(/\{\w+\}|\.\.\./);
    expect(current).toContain('"aws:PrincipalArn" = concat(var.admins, [local.deployer_arn, aws_iam_role.provider.arn], local.gateway_role_arns, var.table_readers)');
    // Without the gateway, one value: a string, as aws_iam_policy_document writes it.
    expect(current).toContain(
      '"aws:PrincipalArn" = jsondecode(length(concat([aws_iam_role.provider.arn], local.gateway_role_arns)) == 1 ? jsonencode(concat([aws_iam_role.provider.arn], local.gateway_role_arns)[0]) : jsonencode(concat([aws_iam_role.provider.arn], local.gateway_role_arns)))',
    );
    // IAM JSON, not data sources: none lands in every credential's dependencies.
    expect(current).not.toContain('aws_iam_policy_document');
    expect(current).toMatch(/\n  gateway_guardrail_policy = one\(\[for g in \[var\.gateway\] : jsonencode\(\{\n[\s\S]*\n  \}\) if g != null\]\)\n/);
  });

  test('the module\'s provider_reserved_concurrency defaults to the constructs\' providerReservedConcurrency', () => {
    const variables = readFileSync(join(MODULE_DIR, 'variables.tf'), 'utf8');
    const block = /variable "provider_reserved_concurrency" \{[\s\S]*?\n\}/.exec(variables)?.[0] ?? '';
    expect(block).toMatch(new RegExp(`\\n  default += ${DEFAULT_RESERVED_CONCURRENCY.provider}\\n`));
    expect(contractValues().max_reserved_concurrency).toBe(MAX_RESERVED_CONCURRENCY);
  });

  test('patterns are written for RE2: code point escapes in its syntax, no flags', () => {
    expect(re2Pattern(/^[\u0000-\u001f]x$/)).toBe('^[\\x{0000}-\\x{001f}]x$');
    expect(() => re2Pattern(/a/i)).toThrow(/flags/);
    expect(contractValues().control_character_pattern).toBe('[\\x{0000}-\\x{001f}\\x{007f}]');
  });
});
