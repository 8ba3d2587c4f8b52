import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { curl } from './realClients.js';

/** The built program behind `npm start` (`npm test` builds it first; so does `node scripts/setup.mjs`). */
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Program {
  readonly lines: string[];
  readonly stderr: () => string;
  readonly exit: Promise<number | null>;
  readonly kill: (signal: NodeJS.Signals) => void;
  /** Resolves with the first stdout line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
}

function startProgram(args: readonly string[]): Program {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the workspace first (node scripts/setup.mjs)`);
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let pending = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        const m = line.match(w.pattern);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    lines,
    stderr: () => stderr,
    exit,
    kill: (signal) => child.kill(signal),
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const seen = lines.map((l) => l.match(pattern)).find((m) => m !== null);
        if (seen) return resolve(seen);
        waiters.push({ pattern, resolve });
        void exit.then((code) => reject(new Error(`the program exited (${code}) before printing ${pattern}:\n${lines.join('\n')}\n${stderr}`)));
      }),
  };
}

describe('the model-serving program (dist/main.js, what `npm start` runs)', () => {
  it('runs the embedded default to the end: progress, the summary with "scored", exit 0, the endpoints gone', async () => {
    const program = startProgram(['--records', '3000', '--rate', '2500', '--port', '0']);
    const [, port] = await program.waitFor(/^endpoints: GET http:\/\/127\.0\.0\.1:(\d+)\/state/);
    expect((await curl([`http://127.0.0.1:${port}/state`])).status).toBe(200);
    expect(await program.exit).toBe(0);
    const out = program.lines.join('\n');
    expect(out).toMatch(/^\[\d+\.\d s\] [\d,]+ scored · 0 unscored · [\d,]+ records\/s · /m);
    expect(out).toMatch(/^basic-logistic +1 +logistic-regression +1,000 /m);
    expect(out).toMatch(/^boosted-trees +1 +tree-ensemble +1,000 /m);
    expect(out).toContain('3,000 records out in');
    expect(out).toContain('3,000 scored, 0 unscored, 0 bad records skipped; models: 3 accepted, 0 rejected');
    expect(program.stderr()).toBe('');
    await expect(curl(['--max-time', '5', `http://127.0.0.1:${port}/state`])).rejects.toThrow(/failed/);
  }, 60_000);

  it('--serve keeps serving until SIGTERM, then drains, prints the summary and exits 0 by itself (no handle left)', async () => {
    const program = startProgram(['--serve', '--records', '300', '--rate', '2000', '--port', '0']);
    const [, port] = await program.waitFor(/^endpoints: GET http:\/\/127\.0\.0\.1:(\d+)\/state/);
    // Past --records and still serving.
    await program.waitFor(/^\[\d+\.\d s\] (?:[1-9]\d{3}|\d{1,3},\d{3}) scored/);
    const state = JSON.parse((await curl([`http://127.0.0.1:${port}/state`])).body) as { stats: { scored: number }; current: { name: string } };
    expect(state.stats.scored).toBeGreaterThan(300);
    expect(state.current.name).toBe('boosted-trees');
    program.kill('SIGTERM');
    expect(await program.exit).toBe(0);
    const out = program.lines.join('\n');
    expect(out).toContain('stopping: draining in-flight records…');
    expect(out).toMatch(/records out in .*: [\d,]+ scored, 0 unscored/);
    await expect(curl(['--max-time', '5', `http://127.0.0.1:${port}/state`])).rejects.toThrow(/failed/);
  }, 60_000);
});
