/**
 * Type-level tests for the round-two operators and factories: these fail *compilation* if inference breaks.
 */

import {
  type DrainingControl,
  Flow,
  type Graph,
  Keep,
  type MaybeHandle,
  MergeHub,
  MergeSequence,
  type NotUsed,
  Sink,
  Source,
  type UniformFanInShape,
} from '@tributary/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('round-two types', () => {
  it('operators keep the receiver kind and infer their outputs', () => {
    const s = Source.from(['a', 'bb']);
    expectTypeOf(s.takeUntil((x) => x === 'bb')).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(s.groupedWeighted(3, (x) => x.length)).toEqualTypeOf<Source<string[], NotUsed>>();
    expectTypeOf(s.groupedAdjacentBy((x) => x.length)).toEqualTypeOf<Source<string[], NotUsed>>();
    expectTypeOf(Flow.create<number>().groupedAdjacentByWeighted((x) => x > 0, 10, Math.abs)).toEqualTypeOf<Flow<number, number[], NotUsed>>();
    expectTypeOf(s.statefulMapConcat(() => (x) => [x.length])).toEqualTypeOf<Source<number, NotUsed>>();
    expectTypeOf(
      s.mapAsyncPartitionedUnordered(
        2,
        (x) => x.length,
        async (x, p) => `${x}${p}`,
      ),
    ).toEqualTypeOf<Source<string, NotUsed>>();
    const agg = s.aggregateWithBoundary(
      () => new Set<string>(),
      (set, x) => [set.add(x), set.size > 2] as const,
      (set) => set.size,
      [(set) => set.size > 0, 100],
    );
    expectTypeOf(agg).toEqualTypeOf<Source<number, NotUsed>>();
  });

  it('factories: maybe, the lazies, preMaterialize', () => {
    expectTypeOf(Source.maybe<number>()).toEqualTypeOf<Source<number, MaybeHandle<number>>>();
    expectTypeOf(Source.lazySingle(() => 1)).toEqualTypeOf<Source<number, NotUsed>>();
    expectTypeOf(Source.lazyPromise(async () => 'x')).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(Source.lazyPromiseSource(async () => Source.single(1).mapMaterializedValue(() => 'm' as const))).toEqualTypeOf<Source<number, Promise<'m'>>>();
    expectTypeOf(Flow.lazyFlow(() => Flow.create<number>().map(String))).toEqualTypeOf<Flow<number, string, Promise<NotUsed>>>();
    expectTypeOf(Flow.lazyPromiseFlow(async () => Flow.create<number>().mapMaterializedValue(() => 3))).toEqualTypeOf<Flow<number, number, Promise<number>>>();
    expectTypeOf(Sink.lazySink(() => Sink.seq<number>())).toEqualTypeOf<Sink<number, Promise<Promise<number[]>>>>();
    expectTypeOf(Sink.lazyPromiseSink(async () => Sink.ignore<string>())).toEqualTypeOf<Sink<string, Promise<Promise<void>>>>();
    expectTypeOf(Source.maybe<string>().preMaterialize()).toEqualTypeOf<[MaybeHandle<string>, Source<string, NotUsed>]>();
    expectTypeOf(Sink.seq<number>().preMaterialize()).toEqualTypeOf<[Promise<number[]>, Sink<number, NotUsed>]>();
  });

  it('the handle, the coupled flow, the junction and the draining hub', () => {
    const [handle] = Source.maybe<number>().toMat(Sink.seq(), Keep.both).run();
    expectTypeOf(handle.complete).toBeCallableWith();
    expectTypeOf(handle.complete).toBeCallableWith(1);
    // @ts-expect-error the value must be an element
    handle.complete('one');
    expectTypeOf(Flow.fromSinkAndSourceCoupled(Sink.ignore<number>(), Source.single('a'))).toEqualTypeOf<Flow<number, string, NotUsed>>();
    expectTypeOf(Flow.fromSinkAndSourceCoupledMat(Sink.seq<number>(), Source.single('a'), Keep.both)).toEqualTypeOf<
      Flow<number, string, [Promise<number[]>, NotUsed]>
    >();
    expectTypeOf(MergeSequence.create<[string, number]>(2, ([, i]) => i)).toEqualTypeOf<
      Graph<UniformFanInShape<[string, number], [string, number]>, NotUsed>
    >();
    expectTypeOf(MergeHub.sourceWithDraining<number>()).toEqualTypeOf<Source<number, [Sink<number, NotUsed>, DrainingControl]>>();
  });
});
