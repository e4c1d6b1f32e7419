/**
 * The one wrapper around each gateway Lambda entry point: whatever happens, the client gets a
 * well-formed JSON answer, and the log gets one JSON line of identifiers and outcomes. Neither
 * ever carries a secret: the request's headers and body are never logged, and error messages are
 * passed through the secret redaction before they are.
 */
import { CredentialError } from '../errors';
import { redactSecrets } from '../secret-format';
import { BackendError } from '../store/lambda-records-backend';
import { redactGatewaySecrets } from './access-token';
import { HttpApiEvent, HttpResponse, json } from './http';

export type LogLevel = 'info' | 'error';
export type GatewayHandler = (event: HttpApiEvent, context?: { awsRequestId?: string }) => Promise<HttpResponse>;

/** What a flow returns: the response, plus identifiers and an outcome for the log line. */
export type Handled = { readonly response: HttpResponse; readonly outcome: string; readonly credentialId?: string } & object;

export function defaultLog(line: string, level: LogLevel): void {
  if (level === 'error') console.error(line);
  else console.log(line);
}

function describeError(error: unknown, depth = 0): Record<string, unknown> {
  const name = typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name ?? 'Error') : typeof error;
  const described: Record<string, unknown> = { name: /^[A-Za-z0-9_.]{1,64}$/.test(name) ? name : 'Error' };
  if (error instanceof Error) {
    described.detail = redactGatewaySecrets(redactSecrets(error.message)).slice(0, 500);
    if (error.cause !== undefined && depth < 2) described.cause = describeError(error.cause, depth + 1);
  }
  return described;
}

export function wrapGatewayHandler(
  route: string,
  run: (event: HttpApiEvent) => Promise<Handled>,
  log: (line: string, level: LogLevel) => void = defaultLog,
): GatewayHandler {
  return async (event, context) => {
    const started = Date.now();
    const requestId = context?.awsRequestId ?? event?.requestContext?.requestId;
    try {
      const { response, ...details } = await run(event ?? {});
      log(
        JSON.stringify({ level: 'info', message: 'handled', route, status: response.statusCode, ...details, requestId, durationMs: Date.now() - started }),
        'info',
      );
      return response;
    } catch (error) {
      const backend = error instanceof BackendError;
      log(
        JSON.stringify({ level: 'error', message: backend ? 'backend failed' : 'failed', route, error: describeError(error), requestId, durationMs: Date.now() - started }),
        'error',
      );
      if (backend) return json(502, { error: 'bad_gateway', error_description: 'The records backend failed' });
      const configProblem = error instanceof CredentialError && /misconfigured/.test(error.message);
      return json(500, { error: 'server_error', error_description: configProblem ? 'The Data API gateway is misconfigured' : 'Internal error' });
    }
  };
}
