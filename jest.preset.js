// One Jest configuration for every project: TypeScript transpiled file by file by ts-jest
// (type-checking is the separate `typecheck` target), Node environment.
module.exports = {
  testEnvironment: 'node',
  transform: {
    // The tsconfig's isolatedModules makes ts-jest transpile each file alone, without type-checking.
    '^.+\\.ts$': 'ts-jest',
  },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/', '/dist/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  reporters: ['default', require.resolve('./tools/ci/jest-results-reporter.js')],
};
