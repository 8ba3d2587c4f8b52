/** Child-process tests run the connector's dist (plain Node, no TypeScript loader): it must be current. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Throws unless every `src/**.ts` has a `dist/**.js` at least as new (tsc -b rewrites only what changed). */
export function requireFreshBuild(): void {
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(path.join(PKG, 'src', dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const js = path.join(PKG, 'dist', rel.replace(/\.ts$/, '.js'));
        let built = 0;
        try {
          built = statSync(js).mtimeMs;
        } catch {
          // missing
        }
        if (built < statSync(path.join(PKG, 'src', rel)).mtimeMs) stale.push(rel);
      }
    }
  };
  walk('');
  if (stale.length > 0) {
    throw new Error(`this test runs child processes on packages/connectors/kafka/dist, which is older than src (${stale.slice(0, 3).join(', ')}…): run \`npm run build\` first`);
  }
}
