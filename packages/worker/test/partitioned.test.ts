/**
 * WorkerFlow.partitioned: the key picks the worker, so elements with equal keys go through the same
 * worker in order (a stateful flow keeps its state per key), different keys run in parallel.
 */

import { Attributes, Sink, Source, Supervision } from '@tributary/core';
import { WorkerFlow } from '@tributary/worker';
import { describe, expect, it } from 'vitest';
import { behaviours, recordingMaterializer } from './helpers.js';

describe('WorkerFlow.partitioned', () => {
  it('sends equal keys to the same worker and keeps their order; spreads keys over the workers', async () => {
    const { mat } = recordingMaterializer();
    const xs = Array.from({ length: 500 }, (_, i) => i);
    const out = await Source.from(xs)
      .via(
        WorkerFlow.partitioned<number, [number, number]>(behaviours, {
          exportName: 'tagThread',
          threads: 3,
          partitionBy: (x) => x % 7,
          bufferSize: 8,
          batchSize: 2,
        }),
      )
      .runWith(Sink.seq<[number, number]>(), mat);
    expect(out.map(([x]) => x).sort((a, b) => a - b)).toEqual(xs);
    const threadOfKey = new Map<number, Set<number>>();
    const orderOfKey = new Map<number, number[]>();
    for (const [x, thread] of out) {
      threadOfKey.set(x % 7, (threadOfKey.get(x % 7) ?? new Set()).add(thread));
      orderOfKey.set(x % 7, [...(orderOfKey.get(x % 7) ?? []), x]);
    }
    for (const threads of threadOfKey.values()) expect(threads.size).toBe(1);
    for (const order of orderOfKey.values()) expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(out.map(([, t]) => t)).size).toBe(3);
  });

  it('string keys: equal strings, same worker', async () => {
    const { mat } = recordingMaterializer();
    const words = ['a', 'b', 'c', 'd', 'e', 'f'];
    const xs = Array.from({ length: 120 }, (_, i) => i);
    const out = await Source.from(xs)
      .via(WorkerFlow.partitioned<number, [number, number]>(behaviours, { exportName: 'tagThread', threads: 2, partitionBy: (x) => words[x % 6]! }))
      .runWith(Sink.seq<[number, number]>(), mat);
    const byWord = new Map<string, Set<number>>();
    for (const [x, t] of out) byWord.set(words[x % 6]!, (byWord.get(words[x % 6]!) ?? new Set()).add(t));
    for (const threads of byWord.values()) expect(threads.size).toBe(1);
  });

  it('partitionBy throwing fails the stream, or drops the element under resume', async () => {
    const { mat } = recordingMaterializer();
    const e = new Error('no key');
    const partitionBy = (x: number) => {
      if (x === 3) throw e;
      return x;
    };
    const flow = WorkerFlow.partitioned<number, [number, number]>(behaviours, { exportName: 'tagThread', threads: 2, partitionBy });
    await expect(Source.from([1, 2, 3, 4]).via(flow).runWith(Sink.seq(), mat)).rejects.toBe(e);
    const resumed = await Source.from([1, 2, 3, 4])
      .via(flow.withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider)))
      .runWith(Sink.seq<[number, number]>(), mat);
    expect(resumed.map(([x]) => x).sort()).toEqual([1, 2, 4]);
  });

  it('a key that is not a string, number, bigint or boolean fails the stream, saying so', async () => {
    const { mat } = recordingMaterializer();
    const flow = WorkerFlow.partitioned<number, unknown>(behaviours, { exportName: 'tagThread', threads: 2, partitionBy: () => ({}) as unknown as string });
    await expect(Source.single(1).via(flow).runWith(Sink.seq(), mat)).rejects.toThrow(
      'WorkerFlow(behaviours.ts): partitionBy must return a string, number, bigint or boolean key, got object',
    );
  });
});
