import { Attributes, Flow, Source, Supervision } from '@tributary/core';
import { settle } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

describe('conflateWithSeed', () => {
  it('starts a summary with seed and extends it with aggregate while downstream is busy', async () => {
    const [up, down] = probe(
      Flow.create<number>().conflateWithSeed(
        (x) => [x],
        (acc: number[], x) => [...acc, x],
      ),
    );
    up.sendNextN([1, 2, 3]);
    for (let i = 0; i < 4; i++) await up.expectRequest();
    down.request(1);
    await down.expectNext([1, 2, 3]);
    down.request(1);
    up.sendNext(4);
    await down.expectNext([4]);
    up.sendComplete();
    await down.expectComplete();
  });

  it('emits the last summary before completing', async () => {
    const [up, down] = probe(
      Flow.create<string>().conflateWithSeed(
        (x) => x.length,
        (n: number, x) => n + x.length,
      ),
    );
    up.sendNextN(['ab', 'cde']).sendComplete();
    await down.expectNoMessageWhenIdle();
    expect(await down.toArray()).toEqual([5]);
  });

  it('a throwing seed fails the stream; resume drops the element', async () => {
    const e = boom();
    const seed = (x: number) => {
      if (x === 1) throw e;
      return x;
    };
    const [up, down] = probe(Flow.create<number>().conflateWithSeed(seed, (a: number, b) => a + b));
    up.sendNextN([1, 2]);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(
      Flow.create<number>()
        .conflateWithSeed(seed, (a: number, b) => a + b)
        .withAttributes(Attributes.supervisionStrategy(Supervision.resume)),
    );
    up2.sendNextN([1, 2, 3]).sendComplete();
    await settle();
    expect(await down2.toArray()).toEqual([5]);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(
      Flow.create<number>().conflateWithSeed(
        (x) => x,
        (a: number, b) => a + b,
      ),
    );
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(
      Flow.create<number>().conflateWithSeed(
        (x) => x,
        (a: number, b) => a + b,
      ),
    );
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).conflateWithSeed(1 as never, (a, _b) => a)).toThrow(new TypeError('conflateWithSeed: seed must be a function, got 1'));
  });
});
