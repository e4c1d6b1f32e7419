import { App, TerraformStack } from 'cdktf';
import { join } from 'node:path';

/**
 * Synthesizes one stack into `outdir` and returns its Terraform working directory. Re-synthesizing
 * into the same outdir keeps `.terraform/`, so `terraform init` is needed once.
 */
export function synthStack(outdir: string, build: (app: App) => TerraformStack): string {
  const app = new App({ outdir, skipValidation: false });
  const stack = build(app);
  app.synth();
  return join(outdir, 'stacks', stack.node.id);
}
