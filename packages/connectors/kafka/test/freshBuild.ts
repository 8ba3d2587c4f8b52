/**
 * Child-process tests run the connector's dist (plain Node, no TypeScript loader): `requireFreshBuild`
 * brings it up to date with `tsc -b` (incremental: a fraction of a second when nothing changed), once
 * per test process, and fails loudly if that build fails.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let built = false;

export function requireFreshBuild(): void {
  if (built) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-b', path.join(PKG, 'tsconfig.json')], { stdio: 'pipe' });
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? String(e);
    throw new Error(`this test runs child processes on packages/connectors/kafka/dist, and building it failed:\n${out}`);
  }
  built = true;
}
