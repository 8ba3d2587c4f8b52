/**
 * Ordering with several threads pairs each output with its input, so it holds exactly for flows that
 * emit one element per input — and a flow that does not is caught, not silently misordered forever.
 * A flow that stops taking input early (take) stops the whole WorkerFlow's input, as it would in one process.
 */

import { Sink, Source } from '@tributary/core';
import { WorkerFlowOrderingError } from '@tributary/worker';
import { describe, expect, it } from 'vitest';
import { behaviour, recordingMaterializer } from './helpers.js';

describe('ordering', () => {
  it('ordered with 2 threads and a flow that drops elements fails with a WorkerFlowOrderingError', async () => {
    const { mat } = recordingMaterializer();
    const done = Source.range(1, 200)
      .via(behaviour<number, number>('evens', { threads: 2, bufferSize: 8, batchSize: 2 }))
      .runWith(Sink.seq<number>(), mat);
    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerFlowOrderingError);
    expect((error as Error).message).toMatch(/completed with \d+ of its inputs unanswered; ordered: true with threads > 1 pairs each output with its input/);
  });

  it('ordered: false with 2 threads takes any flow: all outputs, in no particular order', async () => {
    const { mat } = recordingMaterializer();
    const out = await Source.range(1, 200)
      .via(behaviour<number, number>('evens', { threads: 2, ordered: false, bufferSize: 8, batchSize: 2 }))
      .runWith(Sink.seq<number>(), mat);
    expect([...out].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => 2 * (i + 1)));
  });

  it('a flow that stops taking input (take) cancels upstream and completes, as in one process', async () => {
    const { mat } = recordingMaterializer();
    let pulled = 0;
    const out = await Source.range(1, 1_000_000)
      .map((x) => {
        pulled++;
        return x;
      })
      .via(behaviour<number, number>('takeN', { workerData: 5, bufferSize: 16 }))
      .runWith(Sink.seq<number>(), mat);
    expect(out).toEqual([1, 2, 3, 4, 5]);
    expect(pulled).toBeLessThanOrEqual(32);
  });
});
