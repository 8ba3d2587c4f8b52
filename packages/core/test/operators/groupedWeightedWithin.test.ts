import { Attributes, Flow, Source, Supervision } from '@tributary/core';
import { settle } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

const len = (s: string): number => s.length;

describe('groupedWeightedWithin (virtual time)', () => {
  it('emits a group as soon as it reaches maxWeight', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<string>().groupedWeightedWithin(4, len, 1000), mat);
    down.request(5);
    up.sendNextN(['ab', 'cd', 'e']);
    await down.expectNext(['ab', 'cd']);
    await down.expectNoMessageWhenIdle();
    down.cancel();
  });

  it('an element that does not fit starts the next group; a heavy one forms its own', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<string>().groupedWeightedWithin(4, len, 100), mat);
    down.request(5);
    up.sendNextN(['abc', 'de', 'fghijk', 'l']);
    await down.expectNextN([['abc'], ['de'], ['fghijk']]);
    await scheduler.advance(100);
    await down.expectNext(['l']);
    down.cancel();
  });

  it('with maxNumber, closes a group at either limit', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<string>().groupedWeightedWithin(100, 2, len, 1000), mat);
    down.request(5);
    up.sendNextN(['a', 'b', 'c']).sendComplete();
    await down.expectNextN([['a', 'b'], ['c']]);
    await down.expectComplete();
  });

  it('emits on the interval with what was collected', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<string>().groupedWeightedWithin(10, len, 50), mat);
    down.request(5);
    up.sendNext('abc');
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(50);
    await down.expectNext(['abc']);
    down.cancel();
  });

  it('emits the pending element as a last group when upstream completes', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<string>().groupedWeightedWithin(3, len, 1000), mat);
    up.sendNextN(['ab', 'cd']).sendComplete();
    await settle(mat);
    expect(await down.toArray()).toEqual([['ab'], ['cd']]);
  });

  it('a negative weight fails the stream; a throwing costFn follows supervision', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(
      Flow.create<string>().groupedWeightedWithin(3, () => -1, 100),
      mat,
    );
    down.request(1);
    up.sendNext('a');
    expect(await down.expectError()).toBeInstanceOf(RangeError);
    const e = boom();
    const cost = (s: string) => {
      if (s === 'x') throw e;
      return 1;
    };
    const [up2, down2] = probeOn(Flow.create<string>().groupedWeightedWithin(3, cost, 100), mat);
    down2.request(1);
    up2.sendNext('x');
    expect(await down2.expectError()).toBe(e);
    const [up3, down3] = probeOn(
      Flow.create<string>().groupedWeightedWithin(3, cost, 100).withAttributes(Attributes.supervisionStrategy(Supervision.resume)),
      mat,
    );
    up3.sendNextN(['a', 'x', 'b']).sendComplete();
    expect(await down3.toArray()).toEqual([['a', 'b']]);
  });

  it('restart (Pekko): a throwing costFn drops the element and the group so far, and starts a new time window', async () => {
    const { scheduler, mat } = virtualTime();
    const cost = (s: string) => {
      if (s === 'x') throw boom();
      return 1;
    };
    const [up, down] = probeOn(
      Flow.create<string>().groupedWeightedWithin(3, cost, 100).withAttributes(Attributes.supervisionStrategy(Supervision.restart)),
      mat,
    );
    down.request(5);
    up.sendNextN(['a', 'b']);
    await scheduler.advance(60);
    up.sendNext('x'); // restart at t=60: 'a' and 'b' are dropped, the window now ends at t=160
    up.sendNext('c');
    await scheduler.advance(50); // t=110: the old window would have closed here
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(50); // t=160
    await down.expectNext(['c']);
    up.sendComplete();
    await down.expectComplete();
  });

  it('resume keeps the group collected so far', async () => {
    const { scheduler, mat } = virtualTime();
    const cost = (s: string) => {
      if (s === 'x') throw boom();
      return 1;
    };
    const [up, down] = probeOn(
      Flow.create<string>().groupedWeightedWithin(3, cost, 100).withAttributes(Attributes.supervisionStrategy(Supervision.resume)),
      mat,
    );
    down.request(5);
    up.sendNextN(['a', 'x', 'b']);
    await scheduler.advance(100);
    await down.expectNext(['a', 'b']);
    down.cancel();
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<string>().groupedWeightedWithin(3, len, 100), mat);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probeOn(Flow.create<string>().groupedWeightedWithin(3, len, 100), mat);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    const s = Source.single('a');
    expect(() => s.groupedWeightedWithin(0, len, 100)).toThrow(new RangeError('groupedWeightedWithin: maxWeight must be a positive number, got 0'));
    expect(() => s.groupedWeightedWithin(1, 0, len, 100)).toThrow(new RangeError('groupedWeightedWithin: maxNumber must be a positive integer, got 0'));
    expect(() => s.groupedWeightedWithin(1, 'f' as never, 100)).toThrow(TypeError);
    expect(() => s.groupedWeightedWithin(1, len, -5)).toThrow(RangeError);
  });
});
