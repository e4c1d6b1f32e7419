/**
 * The local AWS that test/support/global-setup.ts started for this jest run, as tests see it:
 * through process.env, which jest workers inherit from the process that ran the global setup.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCAL_AWS_ENV_NAMES, type LocalAwsEnv } from '../../local';

/** The local AWS environment; throws if the jest global setup did not start it. */
export function localAwsEnv(): LocalAwsEnv {
  const missing = LOCAL_AWS_ENV_NAMES.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `the local AWS is not running (missing ${missing.join(', ')}): run the tests with jest and ` +
        'jest.config.js, whose globalSetup test/support/global-setup.ts starts it',
    );
  }
  return Object.fromEntries(LOCAL_AWS_ENV_NAMES.map((name) => [name, process.env[name] as string])) as LocalAwsEnv;
}

/** The folder holding one `<function name>.log` per Lambda function, with everything it printed. */
export function lambdaLogDir(): string {
  return localAwsEnv().LOCAL_AWS_LAMBDA_LOG_DIR;
}

/** Everything a function printed so far ('' if it never ran). */
export function lambdaLog(functionName: string): string {
  const file = path.join(lambdaLogDir(), `${functionName}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}
