// One set-up step shared by `npm start`, `npm test` and `npm run bench`:
// install the workspace with the pinned pnpm (through npx, not corepack) and build every package.
// Each step says in one line what it is doing, so a first run (which downloads packages) is not silent.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const { packageManager } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const say = (line) => process.stderr.write(`[setup] ${line}\n`);
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit', env: process.env });

say(`installing dependencies with ${packageManager} (the first run downloads them)…`);
run(`npx -y ${packageManager} install --reporter=silent`);
say('building the packages (tsc -b)…');
run('npx tsc -b tsconfig.build.json');
