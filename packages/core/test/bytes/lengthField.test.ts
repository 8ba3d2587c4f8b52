import { Framing, FramingError, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { probe } from '../operators/harness.js';
import { boom, expectFramingError, expectRequests, runToError } from './harness.js';

/** A frame: `offsetBytes`, then `payload.length` in `n` bytes, then the payload. */
function frame(n: 1 | 2 | 3 | 4, payload: number[], order: 'BE' | 'LE' = 'BE', offsetBytes: number[] = []): Buffer {
  const header = Buffer.alloc(n);
  if (order === 'BE') header.writeUIntBE(payload.length, 0, n);
  else header.writeUIntLE(payload.length, 0, n);
  return Buffer.concat([Buffer.from(offsetBytes), header, Buffer.from(payload)]);
}

async function frames(flow: ReturnType<typeof Framing.lengthField>, chunks: Uint8Array[]): Promise<Buffer[]> {
  return Source.from(chunks).via(flow).runWith(Sink.seq());
}

describe('Framing.lengthField', () => {
  it('cuts frames by a 2-byte big-endian length; frames include the header (doc example)', async () => {
    expect(await frames(Framing.lengthField(2, 0, 1024), [Buffer.from([0, 2, 104, 105, 0, 1, 33])])).toEqual([
      Buffer.from([0, 2, 104, 105]),
      Buffer.from([0, 1, 33]),
    ]);
  });

  for (const n of [1, 2, 3, 4] as const) {
    for (const order of ['BE', 'LE'] as const) {
      it(`reads a ${n}-byte ${order} length after a 3-byte offset, across chunks cut anywhere`, async () => {
        const payloads = [[1, 2, 3], [], [9], Array.from({ length: 200 }, (_, i) => i)];
        const all = Buffer.concat(payloads.map((p, i) => frame(n, p, order, [i, i, i])));
        const expected = payloads.map((p, i) => frame(n, p, order, [i, i, i]));
        for (const cut of [1, 2, 5, 7, 64, all.length]) {
          const chunks: Buffer[] = [];
          for (let o = 0; o < all.length; o += cut) chunks.push(all.subarray(o, o + cut));
          expect(await frames(Framing.lengthField(n, 3, 1024, order), chunks)).toEqual(expected);
        }
      });
    }
  }

  it('the byte order matters: 0x0100 is 256 big-endian and 1 little-endian', async () => {
    expect(await frames(Framing.lengthField(2, 0, 1024, 'LE'), [Buffer.from([1, 0, 7])])).toEqual([Buffer.from([1, 0, 7])]);
    const e = await runToError(Framing.lengthField(2, 0, 100, 'BE'), [Buffer.from([1, 0, 7])]);
    expect(e.message).toBe('Framing.lengthField: the frame header announces a frame of 258 bytes, more than maximumFrameLength 100');
  });

  it('emits one frame per pull and pulls upstream only when no complete frame is queued', async () => {
    const [up, down] = probe(Framing.lengthField(1, 0, 16).map((f) => [...f]));
    down.request(1);
    await expectRequests(up, 1);
    up.sendNext(Buffer.from([1, 10, 1, 11, 3, 12]));
    await down.expectNext([1, 10]);
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext([1, 11]);
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await expectRequests(up, 1); // the third frame is incomplete
    up.sendNext(Buffer.from([13]));
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 1);
    up.sendNext(Buffer.from([14])).sendComplete();
    await down.expectNext([3, 12, 13, 14]);
    await down.expectComplete();
  });

  it('fails as soon as a header announces a frame over the limit, after the frames before it', async () => {
    const [up, down] = probe(Framing.lengthField(4, 0, 10).map((f) => f.length));
    down.request(5);
    up.sendNext(Buffer.concat([frame(4, [1, 2]), Buffer.from([0, 0, 0, 7])])); // 4 + 7 = 11 > 10
    await down.expectNext(6);
    await expectFramingError(down, 'Framing.lengthField: the frame header announces a frame of 11 bytes, more than maximumFrameLength 10');
    await up.expectCancellation();
  });

  it('a frame of exactly maximumFrameLength bytes (header included) passes', async () => {
    expect(await frames(Framing.lengthField(2, 1, 10), [frame(2, [1, 2, 3, 4, 5, 6, 7], 'BE', [0])])).toHaveLength(1);
  });

  it('fails on a stream ending inside a frame, saying how much was there and how much was announced', async () => {
    let e = await runToError(Framing.lengthField(2, 0, 100), [Buffer.concat([frame(2, [1]), Buffer.from([0, 5, 1, 2])])]);
    expect(e).toBeInstanceOf(FramingError);
    expect(e.message).toBe('Framing.lengthField: the stream ended with a truncated frame of 4 bytes of the 7 its header announced');
    e = await runToError(Framing.lengthField(2, 2, 100), [Buffer.from([9, 9, 0])]);
    expect(e.message).toBe('Framing.lengthField: the stream ended with a truncated frame of 3 bytes, too few for the 4-byte header');
  });

  it('an empty stream, or one ending on a frame boundary, completes', async () => {
    expect(await frames(Framing.lengthField(1, 0, 10), [])).toEqual([]);
    expect(await frames(Framing.lengthField(1, 0, 10), [frame(1, [1]), new Uint8Array(0)])).toEqual([frame(1, [1])]);
  });

  it('computeFrameSize decides the frame size from the offset bytes and the field value', async () => {
    // A protocol whose length field counts 4-byte words, after a 1-byte type tag; the frame includes a 2-byte header.
    const seen: [number[], number][] = [];
    const flow = Framing.lengthField(1, 1, 64, 'BE', (offsetBytes, value) => {
      seen.push([[...offsetBytes], value]);
      return 2 + value * 4;
    });
    const f1 = Buffer.from([7, 1, 1, 2, 3, 4]);
    const f2 = Buffer.from([8, 0]);
    expect(await frames(flow, [Buffer.concat([f1, f2]).subarray(0, 3), Buffer.concat([f1, f2]).subarray(3)])).toEqual([f1, f2]);
    expect(seen).toEqual([
      [[7], 1],
      [[8], 0],
    ]);
  });

  it('computeFrameSize that throws fails the stream with its error; a bad size is a FramingError', async () => {
    const e = boom();
    expect(
      await runToError(
        Framing.lengthField(1, 0, 64, 'BE', () => {
          throw e;
        }),
        [Buffer.from([1, 1])],
      ),
    ).toBe(e);
    const bad = await runToError(
      Framing.lengthField(2, 0, 64, 'BE', () => 1),
      [Buffer.from([0, 1, 1])],
    );
    expect(bad).toBeInstanceOf(FramingError);
    expect(bad.message).toBe('Framing.lengthField: computeFrameSize returned 1 for field value 1; a frame size must be an integer of at least 2 (the header)');
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Framing.lengthField(1, 0, 16));
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Framing.lengthField(1, 0, 16));
    down2.request(1);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments when called', () => {
    expect(() => Framing.lengthField(5 as 4, 0, 10)).toThrow(new RangeError('Framing.lengthField: fieldLength must be 1, 2, 3 or 4, got 5'));
    expect(() => Framing.lengthField(2, -1, 10)).toThrow(new RangeError('Framing.lengthField: fieldOffset must be a non-negative integer, got -1'));
    expect(() => Framing.lengthField(2, 0, 0)).toThrow(new RangeError('Framing.lengthField: maximumFrameLength must be a positive integer, got 0'));
    expect(() => Framing.lengthField(4, 2, 5)).toThrow(
      new RangeError('Framing.lengthField: maximumFrameLength must be at least fieldOffset + fieldLength (6), since every frame includes its header; got 5'),
    );
    expect(() => Framing.lengthField(2, 0, 10, 'le' as 'LE')).toThrow(new RangeError(`Framing.lengthField: byteOrder must be 'BE' or 'LE', got "le"`));
    expect(() => Framing.lengthField(2, 0, 10, 'BE', 3 as never)).toThrow(new TypeError('Framing.lengthField: computeFrameSize must be a function, got 3'));
  });
});
