import { Materializer, Source, StreamConverters } from '@tributary/core';
import { TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

describe('StreamConverters.asReadableStream', () => {
  it('pulls only while desiredSize > 0', async () => {
    const [up, stream] = TestSource.probe<number>()
      .toMat(StreamConverters.asReadableStream<number>({ highWaterMark: 2 }), (a, b) => [a, b] as const)
      .run();
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2);
    await up.expectNoMessageWhenIdle(); // queue full (2)
    const reader = stream.getReader();
    expect(await reader.read()).toEqual({ done: false, value: 1 });
    await up.expectRequest();
    await reader.cancel('bye');
    await up.expectCancellation();
  });

  it('closes on completion and errors on failure', async () => {
    const got: number[] = [];
    for await (const x of Source.range(1, 3).runWith(StreamConverters.asReadableStream<number>()) as unknown as AsyncIterable<number>) got.push(x);
    expect(got).toEqual([1, 2, 3]);
    const e = boom();
    // A WHATWG stream cannot tell whether its reader looked at the error: the expected failure would be logged.
    const reader = Source.failed<number>(e)
      .runWith(StreamConverters.asReadableStream<number>(), new Materializer({ logger: null }))
      .getReader();
    await expect(reader.read()).rejects.toBe(e);
  });
});
