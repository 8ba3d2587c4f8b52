import { Attributes, Flow, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

const quiet = () => new Materializer({ logger: null });

/** Repeats each element as often as the previous element said (the doc example). */
const repeatPrevious = () => {
  let prev = 1;
  return (x: number) => {
    const out = Array<number>(prev).fill(x);
    prev = x;
    return out;
  };
};

describe('statefulMapConcat', () => {
  it('maps with a function that keeps state between elements (doc example)', async () => {
    expect(await Source.from([1, 2, 3]).statefulMapConcat(repeatPrevious).runWith(Sink.seq())).toEqual([1, 2, 3, 3]);
  });

  it('calls create once per materialization: runs do not share state', async () => {
    let created = 0;
    const counting = Source.from(['a', 'b']).statefulMapConcat(() => {
      created++;
      let n = 0;
      return (x: string) => [`${x}${++n}`];
    });
    expect(await counting.runWith(Sink.seq())).toEqual(['a1', 'b2']);
    expect(await counting.runWith(Sink.seq())).toEqual(['a1', 'b2']);
    expect(created).toBe(2);
  });

  it('emits the iterable lazily, one element per pull, and completes after the last one', async () => {
    const [up, down] = probe(Flow.create<number>().statefulMapConcat(() => (n: number) => Array.from({ length: n }, (_, i) => i)));
    down.request(2);
    up.sendNext(3);
    await down.expectNextN([0, 1]);
    await down.expectNoMessageWhenIdle();
    up.sendComplete();
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(2);
    await down.expectComplete();
  });

  it('resume keeps the state and drops the element; restart calls create again', async () => {
    const e = boom();
    const summing = () => {
      let sum = 0;
      return (x: number) => {
        if (x < 0) throw e;
        sum += x;
        return [sum];
      };
    };
    const src = Source.from([1, 2, -1, 3]).statefulMapConcat(summing);
    await expect(src.runWith(Sink.seq(), quiet())).rejects.toBe(e);
    expect(await src.withAttributes(Attributes.supervisionStrategy(Supervision.resume)).runWith(Sink.seq())).toEqual([1, 3, 6]);
    expect(await src.withAttributes(Attributes.supervisionStrategy(Supervision.restart)).runWith(Sink.seq())).toEqual([1, 3, 3]);
  });

  it('create throwing or returning a non-function fails the stream', async () => {
    const e = boom();
    await expect(
      Source.single(1)
        .statefulMapConcat(() => {
          throw e;
        })
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
    await expect(
      Source.single(1)
        .statefulMapConcat(() => 42 as never)
        .runWith(Sink.seq(), quiet()),
    ).rejects.toThrow('statefulMapConcat: create must return a function, got 42');
  });

  it('a non-iterable result fails naming the operator', async () => {
    await expect(
      Source.single(1)
        .statefulMapConcat(() => () => 5 as never)
        .runWith(Sink.seq(), quiet()),
    ).rejects.toThrow('statefulMapConcat: f must return an iterable, got number');
  });

  it('cancelling mid-iterable calls the iterator return() and cancels upstream', async () => {
    let returned = false;
    const [up, down] = probe(
      Flow.create<number>().statefulMapConcat(() => (n: number) => ({
        [Symbol.iterator]() {
          let i = 0;
          return {
            next: () => ({ done: i >= n, value: i++ }),
            return: () => {
              returned = true;
              return { done: true, value: undefined };
            },
          };
        },
      })),
    );
    down.request(1);
    up.sendNext(10);
    await down.expectNext(0);
    down.cancel();
    await up.expectCancellation();
    expect(returned).toBe(true);
  });

  it('validates its argument', () => {
    expect(() => Source.single(1).statefulMapConcat({} as never)).toThrow('statefulMapConcat: create must be a function, got an object');
  });
});
