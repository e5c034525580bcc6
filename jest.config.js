// Tests assert on behaviour, not on log lines; keep the output readable.
process.env.SIIRTO_LOG_LEVEL ??= 'silent';

// got 14 and much of its dependency tree are ESM-only; jest on Node 20 cannot require ESM,
// so swc transforms them to CommonJS along with our TypeScript (docs/design.md §10).
const esmPackages = [
  'got', '@sindresorhus', '@szmarczak', '@keyv', '@sec-ant', 'keyv', 'cacheable-request', 'cacheable-lookup',
  'decompress-response', 'form-data-encoder', 'http2-wrapper', 'lowercase-keys', 'mimic-response', 'normalize-url',
  'p-cancelable', 'responselike', 'type-fest', 'get-stream', 'is-stream', 'byte-counter', 'chunk-data',
  'uint8array-extras', 'quick-lru',
  // fastify's inject() (light-my-request) pulls in the ESM-only cookie package.
  'cookie',
  // @fastify/cookie (the console's session cookie) loads cookie with import(): transformed, it becomes a require.
  '@fastify/cookie',
  // jose 6 (the codec endpoint's access-token check) is ESM-only too.
  'jose',
];
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`node_modules/(?!(${esmPackages.join('|')})/)`],
  modulePathIgnorePatterns: ['<rootDir>/dist'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/record-setup.ts'],
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
