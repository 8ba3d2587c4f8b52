/**
 * Type-level tests of the graph area: these fail *compilation* (the suite is type-checked) if
 * inference breaks.
 */

import { BidiFlow, Flow, Keep, type NotUsed, type RunnableGraph, Sink, Source, type SourceF, type SubFlow } from '@tributary/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('graph operator types', () => {
  it('fan-in operators widen or pair the element type and keep the receiver kind', () => {
    const nums = Source.range(1, 3);
    expectTypeOf(nums.merge(Source.single('x'))).toEqualTypeOf<Source<number | string, NotUsed>>();
    expectTypeOf(nums.zip(Source.single('x'))).toEqualTypeOf<Source<[number, string], NotUsed>>();
    expectTypeOf(nums.zipWith(Source.single('x'), (n, s) => s.repeat(n))).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(nums.zipAll(Source.single('x'), null, undefined)).toEqualTypeOf<Source<[number | null, string | undefined], NotUsed>>();
    expectTypeOf(nums.mergeLatest(Source.single('x'))).toEqualTypeOf<Source<(number | string)[], NotUsed>>();
    expectTypeOf(Flow.create<boolean>().concat(Source.single(1))).toEqualTypeOf<Flow<boolean, boolean | number, NotUsed>>();
  });

  it('alsoToMat combines materialized values on Source and Flow', () => {
    expectTypeOf(Source.range(1, 3).alsoToMat(Sink.seq<number>(), Keep.right)).toEqualTypeOf<Source<number, Promise<number[]>>>();
    expectTypeOf(Flow.create<string>().alsoToMat(Sink.head<string>(), Keep.both)).toEqualTypeOf<Flow<string, string, [NotUsed, Promise<string>]>>();
  });

  it('nesting operators', () => {
    expectTypeOf(Source.range(1, 3).flatMapConcat((n) => Source.single(`${n}`))).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(Source.range(1, 3).prefixAndTail(1)).toEqualTypeOf<Source<[number[], Source<number, NotUsed>], NotUsed>>();
    expectTypeOf(Flow.create<string>().flatMapPrefix(1, () => Flow.create<string>().map((s) => s.length))).toEqualTypeOf<Flow<string, number, NotUsed>>();
  });

  it('SubFlow keeps the parent kind through operators and joins', () => {
    const sub = Source.range(1, 3)
      .mapMaterializedValue(() => 7 as const)
      .groupBy(2, (x) => x % 2);
    const mapped = sub.map((x) => `${x}`);
    expectTypeOf(mapped.mergeSubstreams()).toEqualTypeOf<Source<string, 7>>();
    expectTypeOf(mapped.concatSubstreams()).toEqualTypeOf<Source<string, 7>>();
    expectTypeOf(mapped.to(Sink.ignore())).toEqualTypeOf<RunnableGraph<7>>();
    const flowSub = Flow.create<number>()
      .splitWhen((x) => x === 0)
      .fold(0, (a, x) => a + x);
    expectTypeOf(flowSub.mergeSubstreamsWithParallelism(2)).toEqualTypeOf<Flow<number, number, NotUsed>>();
    expectTypeOf(flowSub.to(Sink.ignore())).toEqualTypeOf<Sink<number, NotUsed>>();
    const nested = sub.groupBy(2, (x) => x % 3);
    expectTypeOf(nested.mergeSubstreams()).toEqualTypeOf<SubFlow<number, SourceF<7>>>();
    expectTypeOf(nested.mergeSubstreams().mergeSubstreams()).toEqualTypeOf<Source<number, 7>>();
  });

  it('BidiFlow stacks type-check end to end', () => {
    const codec = BidiFlow.fromFunctions(
      (m: { n: number }) => JSON.stringify(m),
      (s: string) => JSON.parse(s) as { n: number },
    );
    const framing = BidiFlow.fromFunctions(
      (s: string) => [s.length, s] as const,
      (f: readonly [number, string]) => f[1],
    );
    expectTypeOf(codec.atop(framing)).toEqualTypeOf<BidiFlow<{ n: number }, readonly [number, string], readonly [number, string], { n: number }, NotUsed>>();
    expectTypeOf(codec.atop(framing).join(Flow.create<readonly [number, string]>())).toEqualTypeOf<Flow<{ n: number }, { n: number }, NotUsed>>();
    expectTypeOf(codec.reversed()).toEqualTypeOf<BidiFlow<string, { n: number }, { n: number }, string, NotUsed>>();
    // @ts-expect-error the layers do not fit: framing expects strings on its outbound side
    framing.atop(codec);
  });
});
