import { Writable } from 'node:stream';
import { Source, StreamConverters } from '@tributary/core';
import { TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './harness.js';

/** An object-mode writable whose writes complete only when the test says so. */
function manual(highWaterMark: number): Writable & { pending: Array<() => void>; got: unknown[] } {
  const w = new Writable({
    objectMode: true,
    highWaterMark,
    write(chunk, _enc, cb) {
      w.got.push(chunk);
      w.pending.push(cb);
    },
  }) as Writable & { pending: Array<() => void>; got: unknown[] };
  w.pending = [];
  w.got = [];
  return w;
}

describe('StreamConverters.fromWritable', () => {
  it('stops pulling when write() returns false and resumes on drain', async () => {
    const w = manual(2);
    const [up, done] = TestSource.probe<number>()
      .toMat(
        StreamConverters.fromWritable<number>(() => w),
        (a, b) => [a, b] as const,
      )
      .run();
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2); // the buffer reached highWaterMark: write() returned false
    await up.expectNoMessageWhenIdle();
    w.pending.shift()!();
    w.pending.shift()!();
    await up.expectRequest(); // 'drain'
    up.sendComplete();
    await eventually(() => w.writableEnded, 'end()');
    expect(w.got).toEqual([1, 2]);
    await done;
  });

  it('destroys the writable with the stream failure, and fails when the writable errors', async () => {
    const w = manual(4);
    const e = boom();
    await expect(Source.failed(e).runWith(StreamConverters.fromWritable(() => w))).rejects.toBe(e);
    expect(w.destroyed).toBe(true);

    const e2 = boom('write failed');
    const broken = new Writable({
      objectMode: true,
      write(_c, _e, cb) {
        cb(e2);
      },
    });
    const [up, done] = TestSource.probe<number>()
      .toMat(
        StreamConverters.fromWritable<number>(() => broken),
        (a, b) => [a, b] as const,
      )
      .run();
    await up.expectRequest();
    up.sendNext(1);
    await expect(done).rejects.toBe(e2);
    expect(await up.expectCancellation()).toBe(e2);
  });
});
