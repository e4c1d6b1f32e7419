/**
 * The sample records backend, except that `?malformed=1` adds a header no HTTP server may send (a
 * character above U+00FF): a backend's answer that a gateway cannot write as it is, for the tests of
 * what the verifier and the local API gateway do with it.
 */
import { handler as sample } from '../../examples/records-backend-handler';

export async function handler(event: Parameters<typeof sample>[0] & { queryStringParameters?: Record<string, string | undefined> }): Promise<unknown> {
  const answer = (await sample(event)) as { headers?: Record<string, string> };
  if (event.queryStringParameters?.malformed !== '1') return answer;
  return { ...answer, headers: { ...answer.headers, 'x-note': 'records \u2026' } };
}
