import type { Config } from 'jest';
import { readFileSync } from 'node:fs';

// One swc transform for TypeScript and for the ESM-only dependencies (NestJS 12 and friends),
// which Jest on Node 20 cannot load untransformed.
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc.jest.json`, 'utf8'));
const esmOnly = ['@nestjs', '@fastify', 'fastify', 'nestjs-pino', 'find-my-way', 'light-my-request', 'uid', 'cookie'];

const moduleNameMapper = {
  '^@app/([a-z-]+)(/.*)?$': '<rootDir>/libs/$1/src$2',
};

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swc, swcrc: false }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};

const config: Config = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/*/test/**/*.e2e-spec.ts'],
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 60000,
};

export default config;
