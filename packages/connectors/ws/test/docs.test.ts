/**
 * The examples of docs/ws.md run as written: every ```ts block that starts with imports (after an optional title comment) is a
 * complete program. Its `console.log(...); // expected` lines (or a `// expected` line right after the
 * call) must print what the comment says.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { activeResources, expectNoLeaks } from './helpers.js';

const docs = readFileSync(fileURLToPath(new URL('../../../../docs/ws.md', import.meta.url)), 'utf8');
const blocks = [...docs.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => /^(\/\/[^\n]*\n)*import /.test(code));
const scratch = mkdtempSync(join(tmpdir(), 'tributary-ws-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('docs/ws.md examples', () => {
  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  blocks.forEach((code, i) => {
    const title = code.split('\n').find((l) => l.startsWith('//')) ?? `example ${i + 1}`;
    it(`runs example ${i + 1} (${title.replace(/^\/\/\s*/, '')})`, async () => {
      const before = activeResources();
      // The expected output follows the call on its line, or on the next line when the call is long.
      const expected = [...code.matchAll(/console\.log\(.*\);(?: \/\/ (.*)$|\n\/\/ (.*)$)/gm)].map((m) => (m[1] ?? m[2])!);
      const printed: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(format(...args)));
      try {
        const file = join(scratch, `example${i + 1}.ts`);
        writeFileSync(file, `${code}\nexport {};\n`);
        await import(/* @vite-ignore */ file);
      } finally {
        spy.mockRestore();
      }
      expect(printed).toEqual(expected);
      await expectNoLeaks(before);
    });
  });
});
