// One set-up step shared by `npm start`, `npm test` and `npm run bench`:
// install the workspace with the pinned pnpm (through npx, not corepack) and build every package.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const { packageManager } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit', env: process.env });

run(`npx -y ${packageManager} install --reporter=silent`);
run('npx tsc -b tsconfig.build.json');
