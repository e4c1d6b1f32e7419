/**
 * What the local AWS records of a function's call: the IAM action, resource and context keys,
 * never a value (no secret string, no item attribute value besides a partition key with its hash cut).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CallerRegistry, CallRecorder, RecordedEvent } from '../../../local/call-recorder';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dac-recorder-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function setUp(): { recorder: CallRecorder; authorization: string; read: () => RecordedEvent[] } {
  const callers = new CallerRegistry();
  const file = path.join(dir, `${Math.random()}.jsonl`);
  const recorder = new CallRecorder(file, callers);
  const key = callers.register({
    functionName: 'store-provider',
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:store-provider',
    roleArn: 'arn:aws:iam::123456789012:role/store-provider',
  });
  const authorization = `AWS4-HMAC-SHA256 Credential=${key}/20260101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0`;
  const read = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : []);
  return { recorder, authorization, read };
}

test("a function's DynamoDB write is recorded with its role, leading key and attribute names, without values", () => {
  const { recorder, authorization, read } = setUp();
  const hash = 'a'.repeat(64);
  recorder.record(
    {
      authorization,
      amzTarget: 'DynamoDB_20120810.PutItem',
      body: JSON.stringify({ TableName: 'store', Item: { pk: { S: `KEYHASH#${hash}` }, credentialId: { S: 'c0ffee' } } }),
    },
    200,
    '',
  );
  const [event] = read();
  expect(event).toEqual({
    kind: 'call',
    seq: 1,
    function: 'store-provider',
    role: 'arn:aws:iam::123456789012:role/store-provider',
    action: 'dynamodb:PutItem',
    resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/store',
    context: { 'dynamodb:LeadingKeys': ['KEYHASH#<sha256>'], 'dynamodb:Attributes': ['credentialId', 'pk'] },
    status: 200,
  });
  expect(JSON.stringify(event)).not.toContain(hash);
  expect(JSON.stringify(event)).not.toContain('c0ffee');
});

test('a secret value written by a function is never recorded; calls of others are not recorded, their policy changes are', () => {
  const { recorder, authorization, read } = setUp();
  const secretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:data-api/x-AbCdEf';
  recorder.record({ authorization, amzTarget: 'secretsmanager.PutSecretValue', body: JSON.stringify({ SecretId: secretId, SecretString: 'dak_secret' }) }, 200, '');
  const terraform = 'AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0';
  recorder.record({ authorization: terraform, amzTarget: 'secretsmanager.GetSecretValue', body: JSON.stringify({ SecretId: secretId }) }, 200, '');
  recorder.record(
    { authorization: terraform, amzTarget: 'secretsmanager.PutResourcePolicy', body: JSON.stringify({ SecretId: secretId, ResourcePolicy: '{"Version":"2012-10-17","Statement":[]}' }) },
    200,
    '',
  );
  recorder.record({ authorization: terraform, body: 'Action=PutRolePolicy&RoleName=r&PolicyName=p&PolicyDocument=%7B%7D' }, 200, '');
  const events = read();
  expect(events.map((e) => e.kind)).toEqual(['call', 'policy', 'policy']);
  expect(JSON.stringify(events)).not.toContain('dak_secret');
  expect(events[1]).toMatchObject({ on: 'secret', resource: secretId, document: { Statement: [] } });
  expect(events[2]).toMatchObject({ on: 'role', role: 'r', name: 'p', document: {} });
});

describe("a function's request the recorder cannot parse", () => {
  const SECRET = 'dak_do_not_record_me';

  test.each<[string, { amzTarget?: string; method: string; path: string; body: string }, Record<string, unknown>]>([
    [
      'an unknown service',
      { amzTarget: 'AmazonSQS.SendMessage', method: 'POST', path: '/', body: JSON.stringify({ MessageBody: SECRET }) },
      { service: 'dynamodb', method: 'POST', path: '/', target: 'AmazonSQS.SendMessage', reason: 'an X-Amz-Target of a service the recorder does not know' },
    ],
    [
      'a body that is not JSON',
      { amzTarget: 'DynamoDB_20120810.PutItem', method: 'POST', path: '/', body: `{"TableName":"store","Item":${SECRET}` },
      { target: 'DynamoDB_20120810.PutItem', reason: 'a body that is not a JSON object' },
    ],
    [
      'a DynamoDB request without a table',
      { amzTarget: 'DynamoDB_20120810.TransactWriteItems', method: 'POST', path: '/', body: JSON.stringify({ TransactItems: [{ Put: { Item: { v: { S: SECRET } } } }] }) },
      { target: 'DynamoDB_20120810.TransactWriteItems', reason: 'a DynamoDB request without a TableName' },
    ],
    [
      'a REST call (no target, no Action), its query cut off',
      { method: 'GET', path: `/2015-03-31/functions/store-provider/configuration?Qualifier=${SECRET}`, body: '' },
      { method: 'GET', path: '/2015-03-31/functions/store-provider/configuration', reason: expect.stringMatching(/^neither an X-Amz-Target nor a query-protocol Action/) },
    ],
  ])('%s is recorded as unparsed, named by service, method, path and target, never a value', (_what, request, expected) => {
    const { recorder, authorization, read } = setUp();
    recorder.record({ authorization, ...request }, 200, '');
    const events = read();
    expect(events).toEqual([
      { kind: 'unparsed', seq: 1, function: 'store-provider', role: 'arn:aws:iam::123456789012:role/store-provider', service: 'dynamodb', method: 'POST', path: '/', status: 200, ...expected },
    ]);
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  test('a request the recorder fails on is recorded as unparsed by the error\'s name, not dropped', () => {
    const { recorder, authorization, read } = setUp();
    // Tags that are not objects make the tag bookkeeping throw.
    recorder.record({ authorization, amzTarget: 'secretsmanager.TagResource', method: 'POST', path: '/', body: JSON.stringify({ SecretId: 's', Tags: [null, SECRET] }) }, 200, '');
    const events = read();
    expect(events).toEqual([expect.objectContaining({ kind: 'unparsed', target: 'secretsmanager.TagResource', reason: 'the recorder failed on it (TypeError)' })]);
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  test("what others (Terraform, the tests) send is still never recorded as a function's call, parsed or not", () => {
    const { recorder, read } = setUp();
    const terraform = 'AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/sqs/aws4_request, SignedHeaders=host, Signature=0';
    recorder.record({ authorization: terraform, amzTarget: 'AmazonSQS.SendMessage', method: 'POST', path: '/', body: '{' }, 200, '');
    recorder.record({ authorization: terraform, method: 'GET', path: '/2015-03-31/functions/x', body: '' }, 200, '');
    expect(read()).toEqual([]);
  });
});
