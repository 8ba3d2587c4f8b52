import { Sink, StreamConverters } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './harness.js';

function counting(n: number, highWaterMark = 2): { stream: ReadableStream<number>; pulls: () => number; cancelled: () => unknown } {
  let i = 0;
  let pulls = 0;
  let cancelled: unknown;
  const stream = new ReadableStream<number>(
    {
      pull(c) {
        pulls++;
        if (i < n) c.enqueue(i++);
        else c.close();
      },
      cancel(reason) {
        cancelled = reason ?? 'cancelled';
      },
    },
    { highWaterMark },
  );
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

describe('StreamConverters.fromReadableStream', () => {
  it('reads only as downstream pulls (the web stream fills its queue to its high-water mark)', async () => {
    const s = counting(100, 2);
    const down = StreamConverters.fromReadableStream(() => s.stream).runWith(TestSink.probe<number>());
    down.request(3);
    await down.expectNextN([0, 1, 2]);
    await down.expectNoMessageWhenIdle();
    expect(s.pulls()).toBeLessThanOrEqual(3 + 2);
    down.cancel();
    await eventually(() => s.cancelled() !== undefined, 'cancel reached the source');
  });

  it('completes and fails like the web stream', async () => {
    expect(await StreamConverters.fromReadableStream(() => counting(5).stream).runWith(Sink.seq())).toEqual([0, 1, 2, 3, 4]);
    const e = boom();
    const failing = new ReadableStream<number>({
      pull(c) {
        c.error(e);
      },
    });
    await expect(StreamConverters.fromReadableStream(() => failing).runWith(Sink.seq())).rejects.toBe(e);
  });
});
