import { Construct } from 'constructs';
import { CredentialStore, DataApiGateway } from '../../../lib';
import { resources, synth } from '../../support/synth';

const BACKEND_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:records-backend';
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';

function build(props: Partial<ConstructorParameters<typeof DataApiGateway>[2]> = {}) {
  return (scope: Construct) => {
    const store = new CredentialStore(scope, 'Credentials', { kmsKeyArn: KMS_KEY });
    new DataApiGateway(scope, 'DataApi', { store, backend: { functionArn: BACKEND_ARN }, ...props });
  };
}

describe('DataApiGateway', () => {
  const s = synth(build({ authorizerCacheTtlSeconds: 30 }));

  test('an HTTP API with the token route and the records routes of both versions, on a $default stage', () => {
    expect(Object.values(resources(s, 'aws_apigatewayv2_api'))[0]).toMatchObject({ protocol_type: 'HTTP' });
    const routeKeys = Object.values(resources(s, 'aws_apigatewayv2_route')).map((r) => r.route_key).sort();
    expect(routeKeys).toEqual(['GET /export/v1/records/{entity}', 'GET /export/v1beta2/records/{entity}', 'POST /oauth/v1/token']);
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

  test('least privilege: token items and credential records only, by key prefix; lastUsedAt is the only attribute the verifier updates', () => {
    const docs = s.config.data!.aws_iam_policy_document;
    const statements = Object.entries(docs)
      .filter(([id]) => id.startsWith('DataApi_'))
      .flatMap(([, doc]) => (doc.statement ?? []) as Array<Record<string, any>>);
    const actions = statements.flatMap((st) => st.actions as string[]);
    expect(actions.every((a) => !a.includes('*'))).toBe(true);
    expect(actions.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
    for (const st of statements.filter((x) => (x.actions as string[]).some((a) => /^(dynamodb|kms):/.test(a)))) {
      expect((st.resources as string[]).some((r) => r === '*' || r.endsWith(':*'))).toBe(false);
    }
    const bySid = Object.fromEntries(statements.filter((st) => st.sid).map((st) => [st.sid, st]));
    expect(bySid.PutTokens).toMatchObject({ actions: ['dynamodb:PutItem'], condition: [{ variable: 'dynamodb:LeadingKeys', values: ['TOKEN#*'] }] });
    expect(bySid.StampLastUsed.condition).toEqual(
      expect.arrayContaining([expect.objectContaining({ variable: 'dynamodb:Attributes', values: ['pk', 'lastUsedAt'] })]),
    );
    expect(bySid.InvokeBackend).toMatchObject({ actions: ['lambda:InvokeFunction'], resources: [BACKEND_ARN] });
  });

  test('an HTTP backend URL goes to the verifier instead of a function ARN', () => {
    const withUrl = synth(build({ backend: { url: 'https://records.internal.example/api' } }));
    const records = Object.values(resources(withUrl, 'aws_lambda_function')).find((f) => f.function_name.endsWith('-records'))!;
    expect(records.environment.variables.DATA_API_BACKEND_URL).toBe('https://records.internal.example/api');
    expect(records.environment.variables.DATA_API_BACKEND_FUNCTION_ARN).toBeUndefined();
  });

  test.each([
    [{ backend: {} as never }, /Invalid backend .*neither functionArn nor url.*allowed: \{ functionArn/],
    [{ backend: { functionArn: BACKEND_ARN, url: 'https://x.example' } as never }, /Invalid backend .*both functionArn and url/],
    [{ backend: { functionArn: 'records-backend' } }, /Invalid backend.functionArn .*"records-backend".*a Lambda function ARN/],
    [{ backend: { url: 'ftp://x.example' } }, /Invalid backend.url .*"ftp:\/\/x.example"/],
    [{ authorizerCacheTtlSeconds: -1 }, /Invalid authorizerCacheTtlSeconds .*got -1.*0 \(no cache\) to 3600/],
    [{ authorizerCacheTtlSeconds: 1.5 }, /Invalid authorizerCacheTtlSeconds/],
    [{ name: 'a b' }, /Invalid name .*"a b"/],
    [{ logRetentionDays: 2 }, /Invalid logRetentionDays .*got 2/],
  ])('bad props fail at synth, naming the prop: %j', (props, message) => {
    expect(() => synth(build(props as never))).toThrow(message);
  });
});
