/**
 * The gateway's use of the runtime kit's wrapper: whatever happens, the client gets a well-formed
 * JSON answer (502 when the records backend failed, 500 otherwise, naming a misconfiguration as
 * such), and the log one line of identifiers and outcomes. Neither ever carries a secret: the
 * request's headers and body are never logged, and error messages are redacted before they are.
 */
import { ConfigurationError } from '../errors';
import { Log, wrapInvocation } from '../runtime/invocation';
import { redactSecrets } from '../secret-format';
import { BackendError } from '../store/lambda-records-backend';
import { redactGatewaySecrets } from './access-token';
import { HttpApiEvent, HttpResponse, json } from './http';

export { defaultLog, type LogLevel } from '../runtime/invocation';
export type GatewayHandler = (event: HttpApiEvent, context?: { awsRequestId?: string }) => Promise<HttpResponse>;

/** What a flow returns: the response, plus identifiers and an outcome for the log line. */
export type Handled = { readonly response: HttpResponse; readonly outcome: string; readonly credentialId?: string } & object;

export function wrapGatewayHandler(route: string, run: (event: HttpApiEvent) => Promise<Handled>, log?: Log): GatewayHandler {
  return wrapInvocation<HttpApiEvent, HttpResponse>({
    identify: (event, context) => ({ route, requestId: context?.awsRequestId ?? event?.requestContext?.requestId }),
    run: async (event) => {
      const { response, ...details } = await run(event ?? {});
      return { answer: response, logged: { status: response.statusCode, ...details } };
    },
    fail: (error) => {
      if (error instanceof BackendError) {
        return { message: 'backend failed', answer: json(502, { error: 'bad_gateway', error_description: 'The records backend failed' }) };
      }
      const description = error instanceof ConfigurationError ? 'The Data API gateway is misconfigured' : 'Internal error';
      return { message: 'failed', answer: json(500, { error: 'server_error', error_description: description }) };
    },
    redact: (text) => redactGatewaySecrets(redactSecrets(text)),
    ...(log === undefined ? {} : { log }),
  });
}
