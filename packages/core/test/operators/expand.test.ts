import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { settle } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

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
    await settle();
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
    await settle();
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
    await down.expectNoMessageWhenIdle();
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
    await settle();
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
    await down.expectNoMessageWhenIdle();
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

  describe('supervision (Pekko)', () => {
    const expander = (e: Error) => (x: number) => {
      if (x === 2) throw e;
      return x === 1 ? [1, 10, 11] : [x];
    };

    it('resume: f throwing drops the element and keeps extrapolating the current iterator', async () => {
      const [up, down] = probe(Flow.create<number>().expand(expander(boom())).withAttributes(Attributes.supervisionStrategy(Supervision.resume)));
      up.sendNext(1);
      down.request(1);
      await down.expectNext(1);
      up.sendNext(2); // f throws: 2 is dropped
      await settle();
      down.request(1);
      await down.expectNext(10); // the iterator of 1 goes on
      down.cancel();
    });

    it('restart: f throwing drops the element and discards the current iterator', async () => {
      const [up, down] = probe(Flow.create<number>().expand(expander(boom())).withAttributes(Attributes.supervisionStrategy(Supervision.restart)));
      up.sendNext(1);
      down.request(1);
      await down.expectNext(1);
      up.sendNext(2); // f throws: 2 is dropped and 1's iterator (10, 11) with it
      await settle();
      down.request(1);
      await down.expectNoMessageWhenIdle();
      up.sendNext(3);
      await down.expectNext(3);
      down.cancel();
    });

    it('restart closes the discarded iterator (its finally block runs)', async () => {
      let closed = 0;
      function* withCleanup(x: number) {
        try {
          for (;;) yield x;
        } finally {
          closed++;
        }
      }
      const [up, down] = probe(
        Flow.create<number>()
          .expand((x) => {
            if (x === 2) throw boom();
            return withCleanup(x);
          })
          .withAttributes(Attributes.supervisionStrategy(Supervision.restart)),
      );
      up.sendNext(1);
      down.request(2);
      await down.expectNextN([1, 1]);
      up.sendNext(2);
      await settle();
      expect(closed).toBe(1);
      down.cancel();
    });

    it('an iterator throwing is dropped under resume and restart alike (Pekko’s test)', async () => {
      const throwing = (x: number): Iterator<number> =>
        x === 3
          ? {
              next: () => {
                throw boom();
              },
            }
          : [x][Symbol.iterator]();
      for (const d of [Supervision.resume, Supervision.restart]) {
        const out = await Source.range(1, 4).expand(throwing).withAttributes(Attributes.supervisionStrategy(d)).runWith(Sink.seq());
        expect(out).toEqual([1, 2, 4]);
      }
    });

    it('an iterator throwing after upstream completed (resume): the stage still completes', async () => {
      const [up, down] = probe(
        Flow.create<number>()
          .expand((x): Iterator<number> => {
            let calls = 0;
            return {
              next: () => {
                if (++calls >= 2) throw boom();
                return { value: x, done: false };
              },
            };
          })
          .withAttributes(Attributes.supervisionStrategy(Supervision.resume)),
      );
      up.sendNext(7);
      up.sendComplete();
      await settle();
      down.request(1);
      await down.expectNext(7); // its first value went out; reading ahead for the second throws
      down.request(1);
      await down.expectComplete();
    });
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
