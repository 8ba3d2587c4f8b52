import { Flow, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const toArray = (x: string): string[] => [x];
const append = (acc: string[], x: string): string[] => [...acc, x];
const len = (x: string): number => x.length;

describe('batchWeighted', () => {
  it('batches while the total cost fits into max; the next element waits', async () => {
    const [up, down] = probe(Flow.create<string>().batchWeighted(5, len, toArray, append));
    up.sendNextN(['ab', 'cd', 'ef', 'g']);
    await expectRequests(up, 3); // 'ef' does not fit (cost 6 > 5): it waits, upstream is backpressured
    down.request(1);
    await down.expectNext(['ab', 'cd']);
    await up.expectRequest(); // room again: upstream is asked for more
    down.request(1);
    await down.expectNext(['ef', 'g']);
    down.cancel();
  });

  it('an element heavier than max forms a batch of its own', async () => {
    const [up, down] = probe(Flow.create<string>().batchWeighted(3, len, toArray, append));
    up.sendNextN(['toolong', 'a']).sendComplete();
    await down.expectNoMessageWhenIdle();
    expect(await down.toArray()).toEqual([['toolong'], ['a']]);
  });

  it('zero-cost elements never fill a batch', async () => {
    const [up, down] = probe(Flow.create<string>().batchWeighted(1, () => 0, toArray, append));
    up.sendNextN(['a', 'b', 'c']).sendComplete();
    await down.expectNoMessageWhenIdle();
    expect(await down.toArray()).toEqual([['a', 'b', 'c']]);
  });

  it('a negative cost fails the stream with a RangeError; a throwing costFn with its error', async () => {
    const [up, down] = probe(Flow.create<string>().batchWeighted(3, () => -1, toArray, append));
    up.sendNext('a');
    expect(await down.expectError()).toBeInstanceOf(RangeError);
    const e = boom();
    const [up2, down2] = probe(
      Flow.create<string>().batchWeighted(
        3,
        () => {
          throw e;
        },
        toArray,
        append,
      ),
    );
    up2.sendNext('a');
    expect(await down2.expectError()).toBe(e);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<string>().batchWeighted(3, len, toArray, append));
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<string>().batchWeighted(3, len, toArray, append));
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single('a').batchWeighted(0, len, toArray, append)).toThrow(new RangeError('batchWeighted: max must be a positive number, got 0'));
    expect(() => Source.single('a').batchWeighted(2, null as never, toArray, append)).toThrow(TypeError);
  });
});
