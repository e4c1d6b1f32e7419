/**
 * The IAM evaluation of recorded calls (test/support/iam-evaluation.ts) on small hand-made records:
 * it replays policy changes in order, sees the request's context keys, and refuses what AWS would.
 */
import type { RecordedEvent } from '../../../local/call-recorder';
import { evaluateRecordedCalls } from '../../support/iam-evaluation';

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
