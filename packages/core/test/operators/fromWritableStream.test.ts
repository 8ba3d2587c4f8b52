import { Source, StreamConverters } from '@tributary/core';
import { TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { sendWhileRequested } from '../interop/rsHelpers.js';
import { boom, eventually } from './harness.js';

describe('StreamConverters.fromWritableStream', () => {
  it('pulls only while the writer desiredSize > 0, waits for ready otherwise', async () => {
    const got: number[] = [];
    const pending: Array<() => void> = [];
    const ws = new WritableStream<number>(
      {
        write(x) {
          got.push(x);
          return new Promise<void>((r) => pending.push(r));
        },
      },
      { highWaterMark: 2 },
    );
    const [up, done] = TestSource.probe<number>()
      .toMat(
        StreamConverters.fromWritableStream<number>(() => ws),
        (a, b) => [a, b] as const,
      )
      .run();
    let sent = await sendWhileRequested(up, (i) => i);
    expect(sent).toBeLessThanOrEqual(3); // one being written, two queued (highWaterMark 2)
    pending.shift()!();
    await up.expectRequest();
    up.sendNext(sent++);
    up.sendComplete();
    // Let every write finish; the close completes after the last one.
    await eventually(() => {
      while (pending.length > 0) pending.shift()!();
      return got.length === sent;
    }, 'all writes');
    await done;
    expect(got).toEqual(Array.from({ length: sent }, (_, i) => i));
  });

  it('aborts on stream failure; fails the stream when a write fails', async () => {
    const e = boom();
    let aborted: unknown;
    const ws = new WritableStream<number>({
      abort(reason) {
        aborted = reason;
      },
    });
    await expect(Source.failed<number>(e).runWith(StreamConverters.fromWritableStream(() => ws))).rejects.toBe(e);
    await eventually(() => aborted === e, 'abort(e)');

    const e2 = boom();
    const broken = new WritableStream<number>({
      write() {
        throw e2;
      },
    });
    await expect(Source.range(1, 10).runWith(StreamConverters.fromWritableStream(() => broken))).rejects.toBe(e2);
  });
});
