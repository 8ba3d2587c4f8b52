/**
 * Demand across the thread boundary: downstream demand governs what is emitted, and upstream is pulled
 * only as far as the workers' buffers reach — `bufferSize` elements waiting in each worker for its flow
 * plus `bufferSize` of its outputs waiting here for downstream, never more, however slow downstream is.
 */

import { Keep, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { WorkerFlow } from '@tributary/worker';
import { describe, expect, it } from 'vitest';
import { doubleJs, eventually, probeSettings, recordingMaterializer } from './helpers.js';

/** Real-time quiet period: long enough for packets to cross threads a few times. */
const SETTLE_MS = 300;
const settle = () => new Promise<void>((r) => setTimeout(r, SETTLE_MS));

describe('demand across the boundary', () => {
  it('emits only what downstream requested; pulls upstream only as far as the two buffers reach', async () => {
    const { mat } = recordingMaterializer();
    const B = 8;
    let pulled = 0;
    const [handle, down] = Source.range(1, 1_000_000)
      .map((x) => {
        pulled++;
        return x;
      })
      .viaMat(WorkerFlow.create<number, number>(doubleJs, { bufferSize: B, batchSize: 2 }), Keep.right)
      .toMat(TestSink.probe<number>(probeSettings), Keep.both)
      .run(mat);
    await handle.ready;
    await eventually(() => pulled >= B, 'the worker to take its first buffer');
    await settle();
    // Nothing requested downstream: B outputs wait here, B inputs wait in the worker.
    expect(pulled).toBeGreaterThanOrEqual(B);
    expect(pulled).toBeLessThanOrEqual(2 * B);
    await down.expectNoMessage(50);

    let delivered = 0;
    for (const n of [1, 3, 5, 16, 2]) {
      down.request(n);
      for (let i = 0; i < n; i++) expect(await down.expectNext()).toBe(2 * ++delivered);
      await settle();
      await down.expectNoMessage(20);
      expect(pulled - delivered).toBeLessThanOrEqual(2 * B);
    }
    down.cancel();
    await handle.terminated;
  });

  it('a slow consumer: upstream stays within 2 × bufferSize per worker of what was consumed, for the whole run', async () => {
    const { mat } = recordingMaterializer();
    const B = 16;
    const threads = 2;
    let pulled = 0;
    let consumed = 0;
    let worst = 0;
    const done = Source.range(1, 400)
      .map((x) => {
        pulled++;
        return new Float64Array(64).fill(x);
      })
      .via(
        WorkerFlow.create<Float64Array, Float64Array>(new URL('./fixtures/double.mjs', import.meta.url), {
          exportName: 'identity',
          threads,
          bufferSize: B,
          batchSize: 4,
          ordered: false,
        }),
      )
      .runWith(
        Sink.foreachAsync(1, async () => {
          consumed++;
          worst = Math.max(worst, pulled - consumed);
          if (consumed % 20 === 0) await new Promise<void>((r) => setTimeout(r, 15));
        }),
        mat,
      );
    await done;
    expect(consumed).toBe(400);
    expect(worst).toBeLessThanOrEqual(threads * 2 * B);
    // The buffers were used: the consumer was the bottleneck, not the boundary.
    expect(worst).toBeGreaterThan(B);
  });
});
