/**
 * The review of recorded plans (test/fixtures/terraform, recorded with the real terraform on the
 * local AWS by record.ts): each kind of credential change reads the way a reviewer needs it.
 */
import { EDITABLE_FIELD_NAMES, EDITABLE_FIELDS } from '../../../handlers/contract/credential';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseChangeKinds,
  PlanReview,
  policyViolations,
  renderReviewMarkdown,
  reviewPlan,
} from '../../../cli/plan-review';
import { runReview } from '../../../cli/review';
import { ValidationError } from '../../../handlers/errors';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'terraform');
const load = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
const review = (name: string): PlanReview => reviewPlan(load(name));

describe('review of a plan', () => {
  test('a new stack: each credential created with its name, auth type and scopes; the store summarised apart', () => {
    const r = review('create');

    expect(r.summary).toEqual({ create: 2, update: 0, replace: 0, delete: 0, other: 8 });
    expect(r.credentials.map((c) => [c.kind, c.name, c.authType, c.scopes.length])).toEqual([
      ['create', 'Analytics-DataAPI-Credential', 'oauth2', 5],
      ['create', 'Usage-Reporting', 'api_key', 2],
    ]);
    expect(r.other.map((o) => o.address.split('.')[0]).sort()).toEqual([
      'aws_cloudwatch_log_group',
      'aws_dynamodb_resource_policy',
      'aws_dynamodb_table',
      'aws_iam_role',
      'aws_iam_role_policy',
      'aws_lambda_function',
      'aws_secretsmanager_secret', // the store's hash key
      'aws_secretsmanager_secret_policy',
    ]);
    const markdown = renderReviewMarkdown(r);
    expect(markdown.split('\n')[0]).toBe('**Data API credentials: 2 to create** · store and other infrastructure: 8 changes');
    expect(markdown).toContain('**Usage-Reporting** (API key): scopes conversations, users (2/5)');
    expect(markdown).toContain('(5/5)');
  });

  test('a scopes change is an update listing the scopes added and removed', () => {
    const r = review('scopes-change');

    expect(r.summary).toMatchObject({ update: 1, other: 0 });
    expect(r.credentials[0]).toMatchObject({
      kind: 'update',
      name: 'Usage-Reporting',
      scopesAdded: ['interactions'],
      scopesRemoved: ['users'],
      scopes: ['conversations', 'interactions'],
    });
    expect(renderReviewMarkdown(r)).toContain('scopes added: interactions; scopes removed: users');
  });

  test('a plan of a stack from before the store output (a Declaration output per credential) reads the same', () => {
    const legacy = review('legacy-declaration-outputs-scopes-change');
    expect(Object.keys(load('legacy-declaration-outputs-scopes-change').output_changes)).toContainEqual(expect.stringMatching(/_Declaration_/));
    expect(legacy.credentials).toEqual(review('scopes-change').credentials);
  });

  test('a rename is an update from the old name to the new, even though the secret description changes too', () => {
    const r = review('rename');

    expect(r.summary).toMatchObject({ update: 1, other: 0 });
    expect(r.credentials[0]).toMatchObject({ kind: 'update', name: 'Usage-Reporting-v2', renamedFrom: 'Usage-Reporting' });
    expect(renderReviewMarkdown(r)).toContain('**Usage-Reporting-v2** (API key): renamed from **Usage-Reporting**');
  });

  test.each(EDITABLE_FIELD_NAMES.filter((field) => field !== 'name' && field !== 'scopes'))(
    'a change of %s alone is an update the review names (every declared field of the contract table is reviewed)',
    (field) => {
      const plan = load('rename');
      const invocation = plan.resource_changes.find((rc: any) => rc.type === 'aws_lambda_invocation' && rc.change.actions.includes('update'));
      const before = JSON.parse(invocation.change.before.input);
      const value = EDITABLE_FIELDS[field].attribute === 'N' ? 168 : 'reviewed text';
      invocation.change.after.input = JSON.stringify({ ...before, [field]: value });

      const change = reviewPlan(plan).credentials[0];

      expect(change).toMatchObject({ kind: 'update', fieldsChanged: [expect.objectContaining({ field, label: EDITABLE_FIELDS[field].label })] });
      const markdown = renderReviewMarkdown(reviewPlan(plan));
      const showsValues = EDITABLE_FIELDS[field].attribute === 'N' || 'reviewValues' in EDITABLE_FIELDS[field];
      expect(markdown).toContain(showsValues ? `${EDITABLE_FIELDS[field].label}: none → ${value}` : `${EDITABLE_FIELDS[field].label} changed`);
    },
  );

  test('an auth type change is a replacement that says why and what consumers must do', () => {
    const r = review('auth-type-replacement');

    expect(r.summary).toMatchObject({ replace: 1, other: 0 });
    expect(r.credentials[0]).toMatchObject({ kind: 'replace', authTypeFrom: 'api_key', authType: 'oauth2' });
    expect(r.credentials[0].reasons).toEqual(['auth type API key → OAuth 2.0 (fixed at creation)']);
    expect(r.credentials[0].consumerImpact).toMatch(/switch to OAuth 2.0.*clientId and clientSecret.*401/);
  });

  test('a store output whose entries carry every attribute (a map: null when not declared) reads as the older one without them', () => {
    // Both sides new, and the first plan after an upgrade: the state's output old, the plan's new.
    for (const [name, sides] of ['create', 'rename', 'rotation', 'scopes-change', 'delete', 'auth-type-replacement'].flatMap((n) => [[n, ['before', 'after']], [n, ['after']]] as const)) {
      const plan = load(name);
      let filled = 0;
      for (const change of Object.values<any>(plan.output_changes)) {
        for (const side of sides) {
          if (change[side]?.kind !== 'data-api-credential-declarations') continue;
          for (const [key, declaration] of Object.entries<any>(change[side].credentials)) {
            const nulls = Object.fromEntries([...EDITABLE_FIELD_NAMES, 'secret', 'clientId'].map((field) => [field, null]));
            change[side].credentials[key] = { ...nulls, rotation: null, ...declaration };
            filled++;
          }
        }
      }
      if (name !== 'create' || sides.length > 1) expect(filled).toBeGreaterThan(0);
      expect(reviewPlan(plan)).toEqual(review(name));
    }
  });

  test('a requested replacement (-replace) is a rotation', () => {
    const r = review('rotation');

    expect(r.credentials).toHaveLength(1);
    expect(r.credentials[0].kind).toBe('replace');
    expect(r.credentials[0].reasons).toEqual(['rotation: replacement requested (terraform apply -replace)']);
    expect(r.credentials[0].consumerImpact).toMatch(/re-read the secret/);
  });

  test('a changed rotation trigger is a rotation, and the review shows the grace window the new declaration sets', () => {
    const plan = load('rotation');
    const instance = plan.resource_changes.find((rc: any) => rc.address === 'terraform_data.UsageReporting_Instance_A2560CFD');
    instance.action_reason = 'replace_by_triggers';
    instance.change.before.triggers_replace = { ...instance.change.before.triggers_replace, rotation: '2026-11' };
    instance.change.after.triggers_replace = { ...instance.change.after.triggers_replace, rotation: '2026-12' };
    const [, declared] = Object.entries(plan.output_changes).find(([name]) => name.includes('_DeclaredCredentials_')) as [string, any];
    const declaration = declared.after.credentials.UsageReporting;
    declared.after.credentials.UsageReporting = { ...declaration, rotation: { trigger: '2026-12', gracePeriodHours: 48 } };

    const r = reviewPlan(plan);

    expect(r.credentials[0]).toMatchObject({ kind: 'replace', gracePeriodHours: 48, reasons: ['rotation: trigger "2026-11" → "2026-12"'] });
    expect(r.credentials[0].consumerImpact).toBe(
      'must re-read the secret (same ARN, new value); the old value keeps working for 48 hours after the apply (401 after that)',
    );
    expect(renderReviewMarkdown(r)).toContain('keeps working for 48 hours');
  });

  test('an auth type change shows its own grace period (0, revoked at once, unless declared)', () => {
    expect(review('auth-type-replacement').credentials[0].gracePeriodHours).toBe(0);
    const plan = load('auth-type-replacement');
    for (const change of Object.values<any>(plan.output_changes)) {
      if (change.after?.kind !== 'data-api-credential-declarations') continue;
      for (const [key, declaration] of Object.entries<any>(change.after.credentials)) {
        change.after.credentials[key] = { ...declaration, authTypeChangeGracePeriodHours: 1 };
      }
    }
    const [replaced] = reviewPlan(plan).credentials.filter((c) => c.kind === 'replace');
    expect(replaced.consumerImpact).toMatch(/the old credential keeps working for 1 hour after the apply \(401 after that\)$/);
  });

  test('a credential removed from the code is deleted: consumers get 401', () => {
    const r = review('delete');

    expect(r.summary).toMatchObject({ delete: 1, other: 0 });
    expect(r.credentials[0]).toMatchObject({ kind: 'delete', name: 'Usage-Reporting', scopes: ['conversations', 'users'] });
    expect(renderReviewMarkdown(r)).toMatch(/Deleted[\s\S]*401 Unauthorized/);
  });

  test('scopes reordered in code change nothing', () => {
    const r = review('reorder-only');

    expect(r.credentials).toEqual([]);
    expect(r.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, other: 0 });
    expect(renderReviewMarkdown(r)).toContain('Nothing to review');
  });

  test('scopes are a set: an update whose inputs differ only in scope order is no change', () => {
    const plan = load('scopes-change');
    const invocation = plan.resource_changes.find((rc: any) => rc.change.actions.join() === 'update');
    const before = JSON.parse(invocation.change.before.input);
    invocation.change.after.input = JSON.stringify({ ...before, scopes: [...before.scopes].reverse() });
    // The secret's scopes tag is set from the canonical order: it would not change either.
    const secret = plan.resource_changes.find((rc: any) => rc.type === 'aws_secretsmanager_secret' && rc.change.actions.join() === 'update');
    secret.change = { ...secret.change, actions: ['no-op'], after: secret.change.before };

    expect(reviewPlan(plan).credentials).toEqual([]);
  });

  test('without the Declaration outputs (older stacks), the invocation inputs still tell updates and deletes', () => {
    for (const name of ['scopes-change', 'delete']) {
      const plan = load(name);
      plan.output_changes = {};
      const r = reviewPlan(plan);
      expect(r.credentials.map((c) => [c.kind, c.name])).toEqual(review(name).credentials.map((c) => [c.kind, c.name]));
      expect(r.summary.other).toBe(0);
    }
  });

  test('failed check assertions (the opt-in drift check) are listed as warnings', () => {
    const plan = {
      ...load('reorder-only'),
      checks: [
        {
          address: { kind: 'check', name: 'x_drift', to_display: 'check.x_drift' },
          status: 'fail',
          instances: [{ address: { to_display: 'check.x_drift' }, status: 'fail', problems: [{ message: 'Drift: "a": scopes missing users' }] }],
        },
        { address: { kind: 'check', name: 'y_drift' }, status: 'pass', instances: [] },
      ],
    };

    const r = reviewPlan(plan);

    expect(r.warnings).toEqual(['Drift: "a": scopes missing users']);
    expect(renderReviewMarkdown(r)).toContain('Drift found by the plan');
  });

  test('--fail-on lists the kinds that fail the gate; unknown kinds are refused', () => {
    expect(policyViolations(review('delete'), parseChangeKinds('replace,delete')).map((c) => c.name)).toEqual(['Usage-Reporting']);
    expect(policyViolations(review('scopes-change'), parseChangeKinds('replace,delete'))).toEqual([]);
    expect(() => parseChangeKinds('replace,destroy')).toThrow(/--fail-on.*"destroy".*create, update, replace, delete/);
  });

  test('input that is not a plan is refused with what to pass', () => {
    expect(() => reviewPlan([1, 2])).toThrow(ValidationError);
    expect(() => reviewPlan({ format_version: '1.0', values: {} })).toThrow(/terraform show -json PLANFILE/);
  });

  test('names are escaped in Markdown', () => {
    const plan = load('delete');
    const invocation = plan.resource_changes.find((rc: any) => rc.type === 'aws_lambda_invocation' && rc.change.actions.join() === 'delete');
    invocation.change.before.input = invocation.change.before.input.replace('Usage-Reporting', 'Usage_*Reporting*');
    expect(renderReviewMarkdown(reviewPlan(plan))).toContain('**Usage\\_\\*Reporting\\***');
  });

  test('the command prints the comment, and with --fail-on a policy line and exit 2; --json for machines', async () => {
    const printed: string[] = [];
    const errors: string[] = [];
    const file = join(FIXTURES, 'delete.json');

    expect(await runReview(file, { failOn: 'replace,delete' }, (t) => printed.push(t), (l) => errors.push(l))).toBe(2);
    expect(printed.join('')).toMatch(/^\*\*Data API credentials: 1 to delete\*\*/);
    expect(errors).toEqual(['policy: the plan would delete "Usage-Reporting" (--fail-on replace,delete)']);

    printed.length = 0;
    expect(await runReview(file, { json: true, failOn: 'replace' }, (t) => printed.push(t), (l) => errors.push(l))).toBe(0);
    expect(JSON.parse(printed.join('')).summary).toMatchObject({ delete: 1 });
    await expect(runReview(join(FIXTURES, 'missing.json'), {}, () => undefined, () => undefined)).rejects.toThrow(/Invalid plan JSON file/);
  });
});

describe('review of a plan of a configuration calling the Terraform module', () => {
  test('a new store: the credentials are found through the module\'s declarations, with nothing in the root outputs', () => {
    const plan = load('module-create');
    expect(plan.output_changes.credentials).toBeDefined(); // the example's convenience output, not a declaration

    const r = reviewPlan(plan);

    expect(r.credentials.map((c) => [c.kind, c.name, c.authType, c.scopes.length, c.address])).toEqual([
      ['create', 'Analytics-DataAPI-Credential', 'oauth2', 5, 'module.credentials.aws_lambda_invocation.credential["analytics_export"]'],
      ['create', 'Usage-Reporting', 'api_key', 2, 'module.credentials.aws_lambda_invocation.credential["usage_reporting"]'],
    ]);
    // The declarations' carrier and each credential's instance and secret belong to the credentials.
    expect(r.other.map((o) => o.address).filter((a) => /terraform_data|secretsmanager_secret\.credential|lambda_invocation/.test(a))).toEqual([]);
    expect(r.summary.other).toBe(10);
  });

  test('an auth type change: a replacement with its reason and grace period, as for the constructs', () => {
    const r = review('module-auth-type-replacement');

    expect(r.summary).toEqual({ create: 0, update: 0, replace: 1, delete: 0, other: 0 });
    expect(r.credentials[0]).toMatchObject({
      kind: 'replace',
      name: 'Usage-Reporting',
      authType: 'oauth2',
      authTypeFrom: 'api_key',
      gracePeriodHours: 1,
      reasons: ['auth type API key → OAuth 2.0 (fixed at creation)'],
    });
    expect(renderReviewMarkdown(r)).toContain('the old credential keeps working for 1 hour after the apply');
  });

  test('without the carrier (an older module), the credential is still found through its invocation', () => {
    const plan = load('module-auth-type-replacement');
    plan.resource_changes = plan.resource_changes.filter((rc: any) => rc.address !== 'module.credentials.terraform_data.declarations');

    expect(reviewPlan(plan).credentials.map((c) => [c.kind, c.name])).toEqual([['replace', 'Usage-Reporting']]);
  });
});

describe('a review cannot be walked around', () => {
  /** The delete fixture with its provider's name, plus a raw invocation of that provider nobody declared. */
  function withRawInvocation(input: unknown, actions: string[]): any {
    const plan = load('delete');
    const providerName = plan.resource_changes
      .map((rc: any) => rc.change.before?.function_name ?? rc.change.after?.function_name)
      .find((name: unknown) => typeof name === 'string' && name.endsWith('-provider'));
    expect(providerName).toBeDefined();
    plan.resource_changes.push({
      address: 'aws_lambda_invocation.sneaky',
      mode: 'managed',
      type: 'aws_lambda_invocation',
      change: { actions, before: actions[0] === 'create' ? null : { function_name: providerName, input: JSON.stringify(input) }, after: { function_name: providerName, input: JSON.stringify(input) } },
    });
    return plan;
  }

  test('a raw aws_lambda_invocation of a store provider is a credential change that --fail-on gates, not other infrastructure', () => {
    const r = reviewPlan(withRawInvocation({ instanceId: 'x', scopes: ['users', 'conversations'], authType: 'api_key' }, ['create']));
    const sneaky = r.credentials.find((c) => c.address === 'aws_lambda_invocation.sneaky')!;
    expect(sneaky).toMatchObject({ kind: 'create', name: 'undeclared invocation aws_lambda_invocation.sneaky', authType: 'api_key' });
    expect(r.other.map((o) => o.address)).not.toContain('aws_lambda_invocation.sneaky');
    expect(policyViolations(r, ['create']).map((c) => c.address)).toContain('aws_lambda_invocation.sneaky');
    expect(renderReviewMarkdown(r)).toContain('read its input before approving');
  });

  test('names, scopes and reasons from a plan are escaped: no link, image, HTML, new line or bidirectional override reaches the comment', () => {
    const hostile = 'x](https://evil.example) <img src=x onerror=alert(1)> ![i](https://e/i.png)\n# Approved \u202egnp.exe';
    const r = reviewPlan(withRawInvocation({ scopes: [hostile], authType: hostile }, ['create']));
    const markdown = renderReviewMarkdown(r);
    const line = markdown.split('\n').find((l) => l.includes('sneaky'))!;
    expect(line).not.toMatch(/[^\\]\]\(/);
    expect(line).not.toMatch(/[^\\]<img/);
    expect(line).not.toMatch(/[^\\]!\[/);
    expect(line).not.toContain('\u202e');
    expect(markdown).not.toMatch(/^# Approved/m);
  });
});

describe('review of a plan with an OAuth 2.0 credential\'s client (issue 22)', () => {
  /** The recorded plan with a `terraform_data` client beside each OAuth 2.0 instance, as 0.3 plans them. */
  function withClients(name: string, toClient: (address: string) => string): any {
    const plan = load(name);
    const instances = plan.resource_changes.filter((rc: any) => rc.type === 'terraform_data' && /Analytics|analytics/.test(rc.address));
    expect(instances).toHaveLength(1);
    for (const rc of instances) {
      const address = toClient(rc.address);
      plan.resource_changes.push({ ...rc, address, name: address.split('.').pop()!.replace(/\[.*$/, '') });
    }
    return plan;
  }

  test('the client belongs to its credential: never "other infrastructure", through the constructs or the module', () => {
    const constructs = reviewPlan(withClients('create', (a) => a.replace(/_Instance_[0-9A-F]{8}$/, '_Client_0123ABCD')));
    expect(constructs.summary).toEqual({ create: 2, update: 0, replace: 0, delete: 0, other: 8 });
    const module = reviewPlan(withClients('module-create', (a) => a.replace('terraform_data.instance[', 'terraform_data.client[')));
    expect(module.other.map((o) => o.address).filter((a) => /terraform_data/.test(a))).toEqual([]);
    expect(module.summary.other).toBe(10);
  });
});
