/**
 * What is allowed, declared: who may do what to which resource of a store and its gateway, and why.
 * The IAM matrix (iam-matrix.ts, test/e2e/iam-matrix.test.ts) fails on any allowed cell no grant
 * here covers and on any covered cell that is denied, so this table is the exact allowed set of the
 * policies the stack applies, not a list of examples. Actions are globs over the IAM engine's action
 * names; the principal classes are:
 * - developer: a role of the account whose IAM allows `*:*`, without the guardrail SCP;
 * - developer under the guardrail: the same with the store's and the gateway's guardrail outputs
 *   attached as service control policies (as are the reader, the table reader, the admin and the deployer);
 * - reader: a credential's `readers` entry, table reader: a `tableReaders` entry, admin: an `admins`
 *   entry, each with `*:*`; deployer: the identity that applies the stack, with `*:*`;
 * - consumer without grants: a principal with no IAM policy at all (what resource policies alone grant);
 * - the three functions, with their own role policies only (their log writes target log streams,
 *   which the matrix does not enumerate; the recorded-call evaluation proves those are allowed).
 * Nobody may assume the functions' roles but Lambda (their trust policies): no `sts:` grant.
 */
import type { Grant, PrincipalClass, ResourceClass } from './iam-matrix';

/** Principals whose own IAM allows everything. */
const BROAD: PrincipalClass[] = ['developer', 'developer under the guardrail', 'reader', 'table reader', 'admin', 'deployer'];
/** Those under the guardrail, but the deployer (whom it spares). */
const GUARDED: PrincipalClass[] = ['developer under the guardrail', 'reader', 'table reader', 'admin'];
const ITEMS: ResourceClass[] = ['credential record', 'credential record lastUsedAt', 'token item', 'key-hash item'];
const CREDENTIAL_SECRETS: ResourceClass[] = ['secret with readers', 'secret without readers'];
const STORE_SECRETS: ResourceClass[] = ['hash-key secret', ...CREDENTIAL_SECRETS];
const FUNCTIONS: ResourceClass[] = ['provider function', 'token function', 'records function'];
const ROLES: ResourceClass[] = ['provider role', 'token role', 'records role'];
const LOGS: ResourceClass[] = ['provider logs', 'token logs', 'records logs'];
const EVERYTHING: ResourceClass[] = ['table', ...ITEMS, 'table stream', ...STORE_SECRETS, 'planted secret', ...FUNCTIONS, ...ROLES, ...LOGS];
const ITEM_READS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PartiQLSelect', 'dynamodb:ConditionCheckItem'];
const ITEM_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'];
const SECRET_METADATA = ['secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy', 'secretsmanager:ListSecretVersionIds'];

export const ACCESS_TABLE: readonly Grant[] = [
  // The deployer.
  {
    who: ['deployer'],
    on: EVERYTHING,
    actions: ['*'],
    except: ['secretsmanager:GetSecretValue', 'sts:*'],
    why: 'the deployer applies the stack: it creates, changes and destroys every resource and policy (the root of trust; it reads no value)',
  },
  { who: ['deployer'], on: ['planted secret'], actions: ['secretsmanager:GetSecretValue'], why: 'a secret the stack did not create has no policy of ours' },

  // Metadata, never a value or a record.
  {
    who: BROAD,
    on: ['table'],
    actions: ['dynamodb:Describe*', 'dynamodb:List*', 'dynamodb:GetResourcePolicy', 'dynamodb:CreateTable', 'dynamodb:ImportTable'],
    why: "the table's settings and policy are no secret; CreateTable and ImportTable name a new table (this one exists, so they fail)",
  },
  { who: BROAD, on: ['table stream'], actions: ['dynamodb:GetResourcePolicy', 'dynamodb:ListTagsOfResource'], why: 'metadata of a stream (the table has none enabled, and enabling one is the deployer\'s)' },
  { who: BROAD, on: [...STORE_SECRETS, 'planted secret'], actions: SECRET_METADATA, why: "a secret's metadata and policy: never its value" },
  // Since 0.3.0 a store secret's policy denies everything but the reads (NotAction) to all but the
  // provider and the deployer: ValidateResourcePolicy (a "Permissions management" action) too.
  { who: BROAD, on: ['planted secret'], actions: ['secretsmanager:ValidateResourcePolicy'], why: 'validating a policy for a secret that has none of ours' },
  { who: BROAD, on: FUNCTIONS, actions: ['lambda:Get*', 'lambda:List*'], why: 'reading a function\'s configuration (its environment holds names and ARNs, no secret)' },
  { who: BROAD, on: ROLES, actions: ['iam:Get*', 'iam:List*'], why: 'reading a role and its policies' },
  {
    who: BROAD,
    on: LOGS,
    actions: ['logs:Describe*', 'logs:Get*', 'logs:List*', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:StartLiveTail'],
    why: 'reading the functions\' logs (redacted: no secret is ever logged)',
  },

  // Records: the store's principals.
  { who: ['admin', 'table reader'], on: ITEMS, actions: ITEM_READS, why: 'admins and table readers read the records (the list and drift commands)' },
  { who: ['admin', 'table reader'], on: ['table'], actions: ['dynamodb:Scan', 'dynamodb:SearchVectors', 'dynamodb:ExportTableToPointInTime'], why: 'the list command scans; a vector search or an export is a read like the others' },
  { who: ['admin', 'table reader'], on: ['table stream'], actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], why: 'a stream read is a read like the others' },
  { who: ['admin'], on: ITEMS, actions: ITEM_WRITES, why: 'admins write records (drift --repair); a Super Admin may also write a token item: the product trusts admins with every credential' },

  // The functions, each on its own items and secrets.
  { who: ['provider function'], on: ['credential record', 'credential record lastUsedAt', 'key-hash item'], actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem'], why: 'the provider writes credential records and adopted keys\' lookup items, never a token' },
  { who: ['provider function'], on: STORE_SECRETS, actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], why: 'the provider writes each secret\'s value once and re-reads it (drift, retries); it writes the hash key on the first adoption' },
  { who: ['token function'], on: ['credential record', 'credential record lastUsedAt', 'token item', 'key-hash item'], actions: ['dynamodb:GetItem'], why: 'the token endpoint checks client credentials, tokens and adopted keys (introspection)' },
  { who: ['token function'], on: ['token item'], actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], why: 'it issues and revokes access tokens' },
  { who: ['records function'], on: ['credential record', 'credential record lastUsedAt', 'token item', 'key-hash item'], actions: ['dynamodb:GetItem'], why: 'the verifier checks keys and tokens' },
  { who: ['records function'], on: ['credential record lastUsedAt'], actions: ['dynamodb:UpdateItem'], why: 'the verifier stamps lastUsedAt, no other attribute' },
  { who: ['token function', 'records function'], on: ['hash-key secret'], actions: ['secretsmanager:GetSecretValue'], why: 'adopted keys are found by their HMAC' },

  // Readers.
  { who: ['reader'], on: ['secret with readers'], actions: ['secretsmanager:GetSecretValue'], why: 'a reader reads the value of the credential that names it, and no other' },

  // The admins.
  { who: ['admin'], on: ['provider function'], actions: ['lambda:Invoke*'], why: 'admins manage credentials through the provider (the product\'s Super Admins)' },

  // Without the guardrail: what only the SCP outputs close (Lambda, IAM, CloudWatch Logs and API Gateway resources cannot deny).
  { who: ['developer'], on: FUNCTIONS, actions: ['lambda:*'], why: 'LIMIT without the guardrail: a principal whose IAM allows it invokes and changes the functions (ProviderGuardrailPolicy and GatewayGuardrailPolicy close this)' },
  { who: ['developer'], on: ROLES, actions: ['iam:*'], why: 'LIMIT without the guardrail: a principal whose IAM allows it changes or passes the roles (the guardrail outputs close this)' },
  { who: ['developer'], on: LOGS, actions: ['logs:*'], why: 'LIMIT without the guardrail: a principal whose IAM allows it changes or deletes the logs (the guardrail outputs close this)' },
  // On a store secret's ARN the secret's own policy denies it (since 0.3.0: everything but the reads).
  { who: ['developer'], on: ['planted secret'], actions: ['secretsmanager:CreateSecret'], why: 'LIMIT without the guardrail: a principal whose IAM allows it creates secrets under the prefix (the provider never adopts one that is not declared; ProviderGuardrailPolicy closes this)' },
  {
    who: ['developer', ...GUARDED],
    on: ['planted secret'],
    actions: ['secretsmanager:*'],
    except: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource', 'secretsmanager:BatchGetSecretValue'],
    why: 'a secret under the prefix the stack did not create is its owner\'s (under the guardrail nobody but the deployer creates or tags one)',
  },
  { who: ['developer'], on: ['planted secret'], actions: ['secretsmanager:TagResource', 'secretsmanager:UntagResource'], why: 'LIMIT without the guardrail: a secret that is not the store\'s can be tagged (the provider binds by its declaration, not by tags alone)' },
];
