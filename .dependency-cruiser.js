/**
 * Which folder may import which (`npm run lint:imports`, part of `npm test`). The layers:
 * - handlers/contract/ is what the constructs and the Lambdas agree on: pure, it imports only
 *   itself and handlers/errors.ts, and no package;
 * - handlers/runtime/ (the Lambdas' kit) and handlers/lifecycle/ (the record, its states, the one
 *   writer of records, the drift assessment) and handlers/store/ (the AWS stores) never import the
 *   Lambda entry points (handlers/credential-provider/, handlers/verifier/);
 * - handlers/lifecycle/ declares the credential record and the ports (a table of records, a store
 *   of secret values, the hash key) that handlers/store/ implements: the store imports the
 *   lifecycle, the lifecycle never imports the store;
 * - handlers/ as a whole imports only itself (and its npm packages): it is bundled on its own;
 * - lib/ and providers/ (the constructs) import each other and, of handlers/, only the contract,
 *   the errors and the secret formats; never the CLI, the local AWS, scripts or tests;
 * - of what ships, only lib/framework.ts (and its CDK Terrain twin, lib/framework.cdktn.ts) imports
 *   the framework (cdktf, cdktn, @cdktf/*, @cdktn/*): the CDK Terrain build swaps that one file;
 * - cli/ imports the contract, the lifecycle and the store of handlers/, never a Lambda entry point
 *   or the constructs (it runs without cdktf or cdktn); only its `local` command imports the local
 *   AWS (local/'s terraform and process runners are shared tools);
 * - local/ (the local AWS) imports nothing of the project's;
 * - what the package ships (lib, providers, handlers, cli, local) imports no devDependency, but
 *   for the handler modules that exist only inside the Lambda bundles (BUNDLE_ONLY), which
 *   nothing shipped imports.
 * scripts/, examples/ and test/ may import anything.
 */
const SHIPPED = '^(lib|providers|handlers|cli|local)/';
/** Handler modules that use the bundled-only SDK packages (Lambda client, environment credentials). */
/** The one module of the constructs that imports the framework, and its CDK Terrain twin. */
const FRAMEWORK_MODULES = '^lib/framework(\\.cdktn)?\\.ts$';
const BUNDLE_ONLY = '^handlers/(lambda-credentials|store/lambda-records-backend|verifier/records-handler)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'contract-is-pure',
      comment: 'The contract is shared by synth-time and run-time code: it imports only itself and the errors.',
      severity: 'error',
      from: { path: '^handlers/contract/' },
      to: { pathNot: '^handlers/(contract/|errors\\.ts$)' },
    },
    {
      name: 'entry-points-on-top',
      comment: 'The kit, the lifecycle and the stores serve the Lambda entry points; never the other way round.',
      severity: 'error',
      from: { path: '^handlers/(contract|runtime|lifecycle|store)/' },
      to: { path: '^handlers/(credential-provider|verifier)/' },
    },
    {
      name: 'lifecycle-below-the-stores',
      comment:
        'The lifecycle declares the record and the ports (handlers/lifecycle/ports.ts) the stores implement: ' +
        'the stores import the lifecycle, never the other way round, so the two folders cannot form a cycle.',
      severity: 'error',
      from: { path: '^handlers/lifecycle/' },
      to: { path: '^handlers/store/' },
    },
    {
      name: 'constructs-use-only-the-contract',
      comment: 'The constructs share names, validation, formats and errors with the handlers, not their runtime code.',
      severity: 'error',
      from: { path: '^(lib|providers)/' },
      to: { path: '^handlers/', pathNot: '^handlers/(contract/|errors\\.ts$|secret-format\\.ts$)' },
    },
    {
      name: 'framework-behind-one-module',
      comment:
        'The CDK Terrain build compiles lib/framework.cdktn.ts in place of lib/framework.ts and changes nothing else: ' +
        'a framework import anywhere else would ship cdktf inside the CDK Terrain variant. Import it from lib/framework.',
      severity: 'error',
      from: { path: SHIPPED, pathNot: FRAMEWORK_MODULES },
      to: { path: '^node_modules/(cdktf|cdktn|@cdktf/|@cdktn/)' },
    },
    {
      name: 'cli-uses-no-lambda-entry-point',
      comment: 'The CLI reads and repairs through the contract, the lifecycle and the stores, not through a Lambda handler.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^handlers/(credential-provider|verifier)/' },
    },
    {
      name: 'handlers-are-runtime-only',
      comment: 'Lambda handlers are bundled on their own: they must not pull in constructs, the CLI or tooling.',
      severity: 'error',
      from: { path: '^handlers/' },
      to: { path: '^(lib|providers|cli|local|scripts|examples|test)/' },
    },
    {
      name: 'constructs-stay-constructs',
      comment: 'The constructs ship to cdktf and cdktn users: no CLI, local AWS, scripts or tests inside them.',
      severity: 'error',
      from: { path: '^(lib|providers)/' },
      to: { path: '^(cli|local|scripts|examples|test)/' },
    },
    {
      name: 'cli-without-constructs',
      comment: 'The CLI runs in projects with either framework (or none): it must not load the constructs.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^(lib|providers|scripts|examples|test)/' },
    },
    {
      name: 'only-the-local-command-starts-the-local-aws',
      severity: 'error',
      from: { path: '^cli/', pathNot: '^cli/(local|index)\\.ts$' },
      to: { path: '^local/', pathNot: '^local/(terraform|processes)\\.ts$' },
    },
    {
      name: 'local-aws-stands-alone',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^(lib|providers|handlers|cli|scripts|examples|test)/' },
    },
    {
      name: 'shipped-code-uses-no-dev-dependency',
      comment: 'A consumer installs only dependencies and peers: a devDependency here breaks at their runtime.',
      severity: 'error',
      from: { path: SHIPPED, pathNot: BUNDLE_ONLY },
      to: { dependencyTypes: ['npm-dev'], pathNot: '^node_modules/(cdktf|cdktn|constructs|@cdktf/provider-aws|@cdktn/provider-aws)/' },
    },
    {
      name: 'bundle-only-modules-stay-in-bundles',
      severity: 'error',
      from: { path: SHIPPED, pathNot: '^handlers/' },
      to: { path: BUNDLE_ONLY },
    },
    {
      name: 'no-unresolvable-imports',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.build)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    // Packages that publish only an `exports` map (`@cloud-copilot/iam-simulate`) resolve as Node.js does.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
  },
};
