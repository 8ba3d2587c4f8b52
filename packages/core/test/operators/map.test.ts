import { Flow, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

describe('map', () => {
  it('emits only on demand and pulls upstream once per requested element', async () => {
    const [up, down] = probe(Flow.create<number>().map((x) => x * 10));
    down.request(2);
    up.sendNextN([1, 2, 3, 4]);
    await down.expectNext(10);
    await down.expectNext(20);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    down.request(1);
    await down.expectNext(30);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 1);
    down.cancel();
  });

  it('transforms every element with f, in order, and may change the type', async () => {
    const out = await Source.range(1, 4)
      .map((x) => `#${x}`)
      .runWith(Sink.seq());
    expect(out).toEqual(['#1', '#2', '#3', '#4']);
  });

  it('calls f exactly once per element, never ahead of demand', async () => {
    const seen: number[] = [];
    const down = Source.range(1, 100)
      .map((x) => {
        seen.push(x);
        return x;
      })
      .runWith(TestSink.probe<number>());
    await down.expectNoMessageWhenIdle();
    expect(seen).toEqual([]);
    down.request(3);
    await down.expectNextN([1, 2, 3]);
    await down.expectNoMessageWhenIdle();
    expect(seen).toEqual([1, 2, 3]);
    down.cancel();
  });

  it('passes falsy results (0, "", false, null) through', async () => {
    const out = await Source.from([0, 1, 2, 3])
      .map((x) => [0, '', false, null][x])
      .runWith(Sink.seq());
    expect(out).toEqual([0, '', false, null]);
  });

  it('propagates upstream completion', async () => {
    const [up, down] = probe(Flow.create<number>().map((x) => x + 1));
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('completes right after the last element without extra demand', async () => {
    const [up, down] = probe(Flow.create<number>().map((x) => x + 1));
    down.request(2);
    up.sendNextN([1, 2]).sendComplete();
    await down.expectNextN([2, 3]);
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().map((x) => x + 1));
    down.request(3);
    up.sendNext(1);
    await down.expectNext(2);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<number>().map((x) => x + 1));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });

  it('a failing f fails the stream with that error and cancels upstream', async () => {
    const e = boom();
    const [up, down] = probe(
      Flow.create<number>().map((x) => {
        if (x === 2) throw e;
        return x;
      }),
    );
    down.request(5);
    up.sendNextN([1, 2, 3]);
    await down.expectNext(1);
    expect(await down.expectError()).toBe(e);
    await up.expectCancellation();
  });
});
