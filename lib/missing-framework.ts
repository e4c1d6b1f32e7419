/**
 * The error the entry point throws when the framework its build is for is not installed: which
 * entry point goes with which framework, instead of Node's bare "Cannot find module". Shared by
 * `framework.ts` and its CDK Terrain twin, so both builds say the same.
 */
export function missingFrameworkError(error: unknown): Error {
  if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') return error as Error;
  return new Error(
    `data-api-credentials: ${(error as Error).message.split('\n')[0]}. ` +
      "Import 'data-api-credentials' with CDK for Terraform (npm install cdktf @cdktf/provider-aws constructs), " +
      "or 'data-api-credentials/cdktn' with CDK Terrain (npm install cdktn @cdktn/provider-aws constructs).",
    { cause: error },
  );
}
