import { Flow, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const even = (x: number): boolean => x % 2 === 0;

describe('filter', () => {
  it('emits only on demand; pulls again when p rejects an element', async () => {
    const [up, down] = probe(Flow.create<number>().filter(even));
    down.request(1);
    up.sendNextN([1, 2, 3, 4, 5, 6]);
    await down.expectNext(2);
    await down.expectNoMessageWhenIdle();
    // one pull for 1 (rejected), one for 2 (passed) — nothing beyond the demand
    await expectRequests(up, 2);
    down.request(2);
    await down.expectNext(4);
    await down.expectNext(6);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 4);
    down.cancel();
  });

  it('passes exactly the elements for which p holds, in order', async () => {
    expect(await Source.range(1, 6).filter(even).runWith(Sink.seq())).toEqual([2, 4, 6]);
  });

  it('treats truthy/falsy results of p as true/false', async () => {
    const out = await Source.from([0, 1, 2, 3])
      .filter((x) => [1, 0, 'yes', ''][x] as unknown as boolean)
      .runWith(Sink.seq());
    expect(out).toEqual([0, 2]);
  });

  it('emits nothing and completes when p never holds', async () => {
    const [up, down] = probe(Flow.create<number>().filter(() => false));
    down.request(1);
    up.sendNextN([1, 2, 3]).sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream completion', async () => {
    const [up, down] = probe(Flow.create<number>().filter(even));
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().filter(even));
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<number>().filter(even));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });

  it('fused with map (range → filter → map): same order of calls and demand as separate stages', async () => {
    const calls: string[] = [];
    const down = Source.range(1, 100)
      .filter((x) => {
        calls.push(`p${x}`);
        return even(x);
      })
      .map((x) => {
        calls.push(`f${x}`);
        return x * 10;
      })
      .runWith(TestSink.probe<number>());
    down.request(2);
    await down.expectNext(20);
    await down.expectNext(40);
    await down.expectNoMessageWhenIdle();
    expect(calls).toEqual(['p1', 'p2', 'f2', 'p3', 'p4', 'f4']);
    down.cancel();
  });

  it('a long run of rejected elements still completes (fused source)', async () => {
    const out = await Source.range(1, 5000)
      .filter((x) => x === 4999)
      .runWith(Sink.seq());
    expect(out).toEqual([4999]);
  });
});
