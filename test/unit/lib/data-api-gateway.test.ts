import { Construct } from 'constructs';
import { AuthType, CredentialStore, DataApiCredential, DataApiGateway, DataApiScope } from '../../../lib';
import { resource, resources, synth } from '../../support/synth';
import { synthesizedPolicy } from '../../support/synthesized-policy';

const BACKEND_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:records-backend';
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';

type GatewayProps = ConstructorParameters<typeof DataApiGateway>[2];

function build(props: Partial<GatewayProps> | ((store: CredentialStore, scope: Construct) => Partial<GatewayProps>) = {}) {
  return (scope: Construct) => {
    const store = new CredentialStore(scope, 'Credentials', { kmsKeyArn: KMS_KEY });
    const extra = typeof props === 'function' ? props(store, scope) : props;
    new DataApiGateway(scope, 'DataApi', { store, backend: { functionArn: BACKEND_ARN }, ...extra });
  };
}

/** The statements of one gateway function's role policy (IAM JSON text), in order. */
function statementsOf(s: ReturnType<typeof synth>, fn: 'TokenEndpoint' | 'RecordsVerifier'): Array<Record<string, any>> {
  return synthesizedPolicy(s, resource(s, 'aws_iam_role_policy', `DataApi_${fn}_Policy`).policy).Statement;
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value : [String(value)]);
const TABLE_ARN = expect.stringMatching(/^\$\{aws_dynamodb_table\.Credentials_Table_\w+\.arn\}$/);
const HASH_KEY_ARN = expect.stringMatching(/^\$\{aws_secretsmanager_secret\.Credentials_HashKey_\w+\.arn\}$/);
/** One prefix as a string, more as a list in their order: condition values as the data source writes them. */
const leadingKeys = (...prefixes: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.length === 1 ? prefixes[0] : prefixes } });

/** The customer key, only through DynamoDB for this table, for the function's own environment, and through Secrets Manager for the store's hash key. */
function customerKey(kind: 'token' | 'records'): unknown[] {
  const via = (service: string) => expect.stringMatching(new RegExp(`^${service}\\.\\$\\{data\\.aws_region\\.\\w+\\.name\\}\\.amazonaws\\.com$`));
  return [
    {
      Sid: 'TableKey',
      Effect: 'Allow',
      // A set, reverse-sorted, as the data source writes it.
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: KMS_KEY,
      Condition: { StringEquals: { 'kms:ViaService': via('dynamodb'), 'kms:EncryptionContext:aws:dynamodb:tableName': expect.stringMatching(/^\$\{aws_dynamodb_table\.\w+\.name\}$/) } },
    },
    {
      Sid: 'EnvironmentKey',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: KMS_KEY,
      Condition: { StringEquals: { 'kms:EncryptionContext:LambdaFunctionName': expect.stringMatching(new RegExp(`-${kind}$`)) } },
    },
    {
      Sid: 'SecretsKey',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: KMS_KEY,
      Condition: { StringEquals: { 'kms:ViaService': via('secretsmanager') }, StringLike: { 'kms:EncryptionContext:SecretARN': HASH_KEY_ARN } },
    },
  ];
}

describe('DataApiGateway', () => {
  const s = synth(build({ authorizerCacheTtlSeconds: 30 }));

  test('an HTTP API with the OAuth routes and the records routes of both versions, on a $default stage', () => {
    expect(Object.values(resources(s, 'aws_apigatewayv2_api'))[0]).toMatchObject({ protocol_type: 'HTTP' });
    const routeKeys = Object.values(resources(s, 'aws_apigatewayv2_route')).map((r) => r.route_key).sort();
    expect(routeKeys).toEqual([
      'GET /.well-known/oauth-authorization-server',
      'GET /.well-known/oauth-protected-resource',
      'GET /export/v1/records/{entity}',
      'GET /export/v1beta2/records/{entity}',
      'POST /oauth/v1/introspect',
      'POST /oauth/v1/revoke',
      'POST /oauth/v1/token',
    ]);
    // The five OAuth routes go to the token function's integration, the records routes to the verifier's.
    const targets = Object.values(resources(s, 'aws_apigatewayv2_route')).map((r) => [r.route_key, r.target]);
    const tokenTarget = targets.find(([key]) => key === 'POST /oauth/v1/token')![1];
    expect(targets.filter(([, target]) => target === tokenTarget).map(([key]) => key)).toHaveLength(5);
    // No OpenID Connect document: this is not an OpenID provider.
    expect(routeKeys.some((key) => key.includes('openid'))).toBe(false);
    // No API Gateway authorizer: the verifier answers 401/403 itself (an HTTP API authorizer cannot).
    expect(Object.values(resources(s, 'aws_apigatewayv2_route')).every((r) => r.authorization_type === undefined)).toBe(true);
    expect(resources(s, 'aws_apigatewayv2_authorizer')).toEqual({});
    for (const integration of Object.values(resources(s, 'aws_apigatewayv2_integration'))) {
      expect(integration).toMatchObject({ integration_type: 'AWS_PROXY', payload_format_version: '2.0' });
    }
    expect(Object.values(resources(s, 'aws_apigatewayv2_stage'))[0]).toMatchObject({ name: '$default', auto_deploy: true });
  });

  test('two functions on nodejs22.x; the verifier knows its backend and cache TTL, neither has a secret', () => {
    const functions = Object.values(resources(s, 'aws_lambda_function')).filter((f) => /-(token|records)$/.test(f.function_name));
    expect(functions).toHaveLength(2);
    for (const fn of functions) expect(fn.runtime).toBe('nodejs22.x');
    const records = functions.find((f) => f.function_name.endsWith('-records'))!;
    expect(records.environment.variables).toMatchObject({
      DATA_API_BACKEND_FUNCTION_ARN: BACKEND_ARN,
      DATA_API_AUTH_CACHE_TTL_SECONDS: '30',
    });
    const permissions = Object.values(resources(s, 'aws_lambda_permission')).filter((p) => p.principal === 'apigateway.amazonaws.com');
    expect(permissions).toHaveLength(2);
  });

  test('IAM, exactly: the token function reads credentials, tokens and key hashes, puts and deletes tokens; nothing else', () => {
    // moto does not enforce IAM: these statements are what allows every DynamoDB call on AWS.
    expect(statementsOf(s, 'TokenEndpoint')).toEqual([
      { Sid: 'ReadCredentialsTokensAndKeyHashes', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN, Condition: leadingKeys('CRED#*', 'TOKEN#*', 'KEYHASH#*') },
      { Sid: 'PutTokens', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE_ARN, Condition: leadingKeys('TOKEN#*') },
      { Sid: 'RevokeTokens', Effect: 'Allow', Action: 'dynamodb:DeleteItem', Resource: TABLE_ARN, Condition: leadingKeys('TOKEN#*') },
      { Sid: 'ReadHashKey', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: HASH_KEY_ARN },
      ...customerKey('token'),
      {
        Sid: 'Logs',
        Effect: 'Allow',
        Action: ['logs:PutLogEvents', 'logs:CreateLogStream'],
        Resource: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.DataApi_TokenEndpoint_LogGroup_\w+\.arn\}:\*$/),
      },
    ]);
  });

  test('IAM, exactly: the records verifier reads the same three kinds of item (adopted keys included), stamps lastUsedAt, invokes the backend', () => {
    expect(statementsOf(s, 'RecordsVerifier')).toEqual([
      { Sid: 'ReadCredentialsTokensAndKeyHashes', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN, Condition: leadingKeys('CRED#*', 'TOKEN#*', 'KEYHASH#*') },
      {
        Sid: 'StampLastUsed',
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: TABLE_ARN,
        Condition: { ...leadingKeys('CRED#*'), 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'lastUsedAt'] } },
      },
      { Sid: 'InvokeBackend', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: BACKEND_ARN },
      { Sid: 'ReadHashKey', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: HASH_KEY_ARN },
      ...customerKey('records'),
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:PutLogEvents', 'logs:CreateLogStream'], Resource: expect.stringMatching(/LogGroup_\w+\.arn\}:\*$/) },
    ]);
  });

  test('the functions\' documents are IAM JSON text, no data source; each role trusts the Lambda service only', () => {
    expect(s.config.data?.aws_iam_policy_document).toBeUndefined();
    for (const fn of ['TokenEndpoint', 'RecordsVerifier']) {
      expect(synthesizedPolicy(s, resource(s, 'aws_iam_role', `DataApi_${fn}_Role`).assume_role_policy)).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }],
      });
    }
  });

  test('least privilege: token items and credential records only, by key prefix; lastUsedAt is the only attribute the verifier updates', () => {
    const statements = [...statementsOf(s, 'TokenEndpoint'), ...statementsOf(s, 'RecordsVerifier')];
    const actions = statements.flatMap((st) => asList(st.Action));
    expect(actions.every((a) => !a.includes('*'))).toBe(true);
    // The one secret they read is the store's hash key (adopted keys' HMAC), never a credential's.
    expect(statements.filter((st) => asList(st.Action).some((a) => a.startsWith('secretsmanager:')))).toEqual([
      { Sid: 'ReadHashKey', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: HASH_KEY_ARN },
      { Sid: 'ReadHashKey', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: HASH_KEY_ARN },
    ]);
    for (const st of statements.filter((x) => asList(x.Action).some((a) => /^(dynamodb|kms):/.test(a)))) {
      expect(asList(st.Resource).some((r) => r === '*' || r.endsWith(':*'))).toBe(false);
    }
    const bySid = Object.fromEntries(statements.map((st) => [st.Sid, st]));
    expect(bySid.PutTokens).toMatchObject({ Action: 'dynamodb:PutItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': 'TOKEN#*' } } });
    expect(bySid.StampLastUsed.Condition['ForAllValues:StringEquals']).toEqual({ 'dynamodb:Attributes': ['pk', 'lastUsedAt'] });
    expect(bySid.InvokeBackend).toMatchObject({ Action: 'lambda:InvokeFunction', Resource: BACKEND_ARN });
  });

  test('introspection clients and a configured issuer go to the token function\'s environment; none by default', () => {
    const tokenEnv = (x: ReturnType<typeof synth>) =>
      Object.values(resources(x, 'aws_lambda_function')).find((f) => f.function_name.endsWith('-token'))!.environment.variables;
    expect(tokenEnv(s)).toEqual({ CREDENTIALS_TABLE_NAME: expect.any(String), DATA_API_HASH_KEY_SECRET_ARN: HASH_KEY_ARN });
    const withClients = synth(
      build((store, scope) => ({
        issuer: 'https://data.example.com',
        introspectionClients: [
          new DataApiCredential(scope, 'Mirror', { store, name: 'records-mirror', scopes: DataApiScope.ALL }),
          new DataApiCredential(scope, 'Audit', { store, name: 'audit', scopes: ['users'] }),
        ],
      })),
    );
    const env = tokenEnv(withClients);
    expect(env.DATA_API_ISSUER).toBe('https://data.example.com');
    expect(env.DATA_API_INTROSPECTION_CREDENTIAL_IDS).toMatch(/^\$\{substr\(sha256\(.*terraform_data\.Mirror_Client_[0-9A-F]{8}\.output.*\}+,\$\{substr\(sha256\(.*terraform_data\.Audit_Client_[0-9A-F]{8}\.output.*\}$/);
  });

  test.each([
    ['an API-key credential', (store: CredentialStore, scope: Construct) => [new DataApiCredential(scope, 'Key', { store, name: 'k', authType: AuthType.API_KEY, scopes: ['users'] })], /Invalid introspectionClients .*Key is an API-key credential/],
    ['another store\'s credential', (_: CredentialStore, scope: Construct) => [new DataApiCredential(scope, 'Elsewhere', { store: new CredentialStore(scope, 'Other'), name: 'e', scopes: ['users'] })], /Elsewhere belongs to another store/],
    ['one credential twice', (store: CredentialStore, scope: Construct) => { const c = new DataApiCredential(scope, 'Twice', { store, name: 't', scopes: ['users'] }); return [c, c]; }, /Twice is listed twice/],
  ])('introspectionClients refuses %s at synth', (_, clients, message) => {
    expect(() => synth(build((store, scope) => ({ introspectionClients: clients(store, scope) })))).toThrow(message);
  });

  test('an HTTP backend URL goes to the verifier instead of a function ARN', () => {
    const withUrl = synth(build({ backend: { url: 'https://records.internal.example/api' } }));
    const records = Object.values(resources(withUrl, 'aws_lambda_function')).find((f) => f.function_name.endsWith('-records'))!;
    expect(records.environment.variables.DATA_API_BACKEND_URL).toBe('https://records.internal.example/api');
    expect(records.environment.variables.DATA_API_BACKEND_FUNCTION_ARN).toBeUndefined();
  });

  test('both functions are bounded by a reserved concurrency: token 20, records 50 by default; another number, or none with false', () => {
    const reserved = (props: Partial<GatewayProps> = {}) => {
      const fns = Object.values(resources(synth(build(props)), 'aws_lambda_function'));
      const of = (suffix: string) => fns.find((f) => f.function_name.endsWith(suffix))!.reserved_concurrent_executions;
      return { token: of('-token'), records: of('-records') };
    };
    expect(reserved()).toEqual({ token: 20, records: 50 });
    expect(reserved({ tokenReservedConcurrency: 5, recordsReservedConcurrency: 2 })).toEqual({ token: 5, records: 2 });
    expect(reserved({ tokenReservedConcurrency: false, recordsReservedConcurrency: false })).toEqual({ token: undefined, records: undefined });
  });

  test.each([
    [{ recordsReservedConcurrency: 0 }, /Invalid recordsReservedConcurrency \(DataApiGateway .*DataApi\): got 0; allowed: a whole number from 1 to 10000 .*or false for no reservation/],
    [{ tokenReservedConcurrency: -1 }, /Invalid tokenReservedConcurrency .*got -1; allowed: a whole number from 1 to 10000/],
    [{ tokenReservedConcurrency: Number.NaN }, /Invalid tokenReservedConcurrency .*got NaN; allowed/],
    [{ backend: {} as never }, /Invalid backend .*neither functionArn nor url.*allowed: \{ functionArn/],
    [{ backend: { functionArn: BACKEND_ARN, url: 'https://x.example' } as never }, /Invalid backend .*both functionArn and url/],
    [{ backend: { functionArn: 'records-backend' } }, /Invalid backend.functionArn .*"records-backend".*a Lambda function ARN/],
    [{ backend: { url: 'ftp://x.example' } }, /Invalid backend.url .*"ftp:\/\/x.example"/],
    [{ authorizerCacheTtlSeconds: -1 }, /Invalid authorizerCacheTtlSeconds .*got -1.*0 \(no cache\) to 3600/],
    [{ authorizerCacheTtlSeconds: 1.5 }, /Invalid authorizerCacheTtlSeconds/],
    [{ name: 'a b' }, /Invalid name .*"a b"/],
    [{ logRetentionDays: 2 }, /Invalid logRetentionDays .*got 2/],
    [{ issuer: 'https://data.example.com/' }, /Invalid issuer .*"https:\/\/data.example.com\/".*without a trailing slash/],
    [{ issuer: 'http://data.example.com' }, /Invalid issuer/],
  ])('bad props fail at synth, naming the prop: %j', (props, message) => {
    expect(() => synth(build(props as never))).toThrow(message);
  });
});
