/** The cold-start baseline of `npm run bench`: the smallest Lambda handler, bundled like ours. */
export async function handler(): Promise<{ statusCode: number; body: string }> {
  return { statusCode: 200, body: 'hello world' };
}
