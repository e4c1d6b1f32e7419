/** The `name` of an AWS SDK v3 service exception (e.g. `ResourceNotFoundException`), if any. */
export function awsErrorName(error: unknown): string | undefined {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}
