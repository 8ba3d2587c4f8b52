import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { AbruptTerminationException, Keep, Materializer, Sink } from '@tributary/core';
import { FileIO } from '@tributary/file';
import { TestSink } from '@tributary/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventually, expectSameBytes, openDescriptorsUnder, patternBytes, quietMaterializer, useTempDir } from './helpers.js';

const concat = (chunks: readonly Buffer[]): Buffer => Buffer.concat(chunks);

describe('FileIO.fromPath', () => {
  const tmp = useTempDir();

  it('streams a file byte-exact in chunks of 8192 bytes by default, the last one shorter, and counts the bytes', async () => {
    const content = patternBytes(5 * 8192 + 100);
    fs.writeFileSync(tmp.file('a.bin'), content);
    const [io, chunks] = FileIO.fromPath(tmp.file('a.bin')).toMat(Sink.seq(), Keep.both).run();
    const got = await chunks;
    expect(openDescriptorsUnder(tmp.path), 'the file is closed when the stream completes').toEqual([]);
    expect(got.map((c) => c.length)).toEqual([8192, 8192, 8192, 8192, 8192, 100]);
    expect(got.every((c) => Buffer.isBuffer(c))).toBe(true);
    expectSameBytes(concat(got), content);
    expect(await io).toEqual({ count: content.length });
  });

  it('emits exactly the bytes from startPosition on, in chunkSize pieces, whatever the read-ahead (against Buffer.subarray)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40_000 }),
        fc.integer({ min: 1, max: 12_000 }),
        fc.integer({ min: 0, max: 45_000 }),
        fc.integer({ min: 1, max: 8 }),
        async (size, chunkSize, startPosition, readAhead) => {
          const content = patternBytes(size, size);
          const file = tmp.file(`p-${size}-${chunkSize}-${startPosition}.bin`);
          fs.writeFileSync(file, content);
          const [io, chunks] = FileIO.fromPath(file, { chunkSize, startPosition, readAhead }).toMat(Sink.seq(), Keep.both).run();
          const got = await chunks;
          const expected = content.subarray(Math.min(startPosition, size));
          expectSameBytes(concat(got), expected);
          // Every chunk is full except the last.
          for (let i = 0; i < got.length - 1; i++) expect(got[i]!.length).toBe(chunkSize);
          if (got.length > 0) expect(got[got.length - 1]!.length).toBeGreaterThan(0);
          expect(got.length).toBe(Math.ceil(expected.length / chunkSize));
          expect(await io).toEqual({ count: expected.length });
          fs.rmSync(file);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never emits more chunks than requested, under random demand, and loses or repeats no byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30_000 }),
        fc.integer({ min: 500, max: 4000 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 12 }),
        async (size, chunkSize, requests) => {
          const content = patternBytes(size, chunkSize);
          const file = tmp.file(`d-${size}-${chunkSize}.bin`);
          fs.writeFileSync(file, content);
          const probe = FileIO.fromPath(file, { chunkSize }).runWith(TestSink.probe<Buffer>({ noMessageMs: 5 }));
          const total = Math.ceil(size / chunkSize);
          const got: Buffer[] = [];
          for (const n of requests) {
            if (got.length === total) break;
            probe.request(n);
            const expected = Math.min(n, total - got.length);
            for (let i = 0; i < expected; i++) got.push(await probe.expectNext());
            if (got.length < total) await probe.expectNoMessage(); // nothing beyond the demand
          }
          if (got.length < total) probe.request(total - got.length);
          while (got.length < total) got.push(await probe.expectNext());
          probe.request(1);
          await probe.expectComplete();
          expectSameBytes(concat(got), content);
          fs.rmSync(file);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('completes at once for an empty file', async () => {
    fs.writeFileSync(tmp.file('empty'), '');
    const [io, chunks] = FileIO.fromPath(tmp.file('empty')).toMat(Sink.seq(), Keep.both).run();
    expect(await chunks).toEqual([]);
    expect(await io).toEqual({ count: 0 });
  });

  it('emits no more chunks than requested, and a cancellation resolves the IOResult with the bytes emitted so far', async () => {
    fs.writeFileSync(tmp.file('big.bin'), patternBytes(100 * 1024));
    const [io, probe] = FileIO.fromPath(tmp.file('big.bin'), { chunkSize: 1000 }).toMat(TestSink.probe<Buffer>(), Keep.both).run();
    probe.request(2);
    expect((await probe.expectNext()).length).toBe(1000);
    expect((await probe.expectNext()).length).toBe(1000);
    await probe.expectNoMessage(50);
    probe.request(1);
    expect((await probe.expectNext()).length).toBe(1000);
    await probe.expectNoMessage(50);
    probe.cancel();
    expect(await io).toEqual({ count: 3000 });
    expect(openDescriptorsUnder(tmp.path), 'the file is closed when the IOResult resolves').toEqual([]);
  });

  it('resolves the IOResult with the bytes taken when downstream takes only a prefix', async () => {
    fs.writeFileSync(tmp.file('big.bin'), patternBytes(1024 * 1024));
    const [io, chunks] = FileIO.fromPath(tmp.file('big.bin'), { chunkSize: 4096 }).take(5).toMat(Sink.seq(), Keep.both).run();
    expect((await chunks).length).toBe(5);
    expect(await io).toEqual({ count: 5 * 4096 });
  });

  it('fails the stream and the IOResult with the ENOENT error, naming the path, when the file does not exist', async () => {
    const missing = tmp.file('no-such-file.txt');
    const [io, done] = FileIO.fromPath(missing).toMat(Sink.ignore(), Keep.both).run(quietMaterializer());
    const streamError = await done.then(
      () => null,
      (e: unknown) => e,
    );
    const ioError = await io.then(
      () => null,
      (e: unknown) => e,
    );
    for (const e of [streamError, ioError]) {
      expect(e).toBeInstanceOf(Error);
      expect((e as NodeJS.ErrnoException).code).toBe('ENOENT');
      expect((e as Error).message).toContain(missing);
    }
    expect(ioError).toBe(streamError);
  });

  it('has closed the file when a read failure reaches the stream and the IOResult', async () => {
    // /proc/self/mem cannot be read at offset 0 (nothing is mapped there): the first read fails with EIO.
    const [io, done] = FileIO.fromPath('/proc/self/mem').toMat(Sink.ignore(), Keep.both).run(quietMaterializer());
    const error = await done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'EIO', syscall: 'read', message: expect.stringContaining("'/proc/self/mem'") });
    await expect(io).rejects.toBe(error);
    expect(openDescriptorsUnder('/proc/'), 'the file is closed when the stream fails').toEqual([]);
  });

  it('fails with EISDIR, naming the path, when given a directory', async () => {
    const [io, done] = FileIO.fromPath(tmp.path).toMat(Sink.ignore(), Keep.both).run(quietMaterializer());
    await expect(done).rejects.toMatchObject({ code: 'EISDIR', message: expect.stringContaining(tmp.path) });
    await expect(io).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('fails with ENOTDIR, naming the path, when a path component is a regular file', async () => {
    fs.writeFileSync(tmp.file('plain'), 'x');
    const bad = tmp.file('plain', 'inside.txt');
    await expect(FileIO.fromPath(bad).runWith(Sink.ignore(), quietMaterializer())).rejects.toMatchObject({
      code: 'ENOTDIR',
      message: expect.stringContaining(bad),
    });
  });

  it('reads on to the end when the file is deleted while being read (the open descriptor keeps the data)', async () => {
    const content = patternBytes(512 * 1024);
    const file = tmp.file('doomed.bin');
    fs.writeFileSync(file, content);
    let seen = 0;
    const [io, chunks] = FileIO.fromPath(file, { chunkSize: 16 * 1024 })
      .map((chunk) => {
        if (++seen === 2) fs.rmSync(file);
        return chunk;
      })
      .toMat(Sink.seq(), Keep.both)
      .run();
    expectSameBytes(concat(await chunks), content);
    expect(fs.existsSync(file)).toBe(false);
    expect(await io).toEqual({ count: content.length });
  });

  it('rejects the IOResult with the error that failed downstream', async () => {
    fs.writeFileSync(tmp.file('f.bin'), patternBytes(64 * 1024));
    const boom = new Error('downstream failed');
    const [io, done] = FileIO.fromPath(tmp.file('f.bin'), { chunkSize: 1024 })
      .map((chunk) => {
        if (chunk.readUInt32LE(0) === 1024) throw boom; // the third chunk
        return chunk;
      })
      .toMat(Sink.ignore(), Keep.both)
      .run(quietMaterializer());
    await expect(done).rejects.toBe(boom);
    await expect(io).rejects.toBe(boom);
  });

  it('closes the file and rejects the IOResult with AbruptTerminationException when the materializer shuts down', async () => {
    fs.writeFileSync(tmp.file('f.bin'), patternBytes(64 * 1024));
    const mat = new Materializer({ logger: null });
    const [io, probe] = FileIO.fromPath(tmp.file('f.bin'), { chunkSize: 1024 }).toMat(TestSink.probe<Buffer>(), Keep.both).run(mat);
    probe.request(1);
    await probe.expectNext();
    mat.shutdown();
    await expect(io).rejects.toBeInstanceOf(AbruptTerminationException);
    // postStop cannot wait: the descriptor is closed as soon as the reads in flight have returned.
    await eventually(
      () => openDescriptorsUnder(tmp.path).length === 0,
      () => 'the descriptor to be closed',
    );
  });

  it('reads a character device, which cannot be read at an offset, one chunk at a time', async () => {
    const [io, chunks] = FileIO.fromPath('/dev/zero', { chunkSize: 1000 }).take(3).toMat(Sink.seq(), Keep.both).run();
    const got = await chunks;
    expect(got.map((c) => c.length)).toEqual([1000, 1000, 1000]);
    expect(got.every((c) => c.every((b) => b === 0))).toBe(true);
    expect(await io).toEqual({ count: 3000 });
  });

  it('fails clearly when a startPosition is given for a file that cannot be read at an offset', async () => {
    await expect(FileIO.fromPath('/dev/zero', { startPosition: 10 }).runWith(Sink.ignore(), quietMaterializer())).rejects.toThrow(
      "FileIO.fromPath: startPosition 10 needs a regular file, and '/dev/zero' is not one",
    );
  });

  it('reads a 100 MiB file byte-exact (same SHA-256 as the file)', async () => {
    const file = tmp.file('large.bin');
    const block = patternBytes(1024 * 1024);
    const fd = fs.openSync(file, 'w');
    const expected = createHash('sha256');
    for (let i = 0; i < 100; i++) {
      block.writeUInt32LE(i, 0); // no two blocks alike: a reordered block changes the hash
      fs.writeSync(fd, block);
      expected.update(block);
    }
    fs.closeSync(fd);
    const hash = createHash('sha256');
    const io = await FileIO.fromPath(file)
      .toMat(
        Sink.foreach((chunk: Buffer) => void hash.update(chunk)),
        Keep.left,
      )
      .run();
    expect(io).toEqual({ count: 100 * 1024 * 1024 });
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
  });

  it('accepts a file: URL', async () => {
    fs.writeFileSync(tmp.file('u.txt'), 'hello');
    const chunks = await FileIO.fromPath(new URL(`file://${tmp.file('u.txt')}`)).runWith(Sink.seq());
    expect(concat(chunks).toString()).toBe('hello');
  });

  it('is a blueprint: every materialization reads the file afresh', async () => {
    fs.writeFileSync(tmp.file('r.txt'), 'again');
    const source = FileIO.fromPath(tmp.file('r.txt')).map((b) => b.toString());
    expect(await source.runWith(Sink.seq())).toEqual(['again']);
    expect(await source.runWith(Sink.seq())).toEqual(['again']);
  });

  it('rejects bad arguments when the source is built, naming the factory, the argument and the value', () => {
    expect(() => FileIO.fromPath('')).toThrow('FileIO.fromPath: path must be a non-empty path string or a file: URL, got ""');
    expect(() => FileIO.fromPath(42 as unknown as string)).toThrow('FileIO.fromPath: path must be a non-empty path string or a file: URL, got 42');
    expect(() => FileIO.fromPath('f', { chunkSize: 0 })).toThrow('FileIO.fromPath: chunkSize must be a positive integer, got 0');
    expect(() => FileIO.fromPath('f', { chunkSize: 1.5 })).toThrow(RangeError);
    expect(() => FileIO.fromPath('f', { startPosition: -1 })).toThrow('FileIO.fromPath: startPosition must be a non-negative integer, got -1');
    expect(() => FileIO.fromPath('f', { readAhead: 0 })).toThrow('FileIO.fromPath: readAhead must be a positive integer, got 0');
    expect(() => FileIO.fromPath('f', 'big' as never)).toThrow('FileIO.fromPath: options must be an object, got "big"');
    expect(() => FileIO.fromPath(new URL('https://example.invalid/x'))).toThrow(/FileIO.fromPath: path must be a file: URL/);
  });
});
