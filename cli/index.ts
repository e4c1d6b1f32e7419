/**
 * The `data-api-credentials` command. Each subcommand lives in its own file and exports a
 * function that registers it on the program: adding one is that file plus one line below.
 */
import { Command } from 'commander';
import { CredentialError } from '../handlers/errors';
import { LocalAwsSetupError } from '../local';
import { awsErrorName, isAwsError } from '../handlers/runtime/aws';
import { registerDriftCommand } from './drift';
import { registerListCommand } from './list';
import { registerLocalCommand } from './local';
import { registerReviewCommand } from './review';
import { registerRevokeUndeclaredCommand } from './revoke-undeclared';

const COMMANDS: ((program: Command) => void)[] = [
  registerLocalCommand,
  registerReviewCommand,
  registerDriftCommand,
  registerListCommand,
  registerRevokeUndeclaredCommand,
];

export function buildProgram(): Command {
  const program = new Command('data-api-credentials').description(
    'Data API credentials declared as code: tools around the cdktf and CDK Terrain constructs',
  );
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI; problems the user can fix print as one line, anything else with its stack. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (err) {
    const expected = err instanceof LocalAwsSetupError || err instanceof CredentialError;
    // An AWS service error (no table, access denied) is the user's to fix, as are unreachable endpoints.
    const aws = !expected && isAwsError(err);
    console.error(expected ? `error: ${err.message}` : aws ? `error: AWS ${awsErrorName(err) ?? 'request'} failed: ${(err as Error).message}` : err);
    process.exitCode = 1;
  }
}
