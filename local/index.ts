/**
 * The local AWS: moto for DynamoDB, Secrets Manager, IAM, STS, KMS and the Lambda control
 * plane, and a Lambda runner in front of moto's Lambda API that actually runs the functions.
 * Terraform, the SDK and the handlers reach it through the standard `AWS_ENDPOINT_URL*`
 * variables in `LocalAws.env`, with no code of their own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CallerRegistry, CallRecorder } from './call-recorder';
import { startFaultProxy } from './fault-proxy';
import { startLocalApiGateway } from './api-gateway';
import { resolveLambdaNode } from './lambda-node';
import { startLambdaRunner } from './lambda-runner';
import { startMoto } from './moto';
import { writeTerraformCliConfig } from './terraform-cli-config';

export { readEnvFile, writeEnvFile } from './env-file';
export { writeTerraformCliConfig } from './terraform-cli-config';
export {
  findLambdaNode,
  installLambdaNode,
  lambdaNodeCacheDir,
  resolveLambdaNode,
  LAMBDA_NODE_MAJOR,
  LAMBDA_NODE_PACKAGE,
  LAMBDA_NODE_VARIABLE,
  LAMBDA_NODE_VERSION,
  NO_INSTALL_NODE_VARIABLE,
  nodeInstallRefused,
} from './lambda-node';

export interface LocalAwsOptions {
  /** Kept after stop(); by default a fresh temporary folder that stop() removes. */
  readonly dataDir?: string;
  /** One line per Lambda invocation (name, type, duration, outcome); never payloads or results. */
  readonly log?: (line: string) => void;
  /** Invocations of one function the Lambda runner runs at once. @default DEFAULT_FUNCTION_CONCURRENCY */
  readonly functionConcurrency?: number;
  /**
   * Whether Node.js 22 for the functions is installed into the per-user cache when none is found
   * (linux x64 only), and where the one line saying so goes. @default { install: false }: a
   * missing Node.js 22 is a LocalAwsSetupError
   */
  readonly lambdaNode?: { readonly install: boolean; readonly log?: (line: string) => void };
}

/** Everything a process needs to use the local AWS: endpoints, region, credentials, Terraform config. */
export const LOCAL_AWS_ENV_NAMES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_LAMBDA',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  'TF_CLI_CONFIG_FILE',
  /** `LocalAws.lambdaLogDir`, for processes that only get the environment. */
  'LOCAL_AWS_LAMBDA_LOG_DIR',
  /** Base URL of the local API gateway serving the deployed HTTP API (see local/api-gateway.ts). */
  'DATA_API_URL',
  /** Where tests add fault rules for the functions' AWS calls (see local/fault-proxy.ts). */
  'LOCAL_AWS_FAULTS_URL',
  /** The JSON-lines record of the functions' AWS calls and of every policy change (see local/call-recorder.ts). */
  'LOCAL_AWS_CALL_LOG',
] as const;
export type LocalAwsEnv = Readonly<Record<(typeof LOCAL_AWS_ENV_NAMES)[number], string>>;

export interface LocalAws {
  readonly env: LocalAwsEnv;
  /** moto's pid and the live Lambda worker pids (the runner itself is this process). */
  readonly pids: number[];
  readonly dataDir: string;
  /** One `<function name>.log` per function, with everything it printed. */
  readonly lambdaLogDir: string;
  stop(): Promise<void>;
}

/** A setup problem the user fixes (a missing tool): its message is one line meant for them. */
export class LocalAwsSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalAwsSetupError';
    // Where it was thrown says nothing to someone who has to install a tool: runners that print
    // the stack (jest's global setup) then print just the line.
    this.stack = `${this.name}: ${message}`;
  }
}

export const LOCAL_AWS_REGION = 'us-east-1';

/**
 * Variables to remove wherever `LocalAws.env` is applied: with AWS_PROFILE set the SDK ignores
 * the static test credentials and resolves the developer's real profile.
 */
export const CONFLICTING_VARIABLES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN'] as const;

const REQUIRED_TOOLS = {
  moto_server: "install it with  pip install 'moto[server]'",
  terraform: 'install Terraform 1.11+ from https://developer.hashicorp.com/terraform/install',
} as const;

function findOnPath(command: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Resolves `moto_server`, `terraform` and the functions' Node.js 22 (installing Node.js 22 first
 * when `lambdaNodeOptions.install` says so), or throws a LocalAwsSetupError saying how to install the
 * first missing one.
 */
export function checkLocalAwsTools(
  lambdaNodeOptions: NonNullable<LocalAwsOptions['lambdaNode']> = { install: false },
): { motoServer: string; terraform: string; lambdaNode: string } {
  const found: Record<string, string> = {};
  for (const [tool, hint] of Object.entries(REQUIRED_TOOLS)) {
    const location = findOnPath(tool, process.env.PATH ?? '');
    if (!location) throw new LocalAwsSetupError(`${tool} not found on PATH: ${hint}`);
    found[tool] = location;
  }
  const lambdaNode = resolveLambdaNode(lambdaNodeOptions);
  if ('problem' in lambdaNode) throw new LocalAwsSetupError(lambdaNode.problem);
  return { motoServer: found.moto_server, terraform: found.terraform, lambdaNode: lambdaNode.path };
}

/**
 * Starts moto and the Lambda runner on free 127.0.0.1 ports. Throws LocalAwsSetupError when a
 * tool is missing; if anything fails midway, what had started is stopped again.
 */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const tools = checkLocalAwsTools(options.lambdaNode);
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = path.resolve(options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'data-api-credentials-')));
  fs.mkdirSync(dataDir, { recursive: true });
  const lambdaLogDir = path.join(dataDir, 'lambda-logs');
  const credentials = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  const quietSdk = { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

  const started: { stop(): Promise<void> }[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const part of started.reverse()) await part.stop();
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    })());
  try {
    // moto is Python: it needs the host's PATH and pyenv/virtualenv variables as they are.
    const moto = await startMoto({ command: tools.motoServer, logFile: path.join(dataDir, 'moto.log'), env: process.env });
    started.push(moto);
    // The functions reach moto through the fault proxy, which forwards untouched unless a test asked for a fault.
    let crashWorker = async (_functionName: string, _eventContains: string): Promise<void> => undefined;
    const callers = new CallerRegistry();
    const recorder = new CallRecorder(path.join(dataDir, 'aws-calls.jsonl'), callers);
    const faults = await startFaultProxy({ targetUrl: moto.url, crash: (name, eventContains) => crashWorker(name, eventContains), callers, recorder });
    started.push(faults);
    const runner = await startLambdaRunner({
      motoUrl: moto.url,
      dataDir,
      logDir: lambdaLogDir,
      defaultRegion: LOCAL_AWS_REGION,
      // Handlers call moto (through the fault proxy) directly: only Invoke needs the runner.
      sandboxEnv: { ...credentials, ...quietSdk, AWS_ENDPOINT_URL: faults.url },
      log: options.log ?? (() => undefined),
      nodePath: tools.lambdaNode,
      callers,
      recorder,
      ...(options.functionConcurrency === undefined ? {} : { functionConcurrency: options.functionConcurrency }),
    });
    started.push(runner);
    const gateway = await startLocalApiGateway({
      motoUrl: moto.url,
      lambdaUrl: runner.url,
      region: LOCAL_AWS_REGION,
      log: options.log ?? (() => undefined),
    });
    started.push(gateway);
    crashWorker = (name, eventContains) => runner.crash(name, eventContains);
    const env: LocalAwsEnv = {
      // Through the proxy, which records policy changes: IAM is evaluated against what Terraform applied.
      AWS_ENDPOINT_URL: faults.url,
      AWS_ENDPOINT_URL_LAMBDA: runner.url,
      AWS_REGION: LOCAL_AWS_REGION,
      AWS_DEFAULT_REGION: LOCAL_AWS_REGION,
      ...credentials,
      ...quietSdk,
      TF_CLI_CONFIG_FILE: writeTerraformCliConfig(dataDir),
      LOCAL_AWS_LAMBDA_LOG_DIR: lambdaLogDir,
      DATA_API_URL: gateway.url,
      LOCAL_AWS_FAULTS_URL: faults.controlUrl,
      LOCAL_AWS_CALL_LOG: recorder.file,
    };
    return {
      env,
      get pids() {
        return [moto.pid, ...runner.pids()];
      },
      dataDir,
      lambdaLogDir,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
