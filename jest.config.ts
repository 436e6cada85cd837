import type { Config } from 'jest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// One swc transform for TypeScript and for the ESM-only dependencies (NestJS 12 and many of its
// dependencies), which Jest on Node 20 cannot load untransformed.
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc.jest.json`, 'utf8'));

/** Names of the installed packages that declare `"type": "module"`, found rather than listed. */
function esmPackages(dir: string, found = new Set<string>()): Set<string> {
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (name.startsWith('@')) {
      esmPackages(path, found);
      continue;
    }
    try {
      const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { name?: string; type?: string };
      if (pkg.type === 'module' && pkg.name) found.add(pkg.name);
    } catch {
      // not a package
    }
    esmPackages(join(path, 'node_modules'), found);
  }
  return found;
}

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const esmOnly = [...esmPackages(join(__dirname, 'node_modules'))].map(escape);

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swc, swcrc: false }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper: { '^@app/([a-z-]+)(/.*)?$': '<rootDir>/libs/$1/src$2' },
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
  reporters: ['default', '<rootDir>/tools/jest-summary-reporter.cjs'],
};

export default config;
