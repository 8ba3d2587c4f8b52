import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const lt3 = (x: number): boolean => x < 3;

describe('takeWhile', () => {
  it('emits only on demand while p holds', async () => {
    const [up, down] = probe(Flow.create<number>().takeWhile((x) => x < 100));
    down.request(2);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 2]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    down.request(1);
    await down.expectNext(3);
    down.cancel();
  });

  it('the first element failing p completes the stream (not emitted) and cancels upstream', async () => {
    const [up, down] = probe(Flow.create<number>().takeWhile(lt3));
    down.request(10);
    up.sendNextN([1, 2, 3, 1]);
    await down.expectNextN([1, 2]);
    await down.expectComplete();
    await up.expectCancellation();
  });

  it('inclusive: also emits the first element failing p, then completes and cancels upstream', async () => {
    const [up, down] = probe(Flow.create<number>().takeWhile(lt3, true));
    down.request(10);
    up.sendNextN([1, 2, 3, 1]);
    await down.expectNextN([1, 2, 3]);
    await down.expectComplete();
    await up.expectCancellation();
  });

  it('inclusive: completion follows the last element without extra demand', async () => {
    const [up, down] = probe(Flow.create<number>().takeWhile(lt3, true));
    down.request(3);
    up.sendNextN([1, 2, 5]);
    await down.expectNextN([1, 2, 5]);
    await down.expectComplete();
  });

  it('never evaluates p again after it failed (elements after are not passed)', async () => {
    const seen: number[] = [];
    const out = await Source.from([1, 5, 1, 1])
      .takeWhile((x) => {
        seen.push(x);
        return x < 3;
      })
      .runWith(Sink.seq());
    expect(out).toEqual([1]);
    expect(seen).toEqual([1, 5]);
  });

  it('completes immediately when p fails on the first element', async () => {
    expect(await Source.from([9, 1]).takeWhile(lt3).runWith(Sink.seq())).toEqual([]);
    expect(await Source.from([9, 1]).takeWhile(lt3, true).runWith(Sink.seq())).toEqual([9]);
  });

  it('propagates upstream completion while p still holds', async () => {
    const [up, down] = probe(Flow.create<number>().takeWhile(lt3));
    down.request(5);
    up.sendNext(1).sendComplete();
    await down.expectNext(1);
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().takeWhile(lt3));
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<number>().takeWhile(lt3));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
