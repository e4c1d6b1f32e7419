/**
 * IAM, proven rather than assumed: moto accepts every call, so the local AWS records every AWS call
 * the functions make and every policy and tag change (local/call-recorder.ts), and this module
 * replays that record and evaluates each call with a real IAM policy evaluation engine
 * (`@cloud-copilot/iam-simulate`), against the identity policy of the function's role and the
 * resource policy of the secret or table, as Terraform had applied them at the moment of the call,
 * with the request's context keys (`aws:PrincipalArn`, `dynamodb:LeadingKeys`,
 * `dynamodb:Attributes`, `aws:ResourceTag/*` of a secret; the engine's data knows
 * no `secretsmanager:ResourceTag/<key>`, and Secrets Manager supports both).
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import * as fs from 'node:fs';
import type { RecordedEvent } from '../../local/call-recorder';

type CallEvent = Extract<RecordedEvent, { kind: 'call' }>;
export type UnparsedEvent = Extract<RecordedEvent, { kind: 'unparsed' }>;
type Document = Record<string, unknown>;

export function readCallLog(file: string): RecordedEvent[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RecordedEvent)
    .sort((a, b) => a.seq - b.seq);
}

/** The policies and tags in force, replayed event by event. */
export class PolicyState {
  readonly rolePolicies = new Map<string, Map<string, Document>>();
  readonly secretPolicies = new Map<string, Document>();
  readonly tablePolicies = new Map<string, Document>();
  readonly secretTags = new Map<string, Record<string, string>>();
  private readonly secretArns = new Map<string, string>();

  apply(event: RecordedEvent): void {
    switch (event.kind) {
      case 'policy':
        if (event.on === 'role') {
          const policies = this.rolePolicies.get(event.role) ?? new Map<string, Document>();
          if (event.document === null) policies.delete(event.name);
          else policies.set(event.name, event.document as Document);
          this.rolePolicies.set(event.role, policies);
        } else {
          const map = event.on === 'secret' ? this.secretPolicies : this.tablePolicies;
          const key = event.on === 'secret' ? this.secretArn(event.resource) : event.resource;
          if (event.document === null) map.delete(key);
          else map.set(key, event.document as Document);
        }
        break;
      case 'secret':
        this.secretArns.set(event.name, event.arn);
        this.secretTags.set(event.arn, { ...event.tags });
        break;
      case 'tags': {
        const arn = this.secretArn(event.secret);
        const tags = { ...(this.secretTags.get(arn) ?? {}), ...(event.set ?? {}) };
        for (const key of event.unset ?? []) delete tags[key];
        this.secretTags.set(arn, tags);
        break;
      }
      case 'call':
      case 'unparsed':
        break;
    }
  }

  /** A secret's ARN from its ARN or name (the first secret created with that name). */
  secretArn(id: string): string {
    return id.startsWith('arn:') ? id : (this.secretArns.get(id) ?? id);
  }

  identityPolicies(roleArn: string): Array<{ name: string; policy: Document }> {
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return [...(this.rolePolicies.get(roleName) ?? new Map<string, Document>())].map(([name, policy]) => ({ name, policy }));
  }

  resourcePolicy(action: string, resource: string): Document | undefined {
    if (action.startsWith('secretsmanager:')) return this.secretPolicies.get(this.secretArn(resource));
    if (action.startsWith('dynamodb:')) return this.tablePolicies.get(resource.replace(/\/(index|stream)\/.*$/, ''));
    return undefined;
  }

  /** The condition keys the resource adds: a secret's tags. */
  resourceContext(action: string, resource: string): Record<string, string> {
    if (!action.startsWith('secretsmanager:')) return {};
    const tags = this.secretTags.get(this.secretArn(resource)) ?? {};
    return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
  }
}

export interface Request {
  /** The caller: a role session (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), a role or a user. */
  readonly principal: string;
  /** `aws:PrincipalArn`: for a role session, its role. */
  readonly principalArn: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly identityPolicies: Array<{ name: string; policy: Document }>;
  readonly resourcePolicy?: Document;
  /** Service control policies of the account (an organisation's guardrails), if any. */
  readonly serviceControlPolicies?: Array<{ name: string; policy: Document }>;
}

export interface Verdict {
  readonly result: string;
  /** Why a request that is not allowed was refused, or why the simulation could not run. */
  readonly detail?: string;
}

/** One request through the engine; the result is `Allowed`, `ExplicitlyDenied` or `ImplicitlyDenied` (or `Error`). */
export async function evaluate(request: Request): Promise<Verdict> {
  const account = request.principalArn.split(':')[4];
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resource.split(':')[4] || account },
      contextVariables: {
        'aws:PrincipalArn': request.principalArn,
        'aws:PrincipalAccount': account,
        ...(request.context ?? {}),
      },
    },
    identityPolicies: request.identityPolicies,
    serviceControlPolicies:
      request.serviceControlPolicies === undefined
        ? []
        : [{ orgIdentifier: account, policies: [...request.serviceControlPolicies, { name: 'FullAWSAccess', policy: FULL_ACCESS }] }],
    resourceControlPolicies: [],
    ...(request.resourcePolicy === undefined ? {} : { resourcePolicy: request.resourcePolicy }),
  };
  const outcome = await runSimulation(simulation, {});
  if (outcome.resultType === 'error') return { result: 'Error', detail: JSON.stringify(outcome.errors).slice(0, 600) };
  const result = outcome.resultType === 'single' ? outcome.overallResult : String((outcome as { overallResult?: unknown }).overallResult);
  if (result === 'Allowed') return { result };
  const analysis = outcome.resultType === 'single' ? outcome.result.analysis : undefined;
  return { result, detail: JSON.stringify(analysis).slice(0, 600) };
}

const FULL_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The session ARN of a Lambda function's role, as its calls present it. */
export function roleSession(roleArn: string, session: string): string {
  const [, partition, , , account] = roleArn.split(':');
  return `arn:${partition}:sts::${account}:assumed-role/${roleArn.slice(roleArn.lastIndexOf('/') + 1)}/${session}`;
}

export interface CallVerdict {
  readonly call: CallEvent;
  readonly verdict: Verdict;
}

export interface CallEvaluation {
  readonly evaluated: number;
  /** Calls the engine did not allow: each is a policy our functions need and do not have. */
  readonly refused: CallVerdict[];
  /** Distinct `function-kind action resource-kind` shapes evaluated, for the report. */
  readonly shapes: string[];
  /** The functions' requests the recorder could not describe: IAM never judged them. */
  readonly unparsed: UnparsedEvent[];
}

/** Every recorded call, against the policies in force when it was made. */
export async function evaluateRecordedCalls(events: readonly RecordedEvent[]): Promise<CallEvaluation> {
  const state = new PolicyState();
  const refused: CallVerdict[] = [];
  const shapes = new Set<string>();
  const unparsed: UnparsedEvent[] = [];
  let evaluated = 0;
  for (const event of events) {
    state.apply(event);
    if (event.kind === 'unparsed') unparsed.push(event);
    if (event.kind !== 'call') continue;
    evaluated += 1;
    const resource = event.action.startsWith('secretsmanager:') ? state.secretArn(event.resource) : event.resource;
    shapes.add(`${event.function.replace(/^.*-/, '')} ${event.action} ${String(event.context['dynamodb:LeadingKeys'] ?? '').replace(/#.*/, '#')}`.trim());
    const verdict = await evaluate({
      principal: roleSession(event.role, event.function),
      principalArn: event.role,
      action: event.action,
      resource,
      context: { ...event.context, ...state.resourceContext(event.action, resource) },
      identityPolicies: state.identityPolicies(event.role),
      resourcePolicy: state.resourcePolicy(event.action, resource),
    });
    if (verdict.result !== 'Allowed') refused.push({ call: event, verdict });
  }
  return { evaluated, refused, shapes: [...shapes].sort(), unparsed };
}

/**
 * Kinds of call (`function action key-prefix`) every whole run makes: without one of them the
 * evaluation would pass without having judged that call at all.
 */
export const EXPECTED_CALL_KINDS = [
  'provider dynamodb:GetItem CRED#',
  'provider dynamodb:PutItem CRED#',
  'provider dynamodb:BatchGetItem CRED#',
  'provider secretsmanager:PutSecretValue',
  'provider secretsmanager:GetSecretValue',
  'token dynamodb:GetItem CRED#',
  'token dynamodb:PutItem TOKEN#',
  'records dynamodb:GetItem TOKEN#',
  'records dynamodb:UpdateItem CRED#',
] as const;

/**
 * Why a run must fail on its evaluation, or undefined: a request the recorder could not parse (in
 * any run: IAM never judged it), no call judged or an expected kind missing (in a whole run), or a
 * call IAM would refuse. `logFile` is the call log, named in the message.
 */
export function runFailure(evaluation: CallEvaluation, wholeRun: boolean, logFile: string): string | undefined {
  const { evaluated, refused, shapes, unparsed } = evaluation;
  if (unparsed.length > 0) {
    const lines = unparsed
      .slice(0, 10)
      .map((u) => `  ${u.function}: ${u.service} ${u.method} ${u.path}${u.target === undefined ? '' : ` (X-Amz-Target ${u.target})`}: ${u.reason}`);
    return (
      `the call recorder could not parse ${unparsed.length} AWS request${unparsed.length === 1 ? '' : 's'} of the functions, so IAM never judged ` +
      `${unparsed.length === 1 ? 'it' : 'them'} (teach local/call-recorder.ts the request; the log: ${logFile}):\n${lines.join('\n')}` +
      (unparsed.length > 10 ? `\n  ... and ${unparsed.length - 10} more` : '')
    );
  }
  if (evaluated === 0) {
    return wholeRun ? `the IAM evaluation judged no AWS call: the call recorder recorded none (${logFile}), so it proves nothing` : undefined;
  }
  const missing = wholeRun ? EXPECTED_CALL_KINDS.filter((kind) => !shapes.includes(kind)) : [];
  if (missing.length > 0) {
    return `the IAM evaluation never judged these kinds of call, which every whole run makes: ${missing.join('; ')} (judged: ${shapes.join('; ')})`;
  }
  if (refused.length === 0) return undefined;
  const lines = refused
    .slice(0, 10)
    .map(({ call, verdict }) => `  ${call.function} ${call.action} ${call.resource} ${JSON.stringify(call.context)}: ${verdict.result} ${verdict.detail ?? ''}`);
  return `IAM would refuse ${refused.length} of the ${evaluated} AWS calls the functions made (moto does not check IAM):\n${lines.join('\n')}`;
}

/** The state after every event recorded so far: the policies a stack has now, for attack simulations. */
export function currentPolicyState(events: readonly RecordedEvent[]): PolicyState {
  const state = new PolicyState();
  for (const event of events) state.apply(event);
  return state;
}
