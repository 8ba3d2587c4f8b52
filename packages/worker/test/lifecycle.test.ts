/**
 * No worker thread outlives its stream: completion, downstream cancellation, failure and materializer
 * shutdown end every thread (after the worker's own stages ran their clean-up), and a worker too busy
 * to hear that it should stop is terminated after `terminateTimeoutMs`.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keep, Sink, Source } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { WorkerFlow } from '@tributary/worker';
import { describe, expect, it } from 'vitest';
import { behaviour, doubleJs, eventually, osThreadCount, probeSettings, recordingMaterializer, tempDir } from './helpers.js';

describe('worker threads end with the stream', () => {
  it("downstream cancellation cancels upstream, runs the worker flow's clean-up, and ends every thread", async () => {
    const { mat } = recordingMaterializer();
    // libuv's thread pool starts with the first file read and stays: start it before counting.
    await readFile(fileURLToPath(import.meta.url));
    const baseline = osThreadCount();
    const marker = join(tempDir(), 'cleanup');
    const [[up, handle], down] = TestSource.probe<number>(probeSettings)
      .viaMat(behaviour<number, number>('cleansUp', { threads: 2, workerData: { marker } }), Keep.both)
      .toMat(TestSink.probe<number>(probeSettings), Keep.both)
      .run(mat);
    const ids = await handle.ready;
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(handle.threadIds).toEqual(ids);
    expect(osThreadCount()).toBeGreaterThanOrEqual(baseline + 2);
    down.request(1);
    await up.expectRequest();
    up.sendNext(7);
    await down.expectNext(7);
    down.cancel();
    await up.expectCancellation();
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
    expect(readFileSync(marker, 'utf8')).toBe('completed');
    await eventually(() => osThreadCount() <= baseline, 'the OS threads of the workers to be gone');
  });

  it('completion ends the threads: terminated resolves, no thread id is left', async () => {
    const { mat } = recordingMaterializer();
    const [handle, done] = Source.range(1, 100)
      .viaMat(WorkerFlow.create<number, number>(doubleJs, { threads: 3 }), Keep.right)
      .toMat(
        Sink.fold(0, (a: number, x: number) => a + x),
        Keep.both,
      )
      .run(mat);
    expect(await done).toBe(10100);
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
  });

  it('materializer shutdown ends the threads', async () => {
    const { mat } = recordingMaterializer();
    const [handle, done] = Source.never<number>()
      .viaMat(WorkerFlow.create<number, number>(doubleJs, { threads: 2 }), Keep.right)
      .toMat(Sink.ignore(), Keep.both)
      .run(mat);
    await handle.ready;
    mat.shutdown();
    await expect(done).rejects.toThrow();
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
  });

  it('a worker too busy to stop is terminated after terminateTimeoutMs', async () => {
    const { mat } = recordingMaterializer();
    const [[up, handle], down] = TestSource.probe<number>(probeSettings)
      .viaMat(behaviour<number, number>('spinsAt', { workerData: 2, terminateTimeoutMs: 200 }), Keep.both)
      .toMat(TestSink.probe<number>(probeSettings), Keep.both)
      .run(mat);
    down.request(5);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext(1);
    await up.expectRequest();
    up.sendNext(2); // the worker now spins forever
    await new Promise<void>((r) => setTimeout(r, 100));
    down.cancel();
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
  });

  it('cancellation before the workers are ready still ends them, and ready rejects', async () => {
    const { mat } = recordingMaterializer();
    const [handle, down] = Source.never<number>()
      .viaMat(WorkerFlow.create<number, number>(doubleJs, { threads: 2 }), Keep.right)
      .toMat(TestSink.probe<number>(probeSettings), Keep.both)
      .run(mat);
    down.cancel();
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
    await expect(handle.ready).rejects.toThrow('the stream ended before every worker was ready');
  });
});
