// Jest in ESM mode (run with NODE_OPTIONS=--experimental-vm-modules), TypeScript via ts-jest.
// Type checking is tsc's job (npm run typecheck); here ts-jest only transpiles.
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
};
const moduleNameMapper = {
  '^@switchyard/kit$': '<rootDir>/packages/kit/src/index.ts',
  '^@switchyard/kit/actions$': '<rootDir>/packages/kit/src/actions-io.ts',
  '^@switchyard/kit/yaml$': '<rootDir>/packages/kit/src/yaml.ts',
  '^@switchyard/kit/log-line$': '<rootDir>/packages/kit/src/log-line.ts',
  '^@switchyard/kit/terminal$': '<rootDir>/packages/kit/src/terminal.ts',
  '^@switchyard/probe$': '<rootDir>/packages/probe/src/index.ts',
  '^@switchyard/image$': '<rootDir>/packages/image/src/index.ts',
  '^@switchyard/config$': '<rootDir>/packages/config/src/index.ts',
  '^@switchyard/targets$': '<rootDir>/packages/targets/src/index.ts',
  '^@switchyard/targets/overview$': '<rootDir>/packages/targets/src/overview.ts',
  '^@switchyard/targets/release$': '<rootDir>/packages/targets/src/release.ts',
  '^@switchyard/targets/docker$': '<rootDir>/packages/targets/src/docker/index.ts',
  '^@switchyard/metrics$': '<rootDir>/packages/metrics/src/index.ts',
  '^@switchyard/quality$': '<rootDir>/packages/quality/src/index.ts',
  '^@switchyard/github$': '<rootDir>/packages/github/src/index.ts',
  '^@switchyard/github/config$': '<rootDir>/packages/github/src/environments-config.ts',
  '^@switchyard/notify$': '<rootDir>/packages/notify/src/index.ts',
  '^@switchyard/notify/config$': '<rootDir>/packages/notify/src/config.ts',
  '^@switchyard/calendar$': '<rootDir>/packages/calendar/src/index.ts',
  '^@switchyard/announce$': '<rootDir>/packages/announce/src/index.ts',
  '^@switchyard/calendar/config$': '<rootDir>/packages/calendar/src/config.ts',
  '^@switchyard/calendar/types$': '<rootDir>/packages/calendar/src/types.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/packages/*/test/**/*.test.ts',
        '<rootDir>/actions/*/test/**/*.test.ts',
        '<rootDir>/cli/test/**/*.test.ts',
        '<rootDir>/bench/test/**/*.test.ts',
        '<rootDir>/examples/*/test/**/*.test.ts',
        '<rootDir>/test/unit/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      // The per-test timeout is a global option: test:integration and scripts/test-all pass it.
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/'],
    },
  ],
};
