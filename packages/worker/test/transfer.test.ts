/**
 * transfer(): marked buffers move to the other thread (the sender's copy is detached), unmarked ones
 * are copied, and views that share their buffer with others are copied even when marked.
 */

import { Sink, Source } from '@tributary/core';
import { transfer } from '@tributary/worker';
import { describe, expect, it } from 'vitest';
import { behaviour, recordingMaterializer } from './helpers.js';

describe('transfer', () => {
  it("moves marked buffers to the worker: the sender's copy is detached, the worker got every byte", async () => {
    const { mat } = recordingMaterializer();
    const sent = Array.from({ length: 20 }, (_, i) => new Uint8Array(4096).fill(i + 1));
    const out = await Source.from(sent)
      .map((b) => transfer(b))
      .via(behaviour<Uint8Array, [number, number]>('byteSums'))
      .runWith(Sink.seq<[number, number]>(), mat);
    expect(out).toEqual(sent.map((_, i) => [4096, 4096 * (i + 1)]));
    for (const b of sent) expect(b.byteLength).toBe(0);
  });

  it('copies unmarked buffers: the sender keeps its data', async () => {
    const { mat } = recordingMaterializer();
    const sent = [new Uint8Array(1000).fill(3), new Uint8Array(10).fill(9)];
    const out = await Source.from(sent).via(behaviour<Uint8Array, [number, number]>('byteSums')).runWith(Sink.seq<[number, number]>(), mat);
    expect(out).toEqual([
      [1000, 3000],
      [10, 90],
    ]);
    expect(sent.map((b) => b.byteLength)).toEqual([1000, 10]);
  });

  it('copies a marked view that covers only part of its buffer (moving it would detach the rest)', async () => {
    const { mat } = recordingMaterializer();
    const whole = new Uint8Array(100).fill(1);
    const part = whole.subarray(10, 20);
    const out = await Source.single(part)
      .map((b) => transfer(b))
      .via(behaviour<Uint8Array, [number, number]>('byteSums'))
      .runWith(Sink.seq<[number, number]>(), mat);
    expect(out).toEqual([[10, 10]]);
    expect(whole.byteLength).toBe(100);
  });

  it('moves buffers the worker marks back to the main thread', async () => {
    const { mat } = recordingMaterializer();
    const out = await Source.from([1, 2, 3]).via(behaviour<number, Uint8Array>('buffers')).runWith(Sink.seq<Uint8Array>(), mat);
    expect(out.map((b) => [b.byteLength, b[0]])).toEqual([
      [1024, 1],
      [1024, 2],
      [1024, 3],
    ]);
  });

  it('an explicit list moves the buffers inside an object', async () => {
    const a = new ArrayBuffer(8);
    const element = { payload: a, note: 'x' };
    expect(transfer(element, [a])).toBe(element);
  });

  it('rejects what cannot be marked', () => {
    expect(() => transfer(1 as unknown as object)).toThrow('transfer(value): only objects can be marked for transfer, got number');
    expect(() => transfer({ a: 1 })).toThrow('transfer(value): give a transfer list for a value that is not an ArrayBuffer, a Buffer or a typed array');
  });
});
