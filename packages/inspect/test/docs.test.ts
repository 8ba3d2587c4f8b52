/**
 * The examples of docs/inspect.md run as written: every ```ts block that starts with an import is a
 * complete program. Its `console.log(...); // expected` lines (or the `// expected` lines right after
 * the call) must print what the comments say.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';

const docs = readFileSync(fileURLToPath(new URL('../../../docs/inspect.md', import.meta.url)), 'utf8');
const blocks = [...docs.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => code.startsWith('import ') && code.includes('console.log'));
const scratch = mkdtempSync(join(tmpdir(), 'tributary-inspect-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What each `console.log` must print: the comment on its line, or the comment lines right after it. */
function expectedOutput(code: string): string[] {
  const lines = code.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!line.includes('console.log(')) return;
    const inline = / \/\/ (.*)$/.exec(line);
    if (inline !== null) {
      out.push(inline[1]!);
      return;
    }
    const following: string[] = [];
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('// '); j++) following.push(lines[j]!.slice(3));
    out.push(following.join('\n'));
  });
  return out;
}

describe('docs/inspect.md examples', () => {
  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  blocks.forEach((code, i) => {
    it(`runs example ${i + 1}`, async () => {
      const printed: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(format(...args)));
      try {
        const file = join(scratch, `example${i + 1}.ts`);
        writeFileSync(file, `${code}\nexport {};\n`);
        await import(/* @vite-ignore */ file);
      } finally {
        spy.mockRestore();
      }
      expect(printed).toEqual(expectedOutput(code));
    });
  });
});
