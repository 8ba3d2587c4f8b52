/**
 * Runs a docs page's examples as tests: every ```ts block that starts with an import (after optional
 * title comment lines) is a complete program, written to a scratch file and imported. What each
 * `console.log(...)` prints must be what the comment says: the ` // …` at the end of its line, or the
 * `// …` lines right after it (one printed string, lines joined with newlines).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';

export interface DocsExamplesOptions {
  /** The page, relative to the repository's docs/ folder (e.g. `'http.md'`). */
  readonly page: string;
  /** At least this many runnable examples (so that a docs edit cannot silently drop them all). */
  readonly atLeast: number;
  /** Run only the examples that print something (the others may run forever, e.g. a server). */
  readonly onlyThosePrinting?: boolean;
  /** Runs around each example: `before` returns a token `after` checks (e.g. a leak check). */
  readonly around?: { before(): unknown; after(token: unknown): Promise<void> };
}

const docsDir = fileURLToPath(new URL('../docs/', import.meta.url));

/** The complete programs of a docs page. */
export function runnableExamples(page: string): string[] {
  const docs = readFileSync(join(docsDir, page), 'utf8');
  return [...docs.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => /^(\/\/[^\n]*\n)*import /.test(code));
}

/** What each `console.log` of `code` must print: the comment on its line, or the comment lines right after it. */
export function expectedOutput(code: string): string[] {
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

/** Declares the `describe` block that runs the examples of `options.page`. */
export function describeDocsExamples(options: DocsExamplesOptions): void {
  const all = runnableExamples(options.page);
  const blocks = options.onlyThosePrinting === true ? all.filter((code) => code.includes('console.log')) : all;
  const scratch = mkdtempSync(join(tmpdir(), `tributary-docs-${options.page.replace(/\W/g, '-')}-`));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  describe(`docs/${options.page} examples`, () => {
    it('has runnable examples', () => {
      expect(blocks.length).toBeGreaterThanOrEqual(options.atLeast);
    });

    blocks.forEach((code, i) => {
      const title = code.split('\n').find((l) => l.startsWith('//'));
      it(`runs example ${i + 1}${title === undefined ? '' : ` (${title.replace(/^\/\/\s*/, '')})`}`, async () => {
        const token = options.around?.before();
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
        await options.around?.after(token);
      });
    });
  });
}
