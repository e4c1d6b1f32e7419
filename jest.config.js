/**
 * Two projects, one run: `unit` needs no local AWS (no moto; one test plans with the real
 * `terraform` offline, test/unit/terraform-module-parity.test.ts), and
 * `local-aws` (integration and e2e) starts the local AWS once in its global setup. `npm test` runs
 * both; `npx jest --selectProjects unit` runs the unit tests alone, in seconds.
 */
const shared = {
  testEnvironment: 'node',
  testTimeout: 60_000,
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
};

module.exports = {
  testTimeout: 60_000,
  maxWorkers: 2,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/test/unit'],
      testMatch: ['**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'local-aws',
      roots: ['<rootDir>/test/integration', '<rootDir>/test/e2e'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
