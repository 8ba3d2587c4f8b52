/**
 * The built packages work as an application would use them: plain Node (no TypeScript loader, no test
 * runner) imports `@tributary/worker` and `@tributary/core` from their dist folders; the worker
 * threads run the built runtime and import `@tributary/core` the normal way. Needs `tsc -b` to have
 * run (npm test does it); fails loudly if the build is missing.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('the built packages', () => {
  it('run a WorkerFlow from plain Node, with a JavaScript flow module', async () => {
    expect(existsSync(dist), `${dist} is missing: build the packages first (npx tsc -b tsconfig.build.json)`).toBe(true);
    const { stdout } = await run(process.execPath, [fileURLToPath(new URL('./fixtures/built/main.mjs', import.meta.url))], { timeout: 60_000 });
    expect(JSON.parse(stdout.trim())).toEqual({ count: 10_000, first: [2, 4, 6], last: 20_000, ordered: true, threadsLeft: 0 });
  }, 90_000);
});
