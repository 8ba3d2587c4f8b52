import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { AbruptTerminationException, Keep, Materializer, type Sink, Source } from '@tributary/core';
import { FileIO } from '@tributary/file';
import { TestSource } from '@tributary/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventually, expectSameBytes, openDescriptorsUnder, patternBytes, quietMaterializer, useTempDir } from './helpers.js';

describe('FileIO.toPath', () => {
  const tmp = useTempDir();

  it('writes every chunk in order, resolves with the bytes written, and has closed the file by then', async () => {
    const chunks = [Buffer.from('hello '), Buffer.from('file '), Buffer.from('sink\n')];
    const io = await Source.from(chunks).runWith(FileIO.toPath(tmp.file('out.txt')));
    expect(io).toEqual({ count: 16 });
    expect(openDescriptorsUnder(tmp.path), 'the file is closed when the IOResult resolves').toEqual([]);
    expect(fs.readFileSync(tmp.file('out.txt'), 'utf8')).toBe('hello file sink\n');
  });

  it('writes what arrives under any chunking and any demand pattern byte-exact (against Buffer.concat)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 0, maxLength: 40_000 }), { maxLength: 30 }), fc.boolean(), async (arrays, asyncBoundary) => {
        const file = tmp.file('prop.bin');
        const source = Source.from(arrays);
        const io = await (asyncBoundary ? source.async() : source).runWith(FileIO.toPath(file));
        const expected = Buffer.concat(arrays);
        expectSameBytes(fs.readFileSync(file), expected);
        expect(io).toEqual({ count: expected.length });
      }),
      { numRuns: 40 },
    );
  });

  it("truncates an existing file by default (flags 'w')", async () => {
    fs.writeFileSync(tmp.file('t.txt'), 'a much longer previous content');
    await Source.single(Buffer.from('new')).runWith(FileIO.toPath(tmp.file('t.txt')));
    expect(fs.readFileSync(tmp.file('t.txt'), 'utf8')).toBe('new');
  });

  it("appends with flags 'a'", async () => {
    fs.writeFileSync(tmp.file('log.txt'), 'line 1\n');
    const io = await Source.from(['line 2\n', 'line 3\n'])
      .map((s) => Buffer.from(s))
      .runWith(FileIO.toPath(tmp.file('log.txt'), { flags: 'a' }));
    expect(io.count).toBe(14);
    expect(fs.readFileSync(tmp.file('log.txt'), 'utf8')).toBe('line 1\nline 2\nline 3\n');
  });

  it('overwrites in place from startPosition, without truncating the rest', async () => {
    fs.writeFileSync(tmp.file('p.txt'), '0123456789');
    await Source.single(Buffer.from('ab')).runWith(FileIO.toPath(tmp.file('p.txt'), { startPosition: 3 }));
    expect(fs.readFileSync(tmp.file('p.txt'), 'utf8')).toBe('012ab56789');
  });

  it('creates the file when writing at a startPosition of a file that does not exist yet', async () => {
    await Source.single(Buffer.from('x')).runWith(FileIO.toPath(tmp.file('new.bin'), { startPosition: 2 }));
    expect([...fs.readFileSync(tmp.file('new.bin'))]).toEqual([0, 0, 0x78]);
  });

  it("fails with flags 'wx' when the file exists (EEXIST), naming the path", async () => {
    fs.writeFileSync(tmp.file('exists.txt'), 'keep me');
    const io = Source.single(Buffer.from('x')).runWith(FileIO.toPath(tmp.file('exists.txt'), { flags: 'wx' }), quietMaterializer());
    await expect(io).rejects.toMatchObject({ code: 'EEXIST', message: expect.stringContaining(tmp.file('exists.txt')) });
    expect(fs.readFileSync(tmp.file('exists.txt'), 'utf8')).toBe('keep me');
  });

  it('accepts any Uint8Array, not only Buffers, and skips empty chunks', async () => {
    const io = await Source.from([new Uint8Array([104, 105]), new Uint8Array(0), new Uint8Array([33])]).runWith(FileIO.toPath(tmp.file('u8.txt')));
    expect(io.count).toBe(3);
    expect(fs.readFileSync(tmp.file('u8.txt'), 'utf8')).toBe('hi!');
  });

  it('fails the stream and the IOResult with a TypeError naming the sink and the value when an element is not bytes', async () => {
    const mat = quietMaterializer();
    const [up, io] = TestSource.probe<unknown>()
      .toMat(FileIO.toPath(tmp.file('bad.txt')) as Sink<unknown, Promise<{ count: number }>>, Keep.both)
      .run(mat);
    await up.expectRequest();
    up.sendNext(Buffer.from('ok'));
    await up.expectRequest();
    up.sendNext('a string');
    await expect(io).rejects.toThrow(`FileIO.toPath(${tmp.file('bad.txt')}): elements must be Uint8Array (a Buffer is one), got "a string"`);
    expect(await up.expectCancellation()).toBeInstanceOf(TypeError);
    expect(fs.readFileSync(tmp.file('bad.txt'), 'utf8')).toBe('ok');
  });

  it('writes what arrived before an upstream failure, closes the file, and rejects the IOResult with that failure', async () => {
    const boom = new Error('upstream failed');
    const [up, io] = TestSource.probe<Buffer>()
      .toMat(FileIO.toPath(tmp.file('partial.txt')), Keep.both)
      .run(quietMaterializer());
    for (const s of ['a', 'b', 'c']) {
      await up.expectRequest();
      up.sendNext(Buffer.from(s));
    }
    await up.expectRequest();
    up.sendError(boom);
    await expect(io).rejects.toBe(boom);
    expect(fs.readFileSync(tmp.file('partial.txt'), 'utf8')).toBe('abc');
  });

  it('fails with ENOENT, naming the path, when the directory does not exist', async () => {
    const target = tmp.file('missing-dir', 'out.txt');
    const [up, io] = TestSource.probe<Buffer>().toMat(FileIO.toPath(target), Keep.both).run(quietMaterializer());
    await expect(io).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringContaining(target) });
    await up.expectCancellation();
  });

  it('fails with EISDIR, naming the path, when the path is a directory', async () => {
    const io = Source.single(Buffer.from('x')).runWith(FileIO.toPath(tmp.path), quietMaterializer());
    await expect(io).rejects.toMatchObject({ code: 'EISDIR', message: expect.stringContaining(tmp.path) });
  });

  it('fails with ENOTDIR, naming the path, when a path component is a regular file', async () => {
    fs.writeFileSync(tmp.file('plain'), '');
    const target = tmp.file('plain', 'out.txt');
    await expect(Source.single(Buffer.from('x')).runWith(FileIO.toPath(target), quietMaterializer())).rejects.toMatchObject({
      code: 'ENOTDIR',
      message: expect.stringContaining(target),
    });
  });

  it('fails with EPERM, naming the path, when the file may not be written — even by root (chattr +i)', async () => {
    const target = tmp.file('immutable.txt');
    fs.writeFileSync(target, 'frozen');
    tmp.makeImmutable(target);
    for (const flags of ['w', 'a']) {
      const io = Source.single(Buffer.from('x')).runWith(FileIO.toPath(target, { flags }), quietMaterializer());
      await expect(io).rejects.toMatchObject({ code: 'EPERM', message: expect.stringContaining(target) });
    }
    expect(fs.readFileSync(target, 'utf8')).toBe('frozen');
  });

  it('fails the stream and the IOResult with ENOSPC, naming the path, when the device is full (/dev/full), and cancels upstream', async () => {
    let pulled = 0;
    const [done, io] = Source.repeat(Buffer.alloc(1024, 7))
      .map((b) => {
        pulled++;
        return b;
      })
      .watchTermination(Keep.right)
      .toMat(FileIO.toPath('/dev/full'), Keep.both)
      .run(quietMaterializer());
    const error = await io.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ENOSPC', syscall: 'write' });
    expect((error as Error).message).toContain("'/dev/full'");
    // Upstream learns of the failure through its cancellation.
    await expect(done).rejects.toBe(error);
    // At most the batch gathered while the file was opened, and the one gathered while its write failed.
    expect(pulled).toBeLessThanOrEqual(2 * 256);
  });

  it('stops pulling while the bytes are not taken (a FIFO nobody reads), and goes on when they are', async () => {
    const fifo = tmp.file('pipe');
    execFileSync('mkfifo', [fifo]);
    const chunk = Buffer.alloc(32 * 1024, 1);
    let pulled = 0;
    // A writer's open(2) of a FIFO waits for a reader: open one that reads nothing (until resumed).
    let received = 0;
    const reader = fs.createReadStream(fifo, { highWaterMark: 16 * 1024 });
    reader.pause();
    const readerDone = new Promise<void>((resolve, reject) => reader.on('close', resolve).on('error', reject));
    const io = Source.repeat(chunk)
      .take(64)
      .map((c) => {
        pulled++;
        return c;
      })
      .runWith(FileIO.toPath(fifo));
    // Pulling stops once the pipe is full and one batch waits: the count settles far below 64
    // (settled = unchanged over 10 samples 20 ms apart).
    let settled = -1;
    let stableSamples = 0;
    await eventually(
      () => {
        stableSamples = pulled === settled ? stableSamples + 1 : 0;
        settled = pulled;
        return stableSamples >= 10 && pulled > 0;
      },
      () => `pulls to stop growing (now ${pulled})`,
      10_000,
      20,
    );
    // What is held back: the pipe (64 KiB) and the reader's buffer, the write in flight, one batch (256 KiB).
    expect(pulled).toBeLessThanOrEqual(16);
    reader.on('data', (d: Buffer | string) => void (received += d.length));
    reader.resume();
    expect(await io).toEqual({ count: 64 * chunk.length });
    await readerDone;
    expect(received).toBe(64 * chunk.length);
  });

  it('writes 100 MiB byte-exact (same SHA-256 as what was sent)', async () => {
    const block = patternBytes(64 * 1024);
    const sent = createHash('sha256');
    const io = await Source.range(0, 1599)
      .map((i) => {
        const b = Buffer.from(block);
        b.writeUInt32LE(i, 0); // no two blocks alike
        sent.update(b);
        return b;
      })
      .runWith(FileIO.toPath(tmp.file('large.bin')));
    expect(io).toEqual({ count: 100 * 1024 * 1024 });
    const written = createHash('sha256');
    const fd = fs.openSync(tmp.file('large.bin'), 'r');
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (let n; (n = fs.readSync(fd, buf)) > 0; ) written.update(buf.subarray(0, n));
    fs.closeSync(fd);
    expect(written.digest('hex')).toBe(sent.digest('hex'));
  });

  it('closes the file and rejects the IOResult with AbruptTerminationException when the materializer shuts down', async () => {
    const mat = new Materializer({ logger: null });
    const [up, io] = TestSource.probe<Buffer>()
      .toMat(FileIO.toPath(tmp.file('abrupt.txt')), Keep.both)
      .run(mat);
    await up.expectRequest();
    up.sendNext(Buffer.from('first'));
    await up.expectRequest();
    await eventually(
      () => fs.existsSync(tmp.file('abrupt.txt')) && fs.readFileSync(tmp.file('abrupt.txt'), 'utf8') === 'first',
      () => 'the first chunk to be written',
    );
    mat.shutdown();
    await expect(io).rejects.toBeInstanceOf(AbruptTerminationException);
  });

  it('rejects bad arguments when the sink is built', () => {
    expect(() => FileIO.toPath('')).toThrow('FileIO.toPath: path must be a non-empty path string or a file: URL, got ""');
    expect(() => FileIO.toPath('f', { flags: 'q' })).toThrow(
      "FileIO.toPath: flags must be an fs open flag string (such as 'w' or 'a') or a number of fs.constants.O_* bits, got \"q\"",
    );
    expect(() => FileIO.toPath('f', { startPosition: -3 })).toThrow('FileIO.toPath: startPosition must be a non-negative integer, got -3');
    expect(() => FileIO.toPath('f', { startPosition: 0.5 })).toThrow(RangeError);
  });
});
