import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Flow, Materializer, StreamConverters } from '@tributary/core';
import { describe, expect, it } from 'vitest';

const quiet = () => new Materializer({ logger: null });

describe('StreamConverters.asDuplex', () => {
  it('runs a flow as a Node Duplex in a pipeline (object mode)', async () => {
    const out: string[] = [];
    await pipeline(
      Readable.from(['a', 'b', 'c']),
      StreamConverters.asDuplex(
        Flow.create<string>()
          .map((s) => s.toUpperCase())
          .intersperse('-'),
        { objectMode: true, materializer: quiet() },
      ),
      new Writable({
        objectMode: true,
        write(chunk: string, _e, cb) {
          out.push(chunk);
          cb();
        },
      }),
    );
    expect(out).toEqual(['A', '-', 'B', '-', 'C']);
  });

  it('carries bytes and completes the flow when the writable side ends', async () => {
    const duplex = StreamConverters.asDuplex(
      Flow.create<Buffer>().map((b) => Buffer.from(b.toString('utf8').split('').reverse().join(''))),
      { materializer: quiet() },
    );
    const chunks: Buffer[] = [];
    duplex.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((r) => duplex.on('end', r));
    duplex.write(Buffer.from('abc'));
    duplex.end(Buffer.from('de'));
    await ended;
    expect(Buffer.concat(chunks).toString()).toBe('cbaed');
  });

  it('applies back-pressure: writes wait while nobody reads the output', async () => {
    const duplex = StreamConverters.asDuplex(Flow.create<number>(), { objectMode: true, bufferSize: 2, materializer: quiet() });
    let accepted = 0;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      writes.push(
        new Promise<void>((r) =>
          duplex.write(i, () => {
            accepted++;
            r();
          }),
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(accepted).toBeLessThan(50); // bounded: the flow's buffer and the readable's highWaterMark
    const seen: number[] = [];
    duplex.on('data', (x: number) => seen.push(x));
    await Promise.all(writes);
    duplex.end();
    await new Promise((r) => duplex.on('end', r));
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('a failing flow destroys the duplex with its error', async () => {
    const boom = new Error('boom');
    const duplex = StreamConverters.asDuplex(
      Flow.create<number>().map((x) => {
        if (x === 2) throw boom;
        return x;
      }),
      { objectMode: true, materializer: quiet() },
    );
    const failed = new Promise((r) => duplex.on('error', r));
    duplex.resume();
    duplex.write(1);
    duplex.write(2);
    expect(await failed).toBe(boom);
  });

  it('rejects a bad buffer size at once', () => {
    expect(() => StreamConverters.asDuplex(Flow.create<number>(), { bufferSize: 0 })).toThrow(/asDuplex: bufferSize must be a positive integer, got 0/);
  });
});
