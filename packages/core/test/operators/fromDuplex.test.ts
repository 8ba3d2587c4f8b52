import { PassThrough, Transform } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { Sink, Source, StreamConverters } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { sendWhileRequested } from '../interop/rsHelpers.js';
import { boom, eventually } from './harness.js';

describe('StreamConverters.fromDuplex', () => {
  it('writes upstream elements in and reads the output out (gzip round trip)', async () => {
    const text = 'tributary '.repeat(1000);
    const chunks = Array.from({ length: 10 }, (_, i) => Buffer.from(text.slice(i * 1000, (i + 1) * 1000)));
    const out = await Source.from(chunks)
      .via(StreamConverters.fromDuplex(() => createGzip()))
      .via(StreamConverters.fromDuplex(() => createGunzip()))
      .runWith(Sink.seq());
    expect(Buffer.concat(out).toString()).toBe(text);
  });

  it('keeps back-pressure: nothing more is written while the output is not read', async () => {
    const p = new PassThrough({ objectMode: true, highWaterMark: 2 });
    const [up, down] = TestSource.probe<number>()
      .via(StreamConverters.fromDuplex<number, number>(() => p))
      .toMat(TestSink.probe<number>(), (a, b) => [a, b] as const)
      .run();
    const sent = await sendWhileRequested(up, (i) => i);
    // readable buffer (2) + writable buffer (2) and one element in flight at most
    expect(sent).toBeLessThanOrEqual(6);
    down.request(2);
    await down.expectNextN([0, 1]);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
    await eventually(() => p.destroyed, 'destroyed');
  });

  it('fails when the duplex errors; upstream failure destroys it', async () => {
    const e = boom();
    const t = new Transform({
      objectMode: true,
      transform(_c, _e, cb) {
        cb(e);
      },
    });
    await expect(
      Source.single(1)
        .via(StreamConverters.fromDuplex(() => t))
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
    const p = new PassThrough();
    p.on('error', () => {});
    const e2 = boom();
    await expect(
      Source.failed<Uint8Array>(e2)
        .via(StreamConverters.fromDuplex(() => p))
        .runWith(Sink.seq()),
    ).rejects.toBe(e2);
    expect(p.destroyed).toBe(true);
  });
});
