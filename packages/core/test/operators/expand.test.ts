import { describe, expect, it } from 'vitest';
import { Attributes, Flow, Source, Supervision } from '@tributary/core';
import { boom, expectRequests, probe, QUIET_MS } from './harness.js';

function* repeat<T>(x: T): Generator<T> {
  for (;;) yield x;
}

describe('expand', () => {
  it('repeats the values of the current iterator while upstream has nothing new', async () => {
    const [up, down] = probe(Flow.create<number>().expand((x) => repeat(x)));
    await up.expectRequest(); // asks ahead
    up.sendNext(1);
    down.request(3);
    await down.expectNextN([1, 1, 1]);
    up.sendNext(2);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    down.request(2);
    await down.expectNextN([2, 2]);
    down.cancel();
  });

  it('upstream elements take priority over extrapolated values', async () => {
    const [up, down] = probe(Flow.create<number>().expand((x) => [x, x * 10, x * 100]));
    await up.expectRequest();
    up.sendNext(1);
    down.request(1);
    await down.expectNext(1);
    await up.expectRequest(); // pulled as soon as the first value went out
    up.sendNext(2);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    down.request(2);
    await down.expectNextN([2, 20]);
    down.cancel();
  });

  it('backpressures downstream when the iterator is exhausted', async () => {
    const [up, down] = probe(Flow.create<number>().expand((x) => [x, -x]));
    await up.expectRequest();
    up.sendNext(3);
    down.request(5);
    await down.expectNextN([3, -3]);
    await down.expectNoMessage(QUIET_MS);
    up.sendNext(4);
    await down.expectNextN([4, -4]);
    down.cancel();
  });

  it('an empty iterator skips the element', async () => {
    const [up, down] = probe(Flow.create<number>().expand((x) => (x % 2 === 0 ? [] : [x])));
    down.request(5);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 3]);
    down.cancel();
  });

  it('accepts iterators as well as iterables, and closes an abandoned iterator', async () => {
    let closed = 0;
    const gen = function* (x: number) {
      try {
        yield* repeat(x);
      } finally {
        closed++;
      }
    };
    const [up, down] = probe(Flow.create<number>().expand((x) => gen(x)));
    up.sendNext(1);
    down.request(2);
    await down.expectNextN([1, 1]);
    up.sendNext(2);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(closed).toBe(1);
    down.request(1);
    await down.expectNext(2);
    down.cancel();
    await up.expectCancellation();
    expect(closed).toBe(2);
  });

  it('completes when upstream completes after the first value of the last iterator went out', async () => {
    const [up, down] = probe(Flow.create<number>().expand((x) => repeat(x)));
    up.sendNext(1).sendComplete();
    await down.expectNoMessage(QUIET_MS);
    down.request(5);
    await down.expectNext(1);
    await down.expectComplete();
  });

  it('a throwing function fails the stream; resume drops the element', async () => {
    const e = boom();
    const f = (x: number) => {
      if (x === 2) throw e;
      return [x];
    };
    const [up, down] = probe(Flow.create<number>().expand(f));
    down.request(5);
    up.sendNextN([1, 2]);
    await down.expectNext(1);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().expand(f).withAttributes(Attributes.supervisionStrategy(Supervision.resume)));
    down2.request(5);
    up2.sendNextN([1, 2, 3]);
    await down2.expectNextN([1, 3]);
    down2.cancel();
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().expand((x) => [x]));
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().expand((x) => [x]));
    await expectRequests(up2, 1);
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).expand(undefined as never)).toThrow(new TypeError('expand: f must be a function, got undefined'));
  });
});
