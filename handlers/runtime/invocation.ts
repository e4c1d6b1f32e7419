/**
 * The one wrapper around every Lambda entry point of the package (the credential provider, the
 * token function, the records verifier): it runs the handler's work, and writes one JSON log line
 * per invocation, of identifiers and outcomes, whatever happens. A failure becomes what the
 * caller of that function must get (a thrown error for Terraform, an HTTP answer for a client),
 * decided by the handler's `fail`. Logged error details pass through `redact`: never a secret.
 */
import { awsRequestIdOf } from './aws';

export type LogLevel = 'info' | 'error';
export type Log = (line: string, level: LogLevel) => void;

export function defaultLog(line: string, level: LogLevel): void {
  if (level === 'error') console.error(line);
  else console.log(line);
}

/** The part of the Lambda context the handlers use; the local runner may pass none. */
export interface InvocationContext {
  readonly awsRequestId?: string;
}

/** An error's `name` when it is a plain identifier, else `Error`: safe to log and to show. */
export function errorNameOf(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && /^[A-Za-z0-9_.]{1,64}$/.test(name) ? name : 'Error';
}

/** For the log: name, redacted message, AWS request id, and the same for the cause. Never the event. */
export function describeError(error: unknown, redact: (text: string) => string, depth = 0): Record<string, unknown> {
  const described: Record<string, unknown> = { name: errorNameOf(error) };
  if (error instanceof Error) {
    described.detail = redact(error.message).slice(0, 1000);
    const requestId = awsRequestIdOf(error);
    if (requestId !== undefined) described.awsRequestId = requestId;
    if (error.cause !== undefined && depth < 2) described.cause = describeError(error.cause, redact, depth + 1);
  }
  return described;
}

/** What a failure becomes: an answer to return, or an error to throw; `message` heads the log line. */
export type Failure<R> = { readonly message: string } & ({ readonly answer: R } | { readonly error: Error });

export interface InvocationHandler<E, R> {
  /** Identifiers of the invocation, logged on every line (read leniently: the event is not validated yet). */
  readonly identify: (event: E, context?: InvocationContext) => Record<string, unknown>;
  /** The work: the answer and the fields (outcome, ...) of the success line. */
  readonly run: (event: E) => Promise<{ readonly answer: R; readonly logged: Record<string, unknown> }>;
  readonly fail: (error: unknown, event: E) => Failure<R>;
  readonly redact: (text: string) => string;
  readonly log?: Log;
}

export function wrapInvocation<E, R>(handler: InvocationHandler<E, R>): (event: E, context?: InvocationContext) => Promise<R> {
  const log = handler.log ?? defaultLog;
  return async (event, context) => {
    const started = Date.now();
    const identifiers = handler.identify(event, context);
    try {
      const { answer, logged } = await handler.run(event);
      log(JSON.stringify({ level: 'info', message: 'handled', ...identifiers, ...logged, durationMs: Date.now() - started }), 'info');
      return answer;
    } catch (error) {
      const failure = handler.fail(error, event);
      log(
        JSON.stringify({
          level: 'error',
          message: failure.message,
          ...identifiers,
          error: describeError(error, handler.redact),
          durationMs: Date.now() - started,
        }),
        'error',
      );
      if ('error' in failure) throw failure.error;
      return failure.answer;
    }
  };
}
