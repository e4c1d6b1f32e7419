/**
 * The slice of API Gateway's HTTP API payload format 2.0 the gateway Lambdas use, and responses.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */

/** The request event of an HTTP API Lambda proxy integration, payload format 2.0. */
export interface HttpApiEvent {
  readonly version?: string;
  readonly routeKey?: string;
  readonly rawPath?: string;
  readonly rawQueryString?: string;
  readonly cookies?: string[];
  /** Lower-case names; repeated headers joined with commas. */
  readonly headers?: Record<string, string | undefined>;
  readonly queryStringParameters?: Record<string, string | undefined>;
  readonly pathParameters?: Record<string, string | undefined>;
  readonly requestContext?: {
    readonly http?: { readonly method?: string; readonly path?: string; readonly sourceIp?: string };
    readonly requestId?: string;
    readonly routeKey?: string;
    readonly [key: string]: unknown;
  };
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

/** A payload 2.0 response. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly isBase64Encoded?: boolean;
}

export function header(event: HttpApiEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The body as text; API Gateway base64-encodes non-text bodies (form posts included). */
export function bodyText(event: HttpApiEvent): string {
  if (event.body === undefined || event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
    body: JSON.stringify(body),
  };
}
