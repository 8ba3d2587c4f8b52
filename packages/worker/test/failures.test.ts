/**
 * Failures cross the thread boundary recognisably: the error of a worker's flow fails the stream after
 * the outputs that preceded it, with its class (built-in ones), message, stack and properties, and the
 * worker stage where it started; an upstream failure goes through the worker's flow (a recover there
 * sees it) and comes back as the very same object; a module that cannot give a flow fails the stream
 * with a message that says why.
 */

import { Keep, Sink, Source } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { WorkerFlow } from '@tributary/worker';
import { describe, expect, it } from 'vitest';
import { behaviour, behaviours, doubleJs, probeSettings, recordingMaterializer, runThrough } from './helpers.js';

describe("a failure in the worker's flow", () => {
  it('fails the stream with the same kind of error, message and stack, naming the worker stage; earlier outputs come first', async () => {
    const { mat } = recordingMaterializer();
    const [handle, probe] = Source.from([1, 2, 3, 4, 5])
      .viaMat(behaviour<number, number>('throwsAt', { workerData: 4 }), Keep.right)
      .toMat(TestSink.probe<number>(probeSettings), Keep.both)
      .run(mat);
    probe.request(10);
    await probe.expectNextN([1, 2, 3]);
    const error = (await probe.expectError()) as RangeError & { workerStage?: string; workerThreadId?: number };
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('element 4 is out of range');
    expect(error.stack).toMatch(/^RangeError: element 4 is out of range\n\s+at .*behaviours\.ts/);
    expect(error.workerStage).toBe('validate');
    const [threadId] = await handle.ready;
    expect(error.workerThreadId).toBe(threadId);
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
  });

  it('is reported once, by the main stream, as every failure nobody awaited is', async () => {
    const { mat, logs } = recordingMaterializer();
    const [handle] = runThrough([1, 2, 3], behaviour<number, number>('throwsAt', { workerData: 2 }), Sink.ignore(), mat);
    await handle.terminated;
    for (let i = 0; i < 200 && (mat.runningIslands > 0 || logs.length === 0); i++) await new Promise((r) => setTimeout(r, 5));
    expect(logs).toHaveLength(1);
    const error = logs[0]!.error as Error;
    expect([error.name, error.message]).toEqual(['RangeError', 'element 2 is out of range']);
    expect(logs[0]!.message).toContain('failed in stage "WorkerFlow(behaviours.ts)"');
  });

  it("keeps a custom error's name and own properties (a plain Error carries them)", async () => {
    const { mat } = recordingMaterializer();
    const [, done] = runThrough([1, 2, 3, 4], behaviour<number, number>('customError'), Sink.seq<number>(), mat);
    const error = (await done.catch((e: unknown) => e)) as Error & { code?: string; offset?: number };
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ParseError');
    expect(error.message).toBe('unexpected token');
    expect([error.code, error.offset]).toEqual(['E_PARSE', 17]);
    expect(String(error.stack)).toMatch(/^ParseError: unexpected token/);
  });

  it('a thrown non-Error crosses as itself', async () => {
    const { mat } = recordingMaterializer();
    const [, done] = runThrough([1, 2, 3], behaviour<number, number>('throwsString'), Sink.seq<number>(), mat);
    await expect(done).rejects.toBe('plain string failure');
  });

  it('with 3 threads, fails the stream and ends every worker', async () => {
    const { mat } = recordingMaterializer();
    const xs = Array.from({ length: 300 }, (_, i) => i);
    const [handle, done] = runThrough(
      xs,
      behaviour<number, number>('throwsAt', { threads: 3, workerData: 150, bufferSize: 8, batchSize: 2 }),
      Sink.ignore(),
      mat,
    );
    await expect(done).rejects.toThrow('element 150 is out of range');
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
  });

  it('an output that structured clone cannot send fails the stream, saying so', async () => {
    const { mat } = recordingMaterializer();
    const [, done] = runThrough([1], behaviour<number, unknown>('unsendable'), Sink.seq<unknown>(), mat);
    await expect(done).rejects.toThrow(/could not be sent to the main thread .*structured clone/);
  });

  it('an input that structured clone cannot send fails the stream, saying so', async () => {
    const { mat } = recordingMaterializer();
    const [handle, done] = runThrough([() => 1], WorkerFlow.create<unknown, unknown>(behaviours, { exportName: 'jitter' }), Sink.seq<unknown>(), mat);
    await expect(done).rejects.toThrow(/could not be sent to a worker thread .*structured clone/);
    await handle.terminated;
  });
});

describe('an upstream failure', () => {
  it("passes through the worker's flow after the elements before it, and comes back as the very same error", async () => {
    const { mat } = recordingMaterializer();
    const [[up, handle], down] = TestSource.probe<number>(probeSettings)
      .viaMat(WorkerFlow.create<number, number>(doubleJs), Keep.both)
      .toMat(TestSink.probe<number>(probeSettings), Keep.both)
      .run(mat);
    const e = new Error('upstream broke');
    down.request(5);
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2);
    await up.expectRequest();
    up.sendError(e);
    await down.expectNextN([2, 4]);
    expect(await down.expectError()).toBe(e);
    await handle.terminated;
  });

  it('is seen by a recover inside the worker, which turns it into an element', async () => {
    const { mat } = recordingMaterializer();
    const [up, out] = TestSource.probe<number>(probeSettings).via(behaviour<number, unknown>('recovers')).toMat(Sink.seq<unknown>(), Keep.both).run(mat);
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2);
    await up.expectRequest();
    up.sendError(new Error('late failure'));
    expect(await out).toEqual([1, 2, 'recovered: late failure']);
  });
});

describe('a module that gives no flow', () => {
  it('fails the stream naming the export and what it was', async () => {
    const { mat } = recordingMaterializer();
    const [handle, done] = runThrough([1], behaviour<number, number>('notAFlow'), Sink.seq<number>(), mat);
    await expect(done).rejects.toThrow('WorkerFlow(behaviours.ts): export "notAFlow" must be a Flow, or a function returning one; got 42');
    await expect(handle.ready).rejects.toThrow(/must be a Flow/);
    await handle.terminated;
  });

  it('a function that returns something else fails the same way', async () => {
    const { mat } = recordingMaterializer();
    const [, done] = runThrough([1], behaviour<number, number>('returnsNothing'), Sink.seq<number>(), mat);
    await expect(done).rejects.toThrow('export "returnsNothing" must be a Flow, or a function returning one; got undefined');
  });

  it('a missing export is named', async () => {
    const { mat } = recordingMaterializer();
    const [, done] = runThrough([1], behaviour<number, number>('noSuchExport'), Sink.seq<number>(), mat);
    await expect(done).rejects.toThrow('the module has no export named "noSuchExport"');
  });

  it('a module that throws while loading fails the stream with its error', async () => {
    const { mat } = recordingMaterializer();
    const [handle, done] = runThrough([1], WorkerFlow.create<number, number>(new URL('./fixtures/topLevelThrow.ts', import.meta.url)), Sink.seq<number>(), mat);
    await expect(done).rejects.toThrow('this module refuses to load');
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
  });
});
