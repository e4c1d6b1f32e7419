import { Construct } from 'constructs';
import { VERIFIER_ENV } from '../handlers/contract/gateway';
import { TABLE } from '../handlers/contract/table';
import { BundledFunction, RoleStatement } from './bundled-function';
import { GATEWAY_FUNCTION_ACTIONS, GATEWAY_FUNCTIONS } from './function-settings';
import { customerKeyStatements } from './kms-statements';
import type { HandlerName } from './handler-assets';

/** The gateway functions' prebuilt handlers, by kind. */
export const GATEWAY_HANDLERS = {
  token: GATEWAY_FUNCTIONS.token.handler,
  records: GATEWAY_FUNCTIONS.records.handler,
} as const satisfies Record<string, HandlerName>;

/** Which gateway Lambda: the token function (all OAuth routes), or the records verifier in front of the backend. */
export type GatewayFunctionKind = keyof typeof GATEWAY_HANDLERS;

export interface GatewayFunctionProps {
  readonly kind: GatewayFunctionKind;
  /** Lambda function name; also names the role and the log group. */
  readonly functionName: string;
  readonly tableName: string;
  readonly tableArn: string;
  readonly region: string;
  /** The store's hash-key secret: adopted keys are found by their HMAC. */
  readonly hashKeySecretArn: string;
  readonly kmsKeyArn?: string;
  readonly logRetentionDays: number;
  /** Records verifier only: exactly one of the two. */
  readonly backendFunctionArn?: string;
  readonly backendUrl?: string;
  /** Records verifier only. */
  readonly authCacheTtlSeconds?: number;
  /** Token function only: the issuer its metadata names; unset, the request's base URL. */
  readonly issuer?: string;
  /** Token function only: comma-separated credential ids whose clients may introspect. */
  readonly introspectionCredentialIds?: string;
  readonly tags?: Record<string, string>;
  /** Reserved concurrency: the most instances the function runs at once; unset, none. */
  readonly reservedConcurrency?: number;
}

/**
 * One Lambda of the Data API gateway, bundled from `handlers/verifier/`, with a least-privilege
 * role on the credential table:
 * - token function: read credential records (`CRED#*`), token items (`TOKEN#*`) and adopted keys'
 *   lookup items (`KEYHASH#*`, introspection), put token items (issue) and delete them (revocation);
 * - records verifier: read the same three kinds of items, update only `lastUsedAt` of credential
 *   records, and invoke the backend function if there is one.
 * The `dynamodb:LeadingKeys` and `dynamodb:Attributes` conditions keep each to those items and
 * attributes; neither can read or write a secret (there is none in the table, and no Secrets
 * Manager permission).
 */
export class GatewayFunction extends BundledFunction {
  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    const leadingKeys = (...prefixes: string[]) => ({
      test: 'ForAllValues:StringLike',
      variable: 'dynamodb:LeadingKeys',
      values: prefixes.map((p) => `${p}*`),
    });
    const read: RoleStatement = {
      sid: 'ReadCredentialsTokensAndKeyHashes',
      actions: [...GATEWAY_FUNCTION_ACTIONS.read],
      resources: [props.tableArn],
      condition: [leadingKeys(TABLE.CREDENTIAL_PREFIX, TABLE.TOKEN_PREFIX, TABLE.KEY_HASH_PREFIX)],
    };
    const statements: RoleStatement[] =
      props.kind === 'token'
        ? [
            read,
            { sid: 'PutTokens', actions: [...GATEWAY_FUNCTION_ACTIONS.putTokens], resources: [props.tableArn], condition: [leadingKeys(TABLE.TOKEN_PREFIX)] },
            { sid: 'RevokeTokens', actions: [...GATEWAY_FUNCTION_ACTIONS.revokeTokens], resources: [props.tableArn], condition: [leadingKeys(TABLE.TOKEN_PREFIX)] },
          ]
        : [
            read,
            {
              sid: 'StampLastUsed',
              actions: [...GATEWAY_FUNCTION_ACTIONS.stampLastUsed],
              resources: [props.tableArn],
              condition: [
                leadingKeys(TABLE.CREDENTIAL_PREFIX),
                { test: 'ForAllValues:StringEquals', variable: 'dynamodb:Attributes', values: [TABLE.PARTITION_KEY, TABLE.LAST_USED_ATTRIBUTE] },
              ],
            },
            ...(props.backendFunctionArn
              ? [{ sid: 'InvokeBackend', actions: [...GATEWAY_FUNCTION_ACTIONS.invokeBackend], resources: [props.backendFunctionArn] }]
              : []),
          ];
    statements.push({ sid: 'ReadHashKey', actions: [...GATEWAY_FUNCTION_ACTIONS.readHashKey], resources: [props.hashKeySecretArn] });
    if (props.kmsKeyArn) {
      statements.push(
        ...customerKeyStatements({
          kmsKeyArn: props.kmsKeyArn,
          region: props.region,
          tableName: props.tableName,
          functionName: props.functionName,
          secretArnPattern: props.hashKeySecretArn,
        }),
      );
    }

    const environment: Record<string, string> = {
      [VERIFIER_ENV.TABLE_NAME]: props.tableName,
      [VERIFIER_ENV.HASH_KEY_SECRET_ARN]: props.hashKeySecretArn,
    };
    if (props.kind === 'records') {
      if (props.backendFunctionArn) environment[VERIFIER_ENV.BACKEND_FUNCTION_ARN] = props.backendFunctionArn;
      if (props.backendUrl) environment[VERIFIER_ENV.BACKEND_URL] = props.backendUrl;
      environment[VERIFIER_ENV.AUTH_CACHE_TTL_SECONDS] = String(props.authCacheTtlSeconds ?? 0);
    } else {
      if (props.issuer) environment[VERIFIER_ENV.ISSUER] = props.issuer;
      if (props.introspectionCredentialIds) environment[VERIFIER_ENV.INTROSPECTION_CREDENTIAL_IDS] = props.introspectionCredentialIds;
    }

    super(scope, id, {
      handler: GATEWAY_HANDLERS[props.kind],
      functionName: props.functionName,
      description: GATEWAY_FUNCTIONS[props.kind].description,
      policyName: GATEWAY_FUNCTIONS[props.kind].policyName,
      statements,
      environment,
      timeoutSeconds: GATEWAY_FUNCTIONS[props.kind].timeoutSeconds,
      kmsKeyArn: props.kmsKeyArn,
      logRetentionDays: props.logRetentionDays,
      tags: props.tags,
      reservedConcurrency: props.reservedConcurrency,
    });
  }
}
