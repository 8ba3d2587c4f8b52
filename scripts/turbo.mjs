// Runs the workspace's turbo (node_modules/.bin/turbo) with what this repository wants of it, whoever calls it:
// no telemetry, no update check, and no remote cache (turbo.json), so it never needs the network.
// Usage: node scripts/turbo.mjs run build typecheck …  (the root scripts `build`, `typecheck`, `lint` use it)
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'node_modules', '.bin');
const turbo = join(bin, process.platform === 'win32' ? 'turbo.cmd' : 'turbo');
// turbo runs each package's script with the package manager of package.json's `packageManager`: the pinned
// pnpm is a devDependency, so it is found in node_modules/.bin even where pnpm is not installed.
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' };
const result = spawnSync(turbo, process.argv.slice(2), { cwd: root, stdio: 'inherit', env });
if (result.error) {
  console.error(`[turbo] could not run ${turbo} (${result.error.message}); run \`node scripts/setup.mjs\` to install it`);
  process.exit(1);
}
process.exit(result.status ?? 1);
