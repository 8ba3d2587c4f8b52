/**
 * WorkerFlow end to end: elements through a flow on worker threads, in order, with the handle.
 */

import { Sink } from '@tributary/core';
import { WorkerFlow } from '@tributary/worker';
import { describe, expect, it } from 'vitest';
import { behaviour, doubleJs, recordingMaterializer, runThrough } from './helpers.js';

describe('WorkerFlow.create', () => {
  it("runs the module's flow on a worker thread: same output as in one process", async () => {
    const { mat } = recordingMaterializer();
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const [handle, out] = runThrough(xs, WorkerFlow.create<number, number>(doubleJs), Sink.seq<number>(), mat);
    const ids = await handle.ready;
    expect(ids).toHaveLength(1);
    expect(await out).toEqual(xs.map((x) => x * 2));
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
  });

  it('threads: 3, ordered: keeps input order although the workers finish elements out of order', async () => {
    const { mat } = recordingMaterializer();
    const xs = Array.from({ length: 600 }, (_, i) => i);
    const [handle, out] = runThrough(xs, behaviour<number, number>('jitter', { threads: 3, bufferSize: 16, batchSize: 4 }), Sink.seq<number>(), mat);
    expect(await out).toEqual(xs);
    expect(await handle.ready).toHaveLength(3);
  });
});
