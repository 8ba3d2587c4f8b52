import { describe, expect, it } from 'vitest';
import { Flow, Sink, Source } from '@tributary/core';
import { boom, expectRequests, probe, QUIET_MS } from './harness.js';

const runningSum = () => Flow.create<number>().statefulMap(() => 0, (sum, x) => [sum + x, sum + x] as const);

describe('statefulMap', () => {
  it('emits only on demand, one output per input', async () => {
    const [up, down] = probe(runningSum());
    down.request(2);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 3]);
    await down.expectNoMessage(QUIET_MS);
    await expectRequests(up, 2);
    down.request(1);
    await down.expectNext(6);
    down.cancel();
  });

  it('threads the state through f (doc example)', async () => {
    const out = await Source.from([1, 2, 3])
      .statefulMap(() => 0, (sum, x) => [sum + x, sum + x] as const)
      .runWith(Sink.seq());
    expect(out).toEqual([1, 3, 6]);
  });

  it('creates the state afresh for each materialization', async () => {
    let created = 0;
    const flow = Flow.create<number>().statefulMap(
      () => {
        created++;
        return [] as number[];
      },
      (seen: number[], x: number): [number[], number] => [[...seen, x], seen.length],
    );
    const src = Source.from([7, 8, 9]).via(flow);
    expect(await src.runWith(Sink.seq())).toEqual([0, 1, 2]);
    expect(await src.runWith(Sink.seq())).toEqual([0, 1, 2]);
    expect(created).toBe(2);
  });

  it('on completion emits the element onComplete returns, only when demanded, then completes', async () => {
    const [up, down] = probe(Flow.create<number>().statefulMap(() => 0, (s, x) => [s + x, s + x] as const, (s) => -s));
    down.request(3);
    up.sendNextN([1, 2, 3]).sendComplete();
    await down.expectNextN([1, 3, 6]);
    await down.expectNoMessage(QUIET_MS);
    down.request(1);
    await down.expectNext(-6);
    await down.expectComplete();
  });

  it('onComplete returning undefined completes without a final element', async () => {
    const [up, down] = probe(Flow.create<number>().statefulMap(() => 0, (s, x) => [s + x, x] as const, () => undefined));
    down.request(5);
    up.sendNextN([4, 5]).sendComplete();
    await down.expectNextN([4, 5]);
    await down.expectComplete();
  });

  it('on an empty stream, onComplete sees the initial state', async () => {
    const [up, down] = probe(Flow.create<number>().statefulMap(() => 100, (s, x) => [s, x] as const, (s) => s + 1));
    down.request(1);
    up.sendComplete();
    await down.expectNext(101);
    await down.expectComplete();
  });

  it('batches with state and flushes the remainder on completion', async () => {
    const out = await Source.range(1, 5)
      .statefulMap(
        () => [] as number[],
        (buf: number[], x: number): [number[], number[]] => (buf.length === 1 ? [[], [...buf, x]] : [[...buf, x], []]),
        (buf) => (buf.length > 0 ? buf : undefined),
      )
      .filter((xs) => xs.length > 0)
      .runWith(Sink.seq());
    expect(out).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('propagates upstream completion', async () => {
    const [up, down] = probe(runningSum());
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(runningSum());
    down.request(2);
    up.sendNext(1);
    await down.expectNext(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(runningSum());
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
