/**
 * What the local AWS records of the AWS calls made through it, so tests can evaluate them against
 * IAM (moto never does): one JSON line per call in `<data dir>/aws-calls.jsonl`.
 *
 * - `call`: every call a Lambda function makes (found by the per-function access key the Lambda
 *   runner gives each function): who (function, role), the IAM action, the resource ARN and the
 *   request context keys IAM would see (`dynamodb:LeadingKeys`, `dynamodb:Attributes`, the secret
 *   id). Never a value: no item attribute value but the partition key (a hash in it is cut), no
 *   secret string, no payload.
 * - `policy`, `tags`, `secret`: every change of an IAM role policy, a secret's or a table's resource
 *   policy and a secret's tags, whoever makes it (Terraform, mostly), so the evaluation can replay
 *   the policies in force at each call.
 * - `unparsed`: a function's request the recorder cannot turn into an IAM action and resource (an
 *   unknown service or protocol, a body that is not the JSON it expects, a missing table or secret
 *   id, or an error of the recorder itself). IAM can never judge such a call, so the evaluation
 *   fails the run on it. It names the request by its service (the SigV4 scope), method, path
 *   (without the query) and `X-Amz-Target`, and why: never a value of its body.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

/** The function a call came from. */
export interface CallerIdentity {
  readonly functionName: string;
  readonly functionArn: string;
  /** The function's execution role (what IAM evaluates). */
  readonly roleArn: string;
}

export type RecordedEvent =
  | {
      readonly kind: 'call';
      readonly seq: number;
      readonly function: string;
      readonly role: string;
      readonly action: string;
      readonly resource: string;
      readonly context: Record<string, string | string[]>;
      readonly status: number;
    }
  | { readonly kind: 'policy'; readonly seq: number; readonly on: 'role'; readonly role: string; readonly name: string; readonly document: unknown }
  | { readonly kind: 'policy'; readonly seq: number; readonly on: 'secret' | 'table'; readonly resource: string; readonly document: unknown }
  | { readonly kind: 'secret'; readonly seq: number; readonly name: string; readonly arn: string; readonly tags: Record<string, string> }
  | { readonly kind: 'tags'; readonly seq: number; readonly secret: string; readonly set?: Record<string, string>; readonly unset?: string[] }
  | {
      readonly kind: 'unparsed';
      readonly seq: number;
      readonly function: string;
      readonly role: string;
      /** The service of the request's SigV4 credential scope ('unknown' without one). */
      readonly service: string;
      readonly method: string;
      /** The request's path, without its query. */
      readonly path: string;
      /** `X-Amz-Target`, if any. */
      readonly target?: string;
      /** Why the recorder could not describe it; never a value of the request. */
      readonly reason: string;
      readonly status: number;
    };

/** Gives each function an access key of its own and tells whose a request's key is. */
export class CallerRegistry {
  private readonly byKey = new Map<string, CallerIdentity>();

  /** The access key id a function's worker signs with: stable per function ARN. */
  register(identity: CallerIdentity): string {
    const key = `AKIALOCAL${createHash('sha256').update(identity.functionArn).digest('hex').slice(0, 11).toUpperCase()}`;
    this.byKey.set(key, identity);
    return key;
  }

  /** The function whose key signed a request (SigV4 `Credential=<key>/...`), if any. */
  identityOf(authorization: string | undefined): CallerIdentity | undefined {
    const key = /Credential=([A-Z0-9]+)\//.exec(authorization ?? '')?.[1];
    return key === undefined ? undefined : this.byKey.get(key);
  }
}

/** What one request is: service and operation from the JSON protocol's target or the query protocol's `Action`. */
export interface AwsRequest {
  readonly authorization?: string;
  readonly amzTarget?: string;
  /** HTTP method and path (a query is cut off before recording): how an unparsed request is named. */
  readonly method?: string;
  readonly path?: string;
  readonly body: string;
  /** Only for Lambda invocations, which the Lambda runner records. */
  readonly invokedFunctionArn?: string;
}

const JSON_SERVICES: Readonly<Record<string, string>> = {
  DynamoDB_20120810: 'dynamodb',
  secretsmanager: 'secretsmanager',
  TrentService: 'kms',
  Logs_20140328: 'logs',
};

/** Appends what it is told to a JSON-lines file; `seq` orders the events of the whole run. */
export class CallRecorder {
  private seq = 0;

  constructor(
    readonly file: string,
    private readonly registry: CallerRegistry,
  ) {}

  /** Records a request once its answer is known (the answer's body only for `CreateSecret`, to learn the ARN). */
  record(request: AwsRequest, status: number, answer: string): void {
    let events: RecordedEvent[];
    try {
      events = this.describe(request, status, answer);
    } catch (error) {
      // Never dropped: a function's request the recorder failed on is recorded as such (by the
      // error's name only: a message may quote the body), and fails the evaluation.
      const caller = this.registry.identityOf(request.authorization);
      if (caller === undefined) return;
      events = [unparsedEvent(++this.seq, caller, request, `the recorder failed on it (${(error as Error)?.name ?? 'error'})`, status)];
    }
    for (const event of events) fs.appendFileSync(this.file, `${JSON.stringify(event)}\n`);
  }

  private describe(request: AwsRequest, status: number, answer: string): RecordedEvent[] {
    const caller = this.registry.identityOf(request.authorization);
    const region = /Credential=[^/]+\/\d+\/([a-z0-9-]+)\//.exec(request.authorization ?? '')?.[1] ?? 'us-east-1';
    const [prefix, operation] = (request.amzTarget ?? '').split('.');
    const service = JSON_SERVICES[prefix];
    const parsed = service === undefined ? undefined : parseStrictObject(request.body);
    const json = parsed ?? {};
    const events: RecordedEvent[] = [];
    const seq = () => ++this.seq;

    if (caller !== undefined) {
      const account = caller.functionArn.split(':')[4];
      const unparsed = (reason: string) => events.push(unparsedEvent(seq(), caller, request, reason, status));
      const action = request.amzTarget === undefined ? new URLSearchParams(request.body).get('Action') : null;
      if (request.invokedFunctionArn !== undefined) {
        events.push(callEvent(seq(), caller, 'lambda:InvokeFunction', request.invokedFunctionArn, {}, status));
      } else if (request.amzTarget !== undefined && service === undefined) {
        unparsed('an X-Amz-Target of a service the recorder does not know');
      } else if (service !== undefined && !operation) {
        unparsed('an X-Amz-Target without an operation');
      } else if (service !== undefined && parsed === undefined) {
        unparsed('a body that is not a JSON object');
      } else if (service === 'dynamodb' && operation === 'BatchGetItem') {
        // One authorization per table, with every key read from it as `dynamodb:LeadingKeys`.
        const items = json.RequestItems;
        const tables = isObject(items) ? Object.entries(items) : [];
        if (tables.length === 0 || tables.some(([, read]) => !isObject(read) || !Array.isArray(read.Keys) || !read.Keys.every(isObject))) {
          unparsed('a BatchGetItem without RequestItems of tables and their Keys');
        }
        for (const [table, read] of tables) {
          if (!isObject(read) || !Array.isArray(read.Keys) || !read.Keys.every(isObject)) continue;
          const contexts = (read.Keys as Json[]).map((key) => dynamoDbContext('GetItem', { Key: key }));
          const leading = [...new Set(contexts.flatMap((c) => c['dynamodb:LeadingKeys'] ?? []))].sort();
          events.push(
            callEvent(seq(), caller, 'dynamodb:BatchGetItem', `arn:aws:dynamodb:${region}:${account}:table/${table}`, leading.length > 0 ? { 'dynamodb:LeadingKeys': leading } : {}, status),
          );
        }
      } else if (service === 'dynamodb') {
        if (typeof json.TableName !== 'string' || json.TableName === '') unparsed('a DynamoDB request without a TableName');
        else events.push(callEvent(seq(), caller, `dynamodb:${operation}`, `arn:aws:dynamodb:${region}:${account}:table/${json.TableName}`, dynamoDbContext(operation, json), status));
      } else if (service === 'secretsmanager') {
        if (typeof json.SecretId !== 'string' || json.SecretId === '') unparsed('a Secrets Manager request without a SecretId');
        else events.push(callEvent(seq(), caller, `secretsmanager:${operation}`, json.SecretId, { 'secretsmanager:SecretId': json.SecretId }, status));
      } else if (service !== undefined) {
        events.push(callEvent(seq(), caller, `${service}:${operation}`, '*', {}, status));
      } else if (action) {
        // The query protocol (IAM, STS): the service is the SigV4 scope's.
        events.push(callEvent(seq(), caller, `${scopeService(request.authorization) ?? 'query'}:${action}`, '*', {}, status));
      } else {
        unparsed('neither an X-Amz-Target nor a query-protocol Action (a REST API the recorder does not know)');
      }
    }
    if (status >= 300) return events;

    // Policy and tag changes, whoever made them.
    if (service === 'secretsmanager') {
      const secret = String(json.SecretId ?? '');
      if (operation === 'PutResourcePolicy') events.push({ kind: 'policy', seq: seq(), on: 'secret', resource: secret, document: parseObject(String(json.ResourcePolicy ?? '')) });
      if (operation === 'DeleteResourcePolicy') events.push({ kind: 'policy', seq: seq(), on: 'secret', resource: secret, document: null });
      if (operation === 'TagResource') events.push({ kind: 'tags', seq: seq(), secret, set: tagMap(json.Tags) });
      if (operation === 'UntagResource') events.push({ kind: 'tags', seq: seq(), secret, unset: (json.TagKeys as string[]) ?? [] });
      if (operation === 'CreateSecret') {
        const arn = parseObject(answer).ARN;
        if (typeof arn === 'string') events.push({ kind: 'secret', seq: seq(), name: String(json.Name ?? ''), arn, tags: tagMap(json.Tags) });
      }
    } else if (service === 'dynamodb') {
      const table = String(json.ResourceArn ?? '');
      if (operation === 'PutResourcePolicy') events.push({ kind: 'policy', seq: seq(), on: 'table', resource: table, document: parseObject(String(json.Policy ?? '')) });
      if (operation === 'DeleteResourcePolicy') events.push({ kind: 'policy', seq: seq(), on: 'table', resource: table, document: null });
    } else if (service === undefined && request.amzTarget === undefined) {
      const form = new URLSearchParams(request.body);
      const action = form.get('Action');
      const roleName = form.get('RoleName') ?? '';
      if (action === 'PutRolePolicy' || action === 'DeleteRolePolicy') {
        events.push({
          kind: 'policy',
          seq: seq(),
          on: 'role',
          role: roleName,
          name: form.get('PolicyName') ?? '',
          document: action === 'PutRolePolicy' ? parseObject(form.get('PolicyDocument') ?? '') : null,
        });
      }
    }
    return events;
  }
}

function unparsedEvent(seq: number, caller: CallerIdentity, request: AwsRequest, reason: string, status: number): RecordedEvent {
  return {
    kind: 'unparsed',
    seq,
    function: caller.functionName,
    role: caller.roleArn,
    service: scopeService(request.authorization) ?? 'unknown',
    method: request.method ?? 'POST',
    path: (request.path ?? '/').split('?')[0],
    ...(request.amzTarget === undefined ? {} : { target: request.amzTarget }),
    reason,
    status,
  };
}

/** The service of a SigV4 `Authorization` header's credential scope (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
function scopeService(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/\d+\/[a-z0-9-]+\/([a-z0-9-]+)\/aws4_request/.exec(authorization ?? '')?.[1];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a JSON object, or undefined when it is not one. */
function parseStrictObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function callEvent(
  seq: number,
  caller: CallerIdentity,
  action: string,
  resource: string,
  context: Record<string, string | string[]>,
  status: number,
): RecordedEvent {
  return { kind: 'call', seq, function: caller.functionName, role: caller.roleArn, action, resource, context, status };
}

type Json = Record<string, unknown>;

function parseObject(text: string): Json {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
  } catch {
    return {};
  }
}

function tagMap(tags: unknown): Record<string, string> {
  if (!Array.isArray(tags)) return {};
  return Object.fromEntries(tags.map((t: { Key?: unknown; Value?: unknown }) => [String(t.Key), String(t.Value ?? '')]));
}

/**
 * The DynamoDB condition keys of an item request: `dynamodb:LeadingKeys` (the partition key's value;
 * this table's only key attribute, `pk`, with any SHA-256 in it cut) and `dynamodb:Attributes` (the
 * attribute names the request names: the item's, the key's and the expressions').
 */
function dynamoDbContext(operation: string, input: Json): Record<string, string | string[]> {
  const key = (input.Key ?? input.Item) as Record<string, { S?: string }> | undefined;
  const context: Record<string, string | string[]> = {};
  const leading = key?.pk?.S;
  if (typeof leading === 'string') context['dynamodb:LeadingKeys'] = [leading.replace(/#[0-9a-f]{64}$/, '#<sha256>')];
  const names = new Set<string>();
  if (operation === 'PutItem') for (const name of Object.keys((input.Item as Json) ?? {})) names.add(name);
  if (operation === 'UpdateItem' || operation === 'DeleteItem' || (operation === 'GetItem' && input.ProjectionExpression !== undefined)) {
    for (const name of Object.keys((input.Key as Json) ?? {})) names.add(name);
    for (const name of Object.values((input.ExpressionAttributeNames as Record<string, string>) ?? {})) names.add(name);
  }
  if (names.size > 0) context['dynamodb:Attributes'] = [...names].sort();
  return context;
}
