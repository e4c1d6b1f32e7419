/**
 * A sample records backend for the Data API gateway: a Lambda that answers a few made-up records
 * of the requested entity. It trusts the verifier: the caller's credential arrives in
 * `requestContext.authorizer.lambda`, and the Authorization header never does.
 */
interface BackendEvent {
  readonly rawPath?: string;
  readonly pathParameters?: { readonly entity?: string };
  readonly queryStringParameters?: Record<string, string | undefined>;
  readonly requestContext?: { readonly authorizer?: { readonly lambda?: { credentialId?: string; scopes?: string } } };
}

const SAMPLES: Record<string, (i: number) => Record<string, unknown>> = {
  conversations: (i) => ({ id: `conv-${i}`, channel: i % 2 ? 'slack' : 'teams', turns: 3 + i }),
  interactions: (i) => ({ id: `int-${i}`, type: 'ui_form_submission', conversationId: `conv-${i}` }),
  'plugin-calls': (i) => ({ id: `call-${i}`, plugin: 'ticket-lookup', status: 'served' }),
  'plugin-resources': (i) => ({ id: `res-${i}`, kind: 'knowledge_article', plugin: 'knowledge-search' }),
  users: (i) => ({ id: `user-${i}`, department: ['IT', 'HR', 'Sales'][i % 3] }),
};

export async function handler(event: BackendEvent): Promise<unknown> {
  const entity = event.pathParameters?.entity ?? '';
  const sample = SAMPLES[entity];
  if (!sample) return { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'not_found' }) };
  const top = Math.min(Math.max(Number(event.queryStringParameters?.$top ?? 3) || 3, 1), 50);
  const version = /^\/export\/([^/]+)\//.exec(event.rawPath ?? '')?.[1];
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      entity,
      version,
      credentialId: event.requestContext?.authorizer?.lambda?.credentialId,
      value: Array.from({ length: top }, (_, i) => sample(i + 1)),
    }),
  };
}
