import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const lt3 = (x: number): boolean => x < 3;

describe('dropWhile', () => {
  it('pulls past dropped elements, then emits only on demand', async () => {
    const [up, down] = probe(Flow.create<number>().dropWhile(lt3));
    down.request(1);
    up.sendNextN([1, 2, 3, 4, 5]);
    await down.expectNext(3);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 3);
    down.request(1);
    await down.expectNext(4);
    down.cancel();
  });

  it('once p failed, passes every element, even those for which p holds', async () => {
    const seen: number[] = [];
    const out = await Source.from([1, 2, 3, 1, 2])
      .dropWhile((x) => {
        seen.push(x);
        return x < 3;
      })
      .runWith(Sink.seq());
    expect(out).toEqual([3, 1, 2]);
    expect(seen).toEqual([1, 2, 3]); // p is not consulted after it failed
  });

  it('drops everything when p always holds', async () => {
    expect(
      await Source.range(1, 5)
        .dropWhile(() => true)
        .runWith(Sink.seq()),
    ).toEqual([]);
  });

  it('drops nothing when p fails on the first element', async () => {
    expect(await Source.range(5, 7).dropWhile(lt3).runWith(Sink.seq())).toEqual([5, 6, 7]);
  });

  it('propagates upstream completion (also while still dropping)', async () => {
    const [up, down] = probe(Flow.create<number>().dropWhile(lt3));
    down.request(1);
    up.sendNextN([1, 2]).sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().dropWhile(lt3));
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<number>().dropWhile(lt3));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});
