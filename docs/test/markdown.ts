/**
 * Reads the code blocks out of the Markdown pages under docs/ (not a test file itself). The conventions
 * are described in docs/README.md, "Examples are tested".
 */
import fs from 'node:fs';
import path from 'node:path';

/** A fenced ```ts block that is a complete example (not marked `fragment`). */
export interface Example {
  /** The page, relative to the repository root, with forward slashes: `docs/operators/scan.md`. */
  readonly page: string;
  /** 1-based line of the first line of code (the line after the opening fence). */
  readonly line: number;
  readonly code: string;
  /** The page's ```text block introduced by a line starting with "Output", right after the example. */
  readonly output: string | undefined;
}

interface Fence {
  readonly info: string;
  readonly openLine: number;
  readonly closeLine: number;
  readonly body: string[];
}

/** Folders under docs/ that hold no pages: the example test itself and generated output. */
const notPages = new Set(['test', 'api', 'node_modules']);

/** Every Markdown page under `docsDir`, sorted, as paths relative to `root`. */
export function markdownPages(root: string, docsDir: string): string[] {
  const pages: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (dir === docsDir && notPages.has(entry.name)) continue;
        walk(full);
      } else if (entry.name.endsWith('.md')) {
        pages.push(path.relative(root, full).split(path.sep).join('/'));
      }
    }
  };
  walk(docsDir);
  return pages.sort();
}

/** Every file and folder under `dir`, relative to it, except generated ones (for the case-clash check). */
export function allEntries(dir: string): string[] {
  const found: string[] = [];
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      if (sub === '' && entry.name === 'api') continue; // TypeDoc's output, not committed
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      found.push(rel);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(rel);
    }
  };
  walk('');
  return found;
}

function fences(lines: readonly string[]): Fence[] {
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    // As in CommonMark: up to 3 spaces of indentation, and an info string without backticks (a line like
    // "```` ```ts ````" is inline code, not a fence); the closing fence is at least as long.
    const open = /^( {0,3})(`{3,})([^`]*)$/.exec(lines[i]!);
    if (open === null) continue;
    const [, indent = '', ticks = '```', info = ''] = open;
    const closes = (line: string): boolean => /^ {0,3}`{3,}\s*$/.test(line) && line.trim().length >= ticks.length;
    let j = i + 1;
    while (j < lines.length && !closes(lines[j]!)) j++;
    const body = lines.slice(i + 1, j).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
    found.push({ info: info.trim(), openLine: i + 1, closeLine: j + 1, body });
    i = j;
  }
  return found;
}

/** The words of an info string: "ts fragment" → ["ts", "fragment"]. */
const words = (info: string): string[] => info.split(/\s+/).filter((w) => w !== '');

export function examplesOf(root: string, page: string): Example[] {
  const lines = fs.readFileSync(path.join(root, page), 'utf8').split(/\r?\n/);
  const all = fences(lines);
  const examples: Example[] = [];
  all.forEach((fence, index) => {
    const [lang, ...flags] = words(fence.info);
    if (lang !== 'ts' || flags.includes('fragment')) return;
    const next = all[index + 1];
    let output: string | undefined;
    if (next !== undefined && words(next.info)[0] === 'text') {
      const between = lines.slice(fence.closeLine, next.openLine - 1).filter((l) => l.trim() !== '');
      if (between.length === 1 && /^Output\b/.test(between[0]!.trim())) output = next.body.join('\n');
    }
    examples.push({ page, line: fence.openLine + 1, code: fence.body.join('\n'), output });
  });
  return examples;
}
