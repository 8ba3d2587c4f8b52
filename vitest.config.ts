import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The Kafka connector's tests run against a real broker, started once by their own global setup; they are
// a project of their own so that the broker is started only when they run. So are the model-serving
// example's Kafka-mode tests (examples/model-serving/test/kafka*.test.ts).
const kafkaTests = '{packages/connectors/kafka/test/**/*.test.ts,examples/model-serving/test/kafka*.test.ts}';

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
      { find: /^@tributary\/file$/, replacement: src('./packages/connectors/file/src/index.ts') },
      { find: /^@tributary\/http$/, replacement: src('./packages/connectors/http/src/index.ts') },
      { find: /^@tributary\/ws$/, replacement: src('./packages/connectors/ws/src/index.ts') },
      { find: /^@tributary\/worker$/, replacement: src('./packages/worker/src/index.ts') },
      { find: /^@tributary\/inspect$/, replacement: src('./packages/inspect/src/index.ts') },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Both projects inherit everything above (aliases, timeouts, pool); they differ only as stated.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'packages/connectors/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'docs/test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, kafkaTests],
        },
      },
      {
        extends: true,
        test: {
          name: 'kafka',
          include: [kafkaTests],
          globalSetup: ['packages/connectors/kafka/test/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Fault tests kill and restart brokers: the files run one after another, in one worker.
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
