/** The records verifier Lambda (`GET /export/{v1|v1beta2}/records/{entity}`): AWS wiring around `records.ts`. */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { BackendError, LambdaRecordsBackend } from '../store/lambda-records-backend';
import { once } from '../runtime/environment';
import { gatewayStores } from './aws-stores';
import { BackendConfig } from './config';
import { HttpResponse } from './http';
import {
  handleRecordsRequest,
  httpBackendHeaders,
  lambdaBackendEvent,
  LastUsedThrottle,
  RecordsBackend,
  RecordsDeps,
  responseOfLambdaResult,
  VerificationCache,
} from './records';
import { defaultLog, wrapGatewayHandler } from './wrap';
import { awsClientConfig } from '../runtime/aws';

const BACKEND_TIMEOUT_MS = 20_000;

/** The records backend of a configuration; exported for tests. */
export function backendOf(config: BackendConfig | undefined, region: string): RecordsBackend {
  if (config === undefined) {
    return async () => {
      throw new BackendError('No records backend is configured');
    };
  }
  if (config.kind === 'lambda') {
    const backend = new LambdaRecordsBackend(new LambdaClient(awsClientConfig(region, 'backend')), config.functionArn);
    return async (event, principal) => responseOfLambdaResult(await backend.invoke(lambdaBackendEvent(event, principal)));
  }
  return async (event, principal): Promise<HttpResponse> => {
    const url = `${config.url.replace(/\/+$/, '')}${event.rawPath ?? '/'}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
    let answer: Response;
    try {
      answer = await fetch(url, {
        headers: { accept: event.headers?.accept ?? 'application/json', ...httpBackendHeaders(principal) },
        signal: AbortSignal.timeout(BACKEND_TIMEOUT_MS),
        // A redirect would take the caller's identity headers elsewhere (another host, a metadata
        // endpoint) and tell the client where: the backend answers, or it failed.
        redirect: 'manual',
      });
    } catch (cause) {
      throw new BackendError(`The records backend ${config.url} did not answer`, { cause });
    }
    if (answer.status >= 300 && answer.status < 400) {
      await answer.body?.cancel();
      throw new BackendError(`The records backend ${config.url} answered a redirect (${answer.status}), which is not followed`);
    }
    const contentType = answer.headers.get('content-type') ?? 'application/octet-stream';
    const bytes = Buffer.from(await answer.arrayBuffer());
    const text = /^(text\/|application\/(json|xml|x-ndjson))/i.test(contentType);
    return {
      statusCode: answer.status,
      headers: { 'content-type': contentType },
      body: text ? bytes.toString('utf8') : bytes.toString('base64'),
      ...(text ? {} : { isBase64Encoded: true }),
    };
  };
}

const awsDeps = once((): RecordsDeps => {
  const { config, tokens, ...stores } = gatewayStores();
  return {
    ...stores,
    backend: backendOf(config.backend, config.region),
    lastUsed: new LastUsedThrottle(
      (id, usedAt, notAfter) => tokens.recordLastUsed(id, usedAt, notAfter),
      stores.now,
      (error) =>
        defaultLog(JSON.stringify({ level: 'error', message: 'lastUsedAt not recorded', error: (error as Error)?.name }), 'error'),
    ),
    ...(config.authCacheTtlSeconds > 0 ? { cache: new VerificationCache(config.authCacheTtlSeconds, stores.now) } : {}),
  };
});

export const handler = wrapGatewayHandler('records', (event) => handleRecordsRequest(event, awsDeps()));
