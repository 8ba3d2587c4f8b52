import fs from 'node:fs';
import path from 'node:path';
import { Attributes, Sink, Source, Supervision } from '@tributary/core';
import { Directory } from '@tributary/file';
import { TestSink } from '@tributary/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDescriptorsUnder, quietMaterializer, useTempDir } from './helpers.js';

/** Every path below `dir` (not `dir`), found without the code under test. */
function allPathsBelow(dir: string, maxDepth = Infinity, depth = 1): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    out.push(full);
    if (e.isDirectory() && depth < maxDepth) out.push(...allPathsBelow(full, maxDepth, depth + 1));
  }
  return out;
}

/** Depth-first, pre-order: each directory is followed at once by everything below it. */
function expectDepthFirst(paths: readonly string[]): void {
  paths.forEach((p, i) => {
    const below = paths.filter((q) => q.startsWith(p + path.sep));
    expect(paths.slice(i + 1, i + 1 + below.length)).toEqual(below);
  });
}

type Tree = { readonly [name: string]: Tree | string };

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.string({ maxLength: 5 }), tie('tree')), {
    maxKeys: 4,
  }),
})).tree;

function build(dir: string, tree: Tree): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, t] of Object.entries(tree)) {
    if (typeof t === 'string') fs.writeFileSync(path.join(dir, name), t);
    else build(path.join(dir, name), t);
  }
}

describe('Directory.ls', () => {
  const tmp = useTempDir();

  it('emits the full paths of the files and directories directly in the directory', async () => {
    fs.writeFileSync(tmp.file('a.txt'), 'a');
    fs.mkdirSync(tmp.file('sub'));
    fs.writeFileSync(tmp.file('sub', 'deeper.txt'), 'd');
    fs.symlinkSync(tmp.file('a.txt'), tmp.file('link'));
    const paths = await Directory.ls(tmp.path).runWith(Sink.seq());
    expect([...paths].sort()).toEqual([tmp.file('a.txt'), tmp.file('link'), tmp.file('sub')]);
  });

  it('reads on demand, and closes the directory when cancelled', async () => {
    for (let i = 0; i < 100; i++) fs.writeFileSync(tmp.file(`f${i}`), '');
    const probe = Directory.ls(tmp.path).runWith(TestSink.probe<string>());
    probe.request(2);
    await probe.expectNext();
    await probe.expectNext();
    await probe.expectNoMessage(30);
    expect(openDescriptorsUnder(tmp.path)).toHaveLength(1); // the Dir handle
    probe.cancel();
    // The leak check after the test waits for the handle to be closed.
  });

  it('completes at once for an empty directory', async () => {
    expect(await Directory.ls(tmp.path).runWith(Sink.seq())).toEqual([]);
  });

  it('fails with ENOENT for a missing directory and ENOTDIR for a file, naming the path', async () => {
    await expect(Directory.ls(tmp.file('nope')).runWith(Sink.seq(), quietMaterializer())).rejects.toMatchObject({
      code: 'ENOENT',
      message: expect.stringContaining(tmp.file('nope')),
    });
    fs.writeFileSync(tmp.file('file'), '');
    await expect(Directory.ls(tmp.file('file')).runWith(Sink.seq(), quietMaterializer())).rejects.toMatchObject({
      code: 'ENOTDIR',
      message: expect.stringContaining(tmp.file('file')),
    });
  });

  it('rejects a bad directory argument when the source is built', () => {
    expect(() => Directory.ls('')).toThrow('Directory.ls: dir must be a non-empty path string or a file: URL, got ""');
  });
});

describe('Directory.walk', () => {
  const tmp = useTempDir();

  it('emits every path below the directory, each directory right before its contents (random trees)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(treeArb, async (tree) => {
        const root = tmp.file(`t${n++}`);
        build(root, tree);
        const paths = await Directory.walk(root).runWith(Sink.seq());
        expect([...paths].sort()).toEqual(allPathsBelow(root).sort());
        expectDepthFirst(paths);
      }),
      { numRuns: 30 },
    );
  });

  it('descends no deeper than maxDepth (1 = the direct children)', async () => {
    build(tmp.path, { a: { b: { c: { d: 'leaf' } } }, top: 'x' });
    for (const maxDepth of [1, 2, 3, 4]) {
      const paths = await Directory.walk(tmp.path, { maxDepth }).runWith(Sink.seq());
      expect([...paths].sort()).toEqual(allPathsBelow(tmp.path, maxDepth).sort());
    }
    expect([...(await Directory.walk(tmp.path, { maxDepth: 1 }).runWith(Sink.seq()))].sort()).toEqual([tmp.file('a'), tmp.file('top')]);
  });

  it('lists symbolic links without following them (a link cycle does not make the walk endless)', async () => {
    build(tmp.path, { a: { f: '1' } });
    fs.symlinkSync(tmp.path, tmp.file('a', 'loop'));
    const paths = await Directory.walk(tmp.path).runWith(Sink.seq());
    expect([...paths].sort()).toEqual([tmp.file('a'), tmp.file('a', 'f'), tmp.file('a', 'loop')]);
  });

  it('keeps one handle per level open at most, and closes them all when cancelled deep in the tree', async () => {
    build(tmp.path, { a: { b: { c: { d: 'x', e: 'y' } } } });
    const probe = Directory.walk(tmp.path).runWith(TestSink.probe<string>());
    probe.request(4);
    expect(await probe.expectNext()).toBe(tmp.file('a'));
    expect(await probe.expectNext()).toBe(tmp.file('a', 'b'));
    expect(await probe.expectNext()).toBe(tmp.file('a', 'b', 'c'));
    await probe.expectNext();
    expect(openDescriptorsUnder(tmp.path)).toHaveLength(4);
    probe.cancel();
  });

  it('fails with ENOENT, naming it, when a directory is removed before the walk reaches it', async () => {
    build(tmp.path, { only: { inside: 'x' } });
    const probe = Directory.walk(tmp.path).runWith(TestSink.probe<string>(), quietMaterializer());
    probe.request(1);
    expect(await probe.expectNext()).toBe(tmp.file('only'));
    fs.rmSync(tmp.file('only'), { recursive: true });
    probe.request(1);
    expect(await probe.expectError()).toMatchObject({ code: 'ENOENT', message: expect.stringContaining(tmp.file('only')) });
  });

  it('rejects bad arguments when the source is built', () => {
    expect(() => Directory.walk(tmp.path, { maxDepth: 0 })).toThrow('Directory.walk: maxDepth must be a positive integer, got 0');
    expect(() => Directory.walk(tmp.path, { maxDepth: 1.5 })).toThrow(RangeError);
  });
});

describe('Directory.mkdirs', () => {
  const tmp = useTempDir();

  it('creates each directory with its parents, in order, and emits its path', async () => {
    const dirs = [tmp.file('a', 'b', 'c'), tmp.file('a', 'b'), tmp.file('x')];
    expect(await Source.from(dirs).via(Directory.mkdirs()).runWith(Sink.seq())).toEqual(dirs);
    for (const d of dirs) expect(fs.statSync(d).isDirectory()).toBe(true);
  });

  it('fails with EEXIST when a file is in the way, naming the path', async () => {
    fs.writeFileSync(tmp.file('taken'), '');
    await expect(Source.single(tmp.file('taken')).via(Directory.mkdirs()).runWith(Sink.seq(), quietMaterializer())).rejects.toMatchObject({
      code: 'EEXIST',
      message: expect.stringContaining(tmp.file('taken')),
    });
  });

  it('honours supervision: resume skips a path that cannot be created', async () => {
    fs.writeFileSync(tmp.file('taken'), '');
    const created = await Source.from([tmp.file('ok1'), tmp.file('taken', 'below'), tmp.file('ok2')])
      .via(Directory.mkdirs())
      .withAttributes(Attributes.supervisionStrategy(Supervision.resume))
      .runWith(Sink.seq(), quietMaterializer());
    expect(created).toEqual([tmp.file('ok1'), tmp.file('ok2')]);
  });

  it('fails with a TypeError naming the flow when an element is not a path', async () => {
    await expect(
      Source.single(42 as unknown as string)
        .via(Directory.mkdirs())
        .runWith(Sink.seq(), quietMaterializer()),
    ).rejects.toThrow('Directory.mkdirs: elements must be non-empty path strings, got 42');
  });
});
