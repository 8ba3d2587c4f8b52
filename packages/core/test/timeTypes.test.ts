/**
 * Type-level tests of the time area: these fail *compilation* (npm test type-checks the tests) if
 * inference breaks — e.g. mapAsync must infer the resolved type, not the promise type.
 */

import {
  Flow,
  type NotUsed,
  OverflowStrategy,
  type QueueOfferResult,
  Sink,
  type SinkQueue,
  Source,
  type SourceQueue,
  type TickCancellable,
} from '@tributary/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('time area types', () => {
  it('the mapAsync family infers the resolved type of the promise', () => {
    expectTypeOf(Source.range(1, 2).mapAsync(2, async (x) => `${x}`)).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(Source.range(1, 2).mapAsync(2, (x) => x > 1)).toEqualTypeOf<Source<boolean, NotUsed>>();
    expectTypeOf(Flow.create<number>().mapAsyncUnordered(2, async (x) => [x])).toEqualTypeOf<Flow<number, number[], NotUsed>>();
    expectTypeOf(
      Flow.create<string>().mapAsyncPartitioned(
        2,
        (s) => s.length,
        async (s, n) => ({ s, n }),
      ),
    ).toEqualTypeOf<Flow<string, { s: string; n: number }, NotUsed>>();
    expectTypeOf(Source.range(1, 2).scanAsync('', async (acc, x) => acc + x)).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(Source.range(1, 2).foldAsync(0n, async (acc, x) => acc + BigInt(x))).toEqualTypeOf<Source<bigint, NotUsed>>();
  });

  it('rate operators keep or change the element type as documented', () => {
    const s = Source.range(1, 2);
    expectTypeOf(s.buffer(4, OverflowStrategy.dropHead)).toEqualTypeOf<Source<number, NotUsed>>();
    expectTypeOf(
      s.conflateWithSeed(
        (x) => [x],
        (acc: number[], x) => [...acc, x],
      ),
    ).toEqualTypeOf<Source<number[], NotUsed>>();
    expectTypeOf(s.groupedWithin(2, 100)).toEqualTypeOf<Source<number[], NotUsed>>();
    expectTypeOf(s.keepAlive(100, () => 'ping' as const)).toEqualTypeOf<Source<number | 'ping', NotUsed>>();
    expectTypeOf(s.expand((x) => [String(x)])).toEqualTypeOf<Source<string, NotUsed>>();
  });

  it('sources and sinks materialize their control objects', () => {
    expectTypeOf(Source.tick(0, 10, 'x')).toEqualTypeOf<Source<string, TickCancellable>>();
    expectTypeOf(Source.queue<number>(1, OverflowStrategy.backpressure)).toEqualTypeOf<Source<number, SourceQueue<number>>>();
    expectTypeOf<SourceQueue<number>['offer']>().returns.toEqualTypeOf<Promise<QueueOfferResult>>();
    expectTypeOf(Sink.queue<number>()).toEqualTypeOf<Sink<number, SinkQueue<number>>>();
    expectTypeOf<SinkQueue<number>['pull']>().returns.toEqualTypeOf<Promise<number | undefined>>();
    expectTypeOf(Sink.foreachAsync(2, async (_x: number) => {})).toEqualTypeOf<Sink<number, Promise<void>>>();
  });
});
