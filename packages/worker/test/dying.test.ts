/**
 * A worker thread that dies — it calls process.exit, an error escapes the stream, it runs out of
 * memory — fails the stream with a WorkerDiedError that says what happened; under `restart` settings
 * it is replaced and its unanswered elements are retried (or given up, with `inFlight: 'drop'`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RestartSettings, Sink, Source } from '@tributary/core';
import { WorkerDiedError } from '@tributary/worker';
import { describe, expect, it } from 'vitest';
import { behaviour, recordingMaterializer, runThrough, tempDir } from './helpers.js';

const xs = Array.from({ length: 200 }, (_, i) => i);

describe('a dying worker', () => {
  it('process.exit fails the stream with a WorkerDiedError carrying the exit code', async () => {
    const { mat } = recordingMaterializer();
    const [handle, done] = runThrough(xs, behaviour<number, number>('exitsAt', { workerData: 50 }), Sink.seq<number>(), mat);
    const error = (await done.catch((e: unknown) => e)) as WorkerDiedError;
    expect(error).toBeInstanceOf(WorkerDiedError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/^WorkerFlow\(behaviours\.ts\): worker thread \d+ exited with code 3 while its stream was running$/);
    const [threadId] = await handle.ready;
    expect(error.threadId).toBe(threadId);
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
  });

  it('an error thrown outside the stream (in a timer) fails it with a WorkerDiedError whose cause is that error', async () => {
    const { mat } = recordingMaterializer();
    // The input never ends, so the error surely escapes while the stream runs.
    const done = Source.from(xs)
      .concat(Source.never())
      .via(behaviour<number, number>('throwsOutsideAt', { workerData: 10 }))
      .runWith(Sink.ignore(), mat);
    const error = (await done.catch((e: unknown) => e)) as WorkerDiedError;
    expect(error).toBeInstanceOf(WorkerDiedError);
    expect(error.message).toMatch(/worker thread \d+ failed with an uncaught error: escaped the stream$/);
    expect((error.cause as Error).message).toBe('escaped the stream');
  });

  it('running out of memory (resourceLimits) fails the stream with a WorkerDiedError that says so', async () => {
    const { mat } = recordingMaterializer();
    const flow = behaviour<number, number>('exhaustsMemoryAt', { workerData: 5, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } });
    const [handle, done] = runThrough(xs, flow, Sink.ignore(), mat);
    const error = (await done.catch((e: unknown) => e)) as WorkerDiedError;
    expect(error).toBeInstanceOf(WorkerDiedError);
    expect(error.message).toMatch(/worker thread \d+ ran out of memory/);
    expect((error.cause as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    await handle.terminated;
  }, 60_000);

  it('with restart settings, is replaced; its unanswered elements are retried: every output exactly once, in order', async () => {
    const { mat, logs } = recordingMaterializer();
    const marker = join(tempDir(), 'died');
    const flow = behaviour<number, number>('diesOnceAt', {
      workerData: { n: 120, marker },
      restart: RestartSettings.create(10, 100, 0),
      bufferSize: 16,
      batchSize: 4,
    });
    const [handle, done] = runThrough(xs, flow, Sink.seq<number>(), mat);
    expect(await done).toEqual(xs);
    expect(readFileSync(marker, 'utf8')).toBe('died');
    expect(handle.restarts).toBe(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.message).toMatch(
      /worker thread \d+ died; starting a replacement in 10 ms \(restart #1\); \d+ element\(s\) it had not answered will be sent to its replacement/,
    );
    expect(logs[0]!.error).toBeInstanceOf(WorkerDiedError);
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
  });

  it('with restart settings and 2 ordered threads, order is kept across the replacement (with outputs of the dead worker still waiting)', async () => {
    const { mat } = recordingMaterializer();
    const marker = join(tempDir(), 'died');
    const flow = behaviour<number, number>('diesOnceAt', {
      threads: 2,
      workerData: { n: 77, marker },
      restart: RestartSettings.create(10, 100, 0),
      bufferSize: 8,
      batchSize: 2,
    });
    const out: number[] = [];
    // A slow consumer, so that outputs of the dying worker wait in the main thread when it dies.
    const consumer = Sink.foreachAsync(1, async (x: number) => {
      out.push(x);
      if (x % 8 === 0) await new Promise<void>((r) => setTimeout(r, 5));
    });
    const [handle, done] = runThrough(xs, flow, consumer, mat);
    await done;
    expect(out).toEqual(xs);
    expect(handle.restarts).toBe(1);
  });

  it("inFlight: 'drop' gives the unanswered elements up and says how many; the rest comes through in order", async () => {
    const { mat, logs } = recordingMaterializer();
    const marker = join(tempDir(), 'died');
    const flow = behaviour<number, number>('diesOnceAt', {
      workerData: { n: 120, marker },
      restart: RestartSettings.create(10, 100, 0),
      inFlight: 'drop',
      bufferSize: 16,
      batchSize: 4,
    });
    const [, done] = runThrough(xs, flow, Sink.seq<number>(), mat);
    const out = await done;
    const lost = Number(/(\d+) element\(s\) it had been sent and not answered are given up/.exec(logs[0]!.message)?.[1]);
    expect(lost).toBeGreaterThan(0);
    expect(out).toHaveLength(xs.length - lost);
    expect(out).not.toContain(120);
    expect([...out].sort((a, b) => a - b)).toEqual(out);
    // What was lost is the run the dead worker held: the elements from 120 on that it had been sent.
    expect(xs.filter((x) => !out.includes(x))).toEqual(Array.from({ length: lost }, (_, i) => xs.find((x) => !out.includes(x))! + i));
  });

  it('restart budget spent: the next death fails the stream', async () => {
    const { mat } = recordingMaterializer();
    const flow = behaviour<number, number>('exitsAt', { workerData: 30, restartSettings: RestartSettings.create(10, 100, 0).withMaxRestarts(1, 60_000) });
    const [handle, done] = runThrough(xs, flow, Sink.ignore(), mat);
    const error = (await done.catch((e: unknown) => e)) as WorkerDiedError;
    expect(error).toBeInstanceOf(WorkerDiedError);
    expect(error.exitCode).toBe(3);
    expect(handle.restarts).toBe(1);
    await handle.terminated;
    expect(handle.threadIds).toEqual([]);
  });
});
