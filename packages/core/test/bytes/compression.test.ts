import { randomBytes } from 'node:crypto';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { Compression, type Flow, Materializer, Sink, Source } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it, vi } from 'vitest';
import { probe } from '../operators/harness.js';
import { b, boom, expectSameBytes, QUIET_MS } from './harness.js';

/** Text that compresses well but not trivially. */
function logText(bytes: number): Buffer {
  const lines: string[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const line = `2024-05-01T12:00:${String(i % 60).padStart(2, '0')}Z INFO request id=${i} took=${(i * 7) % 500}ms\n`;
    lines.push(line);
    n += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

function chunks(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < bytes.length; o += size) out.push(bytes.subarray(o, o + size));
  return out;
}

async function through(flow: Flow<Uint8Array, Buffer>, input: Buffer[], mat?: Materializer): Promise<Buffer> {
  return Buffer.concat(await Source.from(input).via(flow).runWith(Sink.seq(), mat));
}

/**
 * Records every zlib stream the operators create (they call `zlib.createGzip` & co. per materialization),
 * so a test can check that each one was closed — its zlib handle released — however the stream ended.
 */
function trackZlibStreams(): { streams: Transform[]; restore: () => void } {
  const streams: Transform[] = [];
  const spies = (['createGzip', 'createGunzip', 'createDeflate', 'createInflate', 'createDeflateRaw', 'createInflateRaw'] as const).map((name) => {
    const original = zlib[name] as (o?: zlib.ZlibOptions) => Transform;
    return vi.spyOn(zlib, name).mockImplementation(((o?: zlib.ZlibOptions) => {
      const z = original(o);
      streams.push(z);
      return z;
    }) as never);
  });
  return { streams, restore: () => spies.forEach((s) => s.mockRestore()) };
}

async function expectAllClosed(streams: readonly Transform[]): Promise<void> {
  for (let i = 0; i < 200 && streams.some((z) => !z.closed); i++) await new Promise((r) => setTimeout(r, 5));
  expect(streams.map((z) => z.closed)).toEqual(streams.map(() => true));
}

const formats = [
  { name: 'gzip', compress: () => Compression.gzip(), decompress: (max?: number) => Compression.gunzip(max), sync: zlib.gzipSync, unsync: zlib.gunzipSync },
  {
    name: 'deflate',
    compress: () => Compression.deflate(),
    decompress: (max?: number) => Compression.inflate(max),
    sync: zlib.deflateSync,
    unsync: zlib.inflateSync,
  },
  {
    name: 'raw deflate',
    compress: () => Compression.deflate(-1, true),
    decompress: (max?: number) => Compression.inflate(max, true),
    sync: zlib.deflateRawSync,
    unsync: zlib.inflateRawSync,
  },
] as const;

describe('Compression', () => {
  for (const f of formats) {
    describe(f.name, () => {
      it('our output is read by zlib; zlib output is read by us', async () => {
        const data = logText(300_000);
        const ours = await through(f.compress(), chunks(data, 10_000));
        expect(ours.length).toBeLessThan(data.length / 3);
        expectSameBytes(f.unsync(ours), data);
        const theirs = f.sync(data);
        expectSameBytes(await through(f.decompress(), chunks(theirs, 777)), data);
      });

      it('round-trips random (incompressible) bytes in odd-sized chunks', async () => {
        const data = randomBytes(200_001);
        expectSameBytes(await through(f.compress().via(f.decompress()), chunks(data, 4099)), data);
      });

      it('corrupt input fails with the zlib error', async () => {
        const quiet = new Materializer({ logger: null });
        const bad = Buffer.from(f.sync(logText(10_000)));
        bad.fill(0xff, 2, 40); // keep a plausible start, destroy the data
        const err = await through(f.decompress(), [bad], quiet).then(
          () => undefined,
          (e: unknown) => e as NodeJS.ErrnoException,
        );
        quiet.shutdown();
        expect(err).toBeInstanceOf(Error);
        expect(err!.code).toBe('Z_DATA_ERROR');
      });

      it('input that ends inside the compressed stream fails with "unexpected end of file"', async () => {
        const quiet = new Materializer({ logger: null });
        const whole = f.sync(logText(10_000));
        const err = await through(f.decompress(), [whole.subarray(0, whole.length >> 1)], quiet).then(
          () => undefined,
          (e: unknown) => e as NodeJS.ErrnoException,
        );
        quiet.shutdown();
        expect(err?.message).toBe('unexpected end of file');
        expect(err?.code).toBe('Z_BUF_ERROR');
      });

      it('an empty input compresses to a valid empty stream, and an empty input decompresses to nothing', async () => {
        const empty = await through(f.compress(), []);
        expect(empty.length).toBeGreaterThan(0);
        expect(f.unsync(empty)).toEqual(Buffer.alloc(0));
        expect(await Source.from<Buffer>([]).via(f.decompress()).runWith(Sink.seq())).toEqual([]);
        expect(
          await Source.from([Buffer.alloc(0)])
            .via(f.decompress())
            .runWith(Sink.seq()),
        ).toEqual([]);
      });
    });
  }

  it('gunzip reads concatenated gzip members as one stream', async () => {
    const members = Buffer.concat([zlib.gzipSync('hello '), zlib.gzipSync('world')]);
    expect((await through(Compression.gunzip(), chunks(members, 7))).toString()).toBe('hello world');
  });

  it('with autoFlush (default) each element is decodable as soon as it is out; without, output waits for more input', async () => {
    const [up, down] = probe(Compression.gzip());
    down.request(100);
    up.sendNext(b('first message'));
    const out: Buffer[] = [await down.expectNext()];
    // Everything emitted so far decompresses to the first message, without the gzip trailer.
    for (;;) {
      const partial = zlib.gunzipSync(Buffer.concat(out), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString();
      if (partial === 'first message') break;
      out.push(await down.expectNext());
    }
    up.sendComplete();
    for (;;) {
      const e = await down.expectNext().catch(() => null);
      if (e === null) break;
      out.push(e);
    }
    expect(zlib.gunzipSync(Buffer.concat(out)).toString()).toBe('first message');

    const [up2, down2] = probe(Compression.gzip(6, { autoFlush: false }));
    down2.request(100);
    up2.sendNext(b('held back'));
    const header = await down2.expectNext(); // zlib writes the gzip header at once, nothing more
    await down2.expectNoMessage(QUIET_MS);
    expect(header.length).toBe(10);
    up2.sendComplete();
    const rest = Buffer.concat(await collectRest(down2));
    expect(zlib.gunzipSync(Buffer.concat([header, rest])).toString()).toBe('held back');
  });

  it('the compression level is applied', async () => {
    const data = logText(200_000);
    const stored = await through(Compression.gzip(0), [data]);
    const best = await through(Compression.gzip(9), [data]);
    expect(stored.length).toBeGreaterThan(data.length);
    expect(best.length).toBeLessThan(data.length / 5);
    expectSameBytes(zlib.gunzipSync(stored), data);
  });

  it('emits decompressed chunks of at most maxBytesPerChunk bytes, also below zlib’s 64-byte minimum', async () => {
    const data = logText(20_000);
    for (const max of [1000, 10, 1]) {
      const out = await Source.single(zlib.gzipSync(data)).via(Compression.gunzip(max)).runWith(Sink.seq());
      expect(out.every((c) => c.length <= max && c.length > 0)).toBe(true);
      expectSameBytes(Buffer.concat(out), data);
    }
  });

  it('decompression emits exactly what downstream asks for, one chunk per pull', async () => {
    const [up, down] = probe(Compression.gunzip(1024));
    up.sendNext(zlib.gzipSync(Buffer.alloc(100_000, 7)));
    await down.expectNoMessage(QUIET_MS);
    down.request(1);
    expect((await down.expectNext()).length).toBe(1024);
    await down.expectNoMessage(QUIET_MS);
    down.request(2);
    expect((await down.expectNext()).length).toBe(1024);
    expect((await down.expectNext()).length).toBe(1024);
    await down.expectNoMessage(QUIET_MS);
    down.cancel();
    await up.expectCancellation();
  });

  it('completes after the last chunk once upstream completed, without another pull', async () => {
    const [up, down] = probe(Compression.gunzip());
    down.request(1);
    up.sendNext(zlib.gzipSync('tiny')).sendComplete();
    expect((await down.expectNext()).toString()).toBe('tiny');
    await down.expectComplete();
  });

  it('pulls upstream while zlib accepts input, and stops when its buffers are full (downstream not pulling)', async () => {
    // A short probe timeout: the loop ends when no request comes for 300 ms.
    const [up, down] = Compression.gzip(0).runWith(TestSource.probe<Uint8Array>({ timeoutMs: 300 }), TestSink.probe<Buffer>());
    let pulls = 0;
    for (;;) {
      const n = await up.expectRequest().catch(() => 0);
      if (n === 0) break;
      pulls++;
      up.sendNext(randomBytes(16 * 1024));
      if (pulls > 64) throw new Error('gzip kept pulling with no downstream demand');
    }
    expect(pulls).toBeGreaterThan(1);
    down.request(1);
    await down.expectNext();
    down.cancel();
    await up.expectCancellation();
  });

  it('propagates upstream failure and closes the zlib stream', async () => {
    const tracked = trackZlibStreams();
    try {
      const e = boom();
      const [up, down] = probe(Compression.gzip());
      down.request(1);
      await up.expectRequest();
      up.sendNext(b('some data'));
      up.sendError(e);
      expect(await down.expectError()).toBe(e);
      expect(tracked.streams).toHaveLength(1);
      await expectAllClosed(tracked.streams);
    } finally {
      tracked.restore();
    }
  });

  it('no zlib stream outlives the stream: completion, corrupt input, cancellation mid-stream, materializer shutdown', async () => {
    const tracked = trackZlibStreams();
    const quiet = new Materializer({ logger: null });
    try {
      const data = logText(2_000_000);
      const gz = zlib.gzipSync(data);
      await through(Compression.gzip().via(Compression.gunzip()), chunks(data, 65536));
      await through(Compression.gunzip(), [Buffer.from('garbage, not gzip')], quiet).catch(() => undefined);
      // cancelled while zlib still holds input and output
      await Source.from(chunks(gz, 1000)).via(Compression.gunzip(1024)).take(3).runWith(Sink.ignore());
      const done = Source.from(chunks(gz, 1000)).via(Compression.gunzip()).via(Compression.deflate()).runWith(Sink.ignore(), quiet);
      await new Promise((r) => setTimeout(r, 5));
      quiet.shutdown();
      await done.catch(() => undefined);
      expect(tracked.streams).toHaveLength(6);
      await expectAllClosed(tracked.streams);
    } finally {
      quiet.shutdown();
      tracked.restore();
    }
  });

  it('validates its arguments when called', () => {
    expect(() => Compression.gzip(10)).toThrow(
      new RangeError(`Compression.gzip: level must be an integer from 0 (no compression) to 9 (best), or -1 for zlib's default, got 10`),
    );
    expect(() => Compression.deflate(1.5)).toThrow(/^Compression\.deflate: level must be an integer .*got 1\.5$/);
    expect(() => Compression.gzip(6, { autoFlush: 1 as unknown as boolean })).toThrow(new TypeError('Compression.gzip: autoFlush must be a boolean, got 1'));
    expect(() => Compression.gunzip(0)).toThrow(new RangeError('Compression.gunzip: maxBytesPerChunk must be a positive integer, got 0'));
    expect(() => Compression.inflate(-5)).toThrow(new RangeError('Compression.inflate: maxBytesPerChunk must be a positive integer, got -5'));
    expect(() => Compression.inflate(100, 'yes' as unknown as boolean)).toThrow(new TypeError('Compression.inflate: nowrap must be a boolean, got "yes"'));
  });
});

async function collectRest(down: { expectNext(): Promise<Buffer>; expectComplete(): Promise<void> }): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (;;) {
    const e = await down.expectNext().catch(() => null);
    if (e === null) return out;
    out.push(e);
  }
}
