import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, and every package sees the same single copy of core
    // (two copies would break instanceof checks across packages).
    alias: [
      { find: /^@tributary\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@tributary\/core\/stage$/, replacement: src('./packages/core/src/stage/index.ts') },
      { find: /^@tributary\/testkit$/, replacement: src('./packages/testkit/src/index.ts') },
      { find: /^@tributary\/rxjs$/, replacement: src('./packages/rxjs/src/index.ts') },
      { find: /^@tributary\/kafka$/, replacement: src('./packages/connectors/kafka/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/connectors/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
