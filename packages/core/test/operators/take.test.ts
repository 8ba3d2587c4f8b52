import { Flow, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

describe('take', () => {
  it('emits only on demand', async () => {
    const [up, down] = probe(Flow.create<number>().take(5));
    down.request(2);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 2]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    down.request(1);
    await down.expectNext(3);
    down.cancel();
  });

  it('after n elements completes downstream and cancels upstream, without pulling element n+1', async () => {
    const [up, down] = probe(Flow.create<number>().take(2));
    down.request(10);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 2]);
    await down.expectComplete();
    await up.expectCancellation();
    expect(up.pending).toBe(0); // every pull was answered: no pull for a third element
  });

  it('does not read element n+1 of a lazy source', async () => {
    let read = 0;
    const gen = function* (): Generator<number> {
      for (let i = 1; ; i++) {
        read++;
        yield i;
      }
    };
    expect(await Source.from(gen()).take(3).runWith(Sink.seq())).toEqual([1, 2, 3]);
    expect(read).toBe(3);
  });

  it('completes with exactly n elements when n were demanded (no extra demand needed)', async () => {
    const down = Source.repeat('x').take(3).runWith(TestSink.probe<string>());
    down.request(3);
    await down.expectNextN(['x', 'x', 'x']);
    await down.expectComplete();
  });

  it('take(0) completes immediately, without demand, and cancels upstream without pulling', async () => {
    const [up, down] = probe(Flow.create<number>().take(0));
    await down.expectComplete();
    await up.expectCancellation();
    expect(up.pending).toBe(0);
  });

  it('completes early when upstream completes before n elements', async () => {
    const [up, down] = probe(Flow.create<number>().take(10));
    down.request(10);
    up.sendNextN([1, 2]).sendComplete();
    await down.expectNextN([1, 2]);
    await down.expectComplete();
  });

  it('take(Infinity) passes everything', async () => {
    expect(await Source.range(1, 5).take(Infinity).runWith(Sink.seq())).toEqual([1, 2, 3, 4, 5]);
  });

  it('counts per materialization', async () => {
    const src = Source.range(1, 10).take(2);
    expect(await src.runWith(Sink.seq())).toEqual([1, 2]);
    expect(await src.runWith(Sink.seq())).toEqual([1, 2]);
  });

  it('propagates upstream completion', async () => {
    const [up, down] = probe(Flow.create<number>().take(3));
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().take(3));
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<number>().take(3));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
