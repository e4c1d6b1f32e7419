/**
 * The IAM evaluation of recorded calls (test/support/iam-evaluation.ts) on small hand-made records:
 * it replays policy changes in order, sees the request's context keys, and refuses what AWS would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CallerRegistry, CallRecorder, type RecordedEvent } from '../../../local/call-recorder';
import { evaluateRecordedCalls, EXPECTED_CALL_KINDS, readCallLog, runFailure } from '../../support/iam-evaluation';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/store';
const ROLE = 'arn:aws:iam::123456789012:role/store-records';

function readPolicy(prefixes: string[]): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: TABLE,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) } },
      },
    ],
  };
}

function getItem(seq: number, leadingKey: string): RecordedEvent {
  return {
    kind: 'call',
    seq,
    function: 'store-records',
    role: ROLE,
    action: 'dynamodb:GetItem',
    resource: TABLE,
    context: { 'dynamodb:LeadingKeys': [leadingKey] },
    status: 200,
  };
}

describe('the IAM evaluation of the recorded AWS calls', () => {
  test("the records verifier's KEYHASH# lookup under the policy before issue 14 is refused, and allowed under today's", async () => {
    const before = await evaluateRecordedCalls([
      { kind: 'policy', seq: 1, on: 'role', role: 'store-records', name: 'data-api-records', document: readPolicy(['CRED#', 'TOKEN#']) },
      getItem(2, 'CRED#0123'),
      getItem(3, 'KEYHASH#<sha256>'),
    ]);
    expect(before.evaluated).toBe(2);
    expect(before.refused.map((r) => [r.call.seq, r.verdict.result])).toEqual([[3, 'ImplicitlyDenied']]);

    const after = await evaluateRecordedCalls([
      { kind: 'policy', seq: 1, on: 'role', role: 'store-records', name: 'data-api-records', document: readPolicy(['CRED#', 'TOKEN#', 'KEYHASH#']) },
      getItem(3, 'KEYHASH#<sha256>'),
    ]);
    expect(after.refused).toEqual([]);
  });

  test('a call is judged by the policies in force when it was made, resource policy denies included', async () => {
    const deny = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'dynamodb:GetItem',
          Resource: TABLE,
          Condition: { StringNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/admin'] } },
        },
      ],
    };
    const result = await evaluateRecordedCalls([
      { kind: 'policy', seq: 1, on: 'role', role: 'store-records', name: 'p', document: readPolicy(['CRED#']) },
      getItem(2, 'CRED#1'),
      { kind: 'policy', seq: 3, on: 'table', resource: TABLE, document: deny },
      getItem(4, 'CRED#1'),
      { kind: 'policy', seq: 5, on: 'table', resource: TABLE, document: null },
      getItem(6, 'CRED#1'),
      { kind: 'policy', seq: 7, on: 'role', role: 'store-records', name: 'p', document: null },
      getItem(8, 'CRED#1'),
    ]);
    expect(result.refused.map((r) => [r.call.seq, r.verdict.result])).toEqual([
      [4, 'ExplicitlyDenied'],
      [8, 'ImplicitlyDenied'],
    ]);
  });
});

describe('a run with a request the recorder could not parse', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dac-unparsed-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A provider that made one allowed GetItem and one request of a service the recorder does not know, through the real recorder. */
  function recordedRun(): { file: string; events: RecordedEvent[] } {
    const callers = new CallerRegistry();
    const file = path.join(dir, `${Math.random()}.jsonl`);
    const recorder = new CallRecorder(file, callers);
    const key = callers.register({ functionName: 'store-records', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:store-records', roleArn: ROLE });
    const authorization = (service: string) => `AWS4-HMAC-SHA256 Credential=${key}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
    const terraform = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0';
    const policy = encodeURIComponent(JSON.stringify(readPolicy(['CRED#'])));
    recorder.record({ authorization: terraform, body: `Action=PutRolePolicy&RoleName=store-records&PolicyName=data-api-records&PolicyDocument=${policy}` }, 200, '');
    recorder.record(
      { authorization: authorization('dynamodb'), amzTarget: 'DynamoDB_20120810.GetItem', method: 'POST', path: '/', body: JSON.stringify({ TableName: 'store', Key: { pk: { S: 'CRED#1' } } }) },
      200,
      '',
    );
    recorder.record(
      { authorization: authorization('sqs'), amzTarget: 'AmazonSQS.SendMessage', method: 'POST', path: '/?x=1', body: JSON.stringify({ MessageBody: 'dak_value' }) },
      200,
      '',
    );
    return { file, events: readCallLog(file) };
  }

  test('fails the run, even one of a few test files, naming the request by function, service, method, path and target, never a body value', async () => {
    const { file, events } = recordedRun();
    const evaluation = await evaluateRecordedCalls(events);
    expect(evaluation).toMatchObject({ evaluated: 1, refused: [] });
    expect(evaluation.unparsed).toHaveLength(1);

    const failure = runFailure(evaluation, false, file);
    expect(failure).toBe(
      `the call recorder could not parse 1 AWS request of the functions, so IAM never judged it (teach local/call-recorder.ts the request; the log: ${file}):\n` +
        '  store-records: sqs POST / (X-Amz-Target AmazonSQS.SendMessage): an X-Amz-Target of a service the recorder does not know',
    );
    expect(failure).not.toContain('dak_value');
  });

  test('without it, the same run passes (and a whole run still needs every expected kind)', async () => {
    const { events } = recordedRun();
    const parsed = events.filter((e) => e.kind !== 'unparsed');
    const evaluation = await evaluateRecordedCalls(parsed);
    expect(runFailure(evaluation, false, 'log')).toBeUndefined();
    expect(runFailure(evaluation, true, 'log')).toMatch(/^the IAM evaluation never judged these kinds of call/);
    expect(EXPECTED_CALL_KINDS.length).toBeGreaterThan(0);
  });
});
