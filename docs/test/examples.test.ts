/**
 * The docs' examples are code that runs. Every fenced ```ts block under docs/ that is not marked
 * `fragment` is type-checked under the strict test configuration (one `tsc` run over all of them), and
 * every example followed by an "Output:" ```text block is run and must print exactly that. The
 * conventions are described in docs/README.md, "Examples are tested".
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { describe, expect, it } from 'vitest';
import { allEntries, type Example, examplesOf, markdownPages } from './markdown.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docsDir = path.join(root, 'docs');
/**
 * Inside the repository (git-ignored), so that the examples resolve their imports like the tests do. It is
 * kept between runs: unchanged examples are not rewritten, and tsc's incremental build info makes the next
 * type-check faster.
 */
const workDir = path.join(root, '.doc-examples');

const examples = markdownPages(root, docsDir).flatMap((page) => examplesOf(root, page));
const where = (example: Example): string => `${example.page}:${example.line}`;
const fileOf = (example: Example): string => path.join(workDir, `${example.page.replace(/^docs\//, '').replace(/[^A-Za-z0-9]+/g, '_')}_L${example.line}.ts`);

/** Writes the examples as modules (same line numbers as on the page) and the tsconfig that checks them. */
function writeExamples(): void {
  fs.mkdirSync(workDir, { recursive: true });
  const wanted = new Set(examples.map(fileOf));
  for (const name of fs.readdirSync(workDir)) {
    const full = path.join(workDir, name);
    if (name.endsWith('.ts') && !wanted.has(full)) fs.rmSync(full);
  }
  for (const example of examples) {
    // `export {}` makes a block without imports a module too, so that blocks never share a scope.
    const text = `${example.code}\nexport {};\n`;
    const file = fileOf(example);
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
  }
  fs.writeFileSync(path.join(workDir, 'package.json'), '{ "type": "module" }\n');
  // The `paths` of the test configuration, so that examples see the same sources as the tests.
  const testConfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.test.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  const paths = Object.fromEntries(
    Object.entries(testConfig.compilerOptions.paths).map(([name, targets]) => [name, targets.map((t) => path.resolve(root, t))]),
  );
  const config = {
    extends: path.join(root, 'tsconfig.base.json'),
    compilerOptions: {
      noEmit: true,
      composite: false,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      incremental: true,
      tsBuildInfoFile: './tsconfig.tsbuildinfo',
      // An example may import names only to show where they come from, and declare what it does not use.
      noUnusedLocals: false,
      noUnusedParameters: false,
      paths,
    },
    files: examples.map((example) => path.basename(fileOf(example))),
  };
  fs.writeFileSync(path.join(workDir, 'tsconfig.json'), `${JSON.stringify(config, null, 2)}\n`);
}

writeExamples();

/** Runs `tsc` once and returns its diagnostics, each mapped back to the page and line it came from. */
function typeCheck(): string[] {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  let out: string;
  try {
    out = execFileSync(process.execPath, [tsc, '-p', path.join(workDir, 'tsconfig.json'), '--pretty', 'false'], {
      cwd: workDir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    out = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
  const byFile = new Map(examples.map((example) => [fileOf(example), example]));
  const messages: string[] = [];
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue;
    const diagnostic = /^(.*?)\((\d+),(\d+)\): (error .*)$/.exec(line);
    if (diagnostic === null) {
      // A continuation of the previous message (an elaboration), or a message without a location.
      if (/^\s/.test(line) && messages.length > 0) messages[messages.length - 1] += `\n${line}`;
      else messages.push(line);
      continue;
    }
    const [, file = '', row = '0', column = '0', text = ''] = diagnostic;
    const example = byFile.get(path.resolve(workDir, file));
    if (example === undefined) messages.push(line);
    else messages.push(`${example.page}:${example.line + Number(row) - 1}:${column} ${text}`);
  }
  return messages;
}

/** What `console.log`/`info`/`debug` and `process.stdout.write` print while `run` runs, and what goes to stderr. */
async function capture(run: () => Promise<unknown>): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error, write: process.stdout.write };
  // As in Node: log, info and debug go to stdout, warn and error to stderr.
  console.log = console.info = console.debug = (...args: unknown[]) => void (stdout += `${format(...args)}\n`);
  console.warn = console.error = (...args: unknown[]) => void (stderr += `${format(...args)}\n`);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
    // Output written by callbacks of the last element (for instance a piped stream) lands one turn later.
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  } finally {
    Object.assign(console, { log: saved.log, info: saved.info, debug: saved.debug, warn: saved.warn, error: saved.error });
    process.stdout.write = saved.write;
  }
  return { stdout, stderr };
}

/** Trailing spaces and trailing blank lines are not part of what a page shows. */
const normalize = (text: string): string =>
  text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trimEnd();

describe('docs', () => {
  it('has no two files whose names differ only in case (one of them would be lost on macOS and Windows)', () => {
    const byLowerCase = new Map<string, string[]>();
    for (const entry of allEntries(docsDir)) {
      const key = entry.toLowerCase();
      byLowerCase.set(key, [...(byLowerCase.get(key) ?? []), entry]);
    }
    const clashes = [...byLowerCase.values()].filter((names) => names.length > 1).map((names) => names.join(' / '));
    expect(clashes.length, `files in docs/ whose names differ only in case:\n${clashes.join('\n')}`).toBe(0);
  });

  it('links only to files that exist (with the exact case of their names)', () => {
    const broken: string[] = [];
    for (const page of markdownPages(root, docsDir)) {
      const lines = fs.readFileSync(path.join(root, page), 'utf8').split('\n');
      lines.forEach((text, index) => {
        for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
          if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
          const file = path.resolve(path.dirname(path.join(root, page)), decodeURIComponent(target.replace(/#.*$/, '')));
          const dir = path.dirname(file);
          if (!fs.existsSync(dir) || !fs.readdirSync(dir).includes(path.basename(file))) broken.push(`${page}:${index + 1} ${target}`);
        }
      });
    }
    expect(broken.length, `links to files that do not exist:\n${broken.join('\n')}`).toBe(0);
  });

  it('lists every operator page in the A–Z index (docs/operators/index.md)', () => {
    const operators = path.join(docsDir, 'operators');
    const index = fs.readFileSync(path.join(operators, 'index.md'), 'utf8');
    const linked = new Set([...index.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map(([, target]) => target));
    const missing = fs.readdirSync(operators).filter((page) => page.endsWith('.md') && page !== 'index.md' && !linked.has(page));
    expect(missing.length, `operator pages missing from docs/operators/index.md:\n${missing.join('\n')}`).toBe(0);
  });

  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThan(100);
    expect(examples.filter((example) => example.output !== undefined).length).toBeGreaterThan(100);
  });

  it('every ```ts example type-checks under the strict configuration', () => {
    const errors = typeCheck();
    expect(errors.length, `examples that do not type-check (mark a block that is not a whole example \`\`\`ts fragment):\n${errors.join('\n')}`).toBe(0);
  }, 180_000);

  describe('every example with an "Output:" block prints it', () => {
    for (const example of examples.filter((e) => e.output !== undefined)) {
      it(where(example), async () => {
        const { stdout, stderr } = await capture(() => import(fileOf(example)));
        expect(normalize(stdout), `${where(example)} printed something else than its Output block${stderr === '' ? '' : `\n(stderr: ${stderr})`}`).toBe(
          normalize(example.output ?? ''),
        );
      });
    }
  });
});
