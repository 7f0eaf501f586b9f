/** Unit tests live beside the code (`*.spec.ts`); e2e tests live in e2e/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/e2e', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleNameMapper: { '^@org/atmos$': '<rootDir>/packages/atmos/src/index.ts' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/__fixtures__/'],
};
