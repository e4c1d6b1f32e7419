/**
 * Loaded first by the entry point: when the framework this build is for is not installed, say
 * which entry point goes with which framework, instead of Node's bare "Cannot find module".
 * (The CDK Terrain build of this file requires `cdktn` and `@cdktn/provider-aws`.)
 */
try {
  require('cdktf');
  require('@cdktf/provider-aws/lib/lambda-invocation');
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
  throw new Error(
    `data-api-credentials: ${(error as Error).message.split('\n')[0]}. ` +
      "Import 'data-api-credentials' with CDK for Terraform (npm install cdktf @cdktf/provider-aws constructs), " +
      "or 'data-api-credentials/cdktn' with CDK Terrain (npm install cdktn @cdktn/provider-aws constructs).",
    { cause: error },
  );
}

export {};
