/**
 * Type-level tests: these fail *compilation* (npm test type-checks the tests) if inference breaks.
 */

import { Flow, Keep, type NotUsed, type RunnableGraph, Sink, Source } from '@tributary/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('materialized value types', () => {
  it('follow Keep.left / right / both / none', () => {
    const src = Source.range(1, 3);
    expectTypeOf(src).toEqualTypeOf<Source<number, NotUsed>>();
    expectTypeOf(src.to(Sink.seq()).run).returns.toEqualTypeOf<NotUsed>();
    expectTypeOf(src.toMat(Sink.seq(), Keep.right).run()).toEqualTypeOf<Promise<number[]>>();
    expectTypeOf(src.toMat(Sink.seq(), Keep.both)).toEqualTypeOf<RunnableGraph<[NotUsed, Promise<number[]>]>>();
    expectTypeOf(src.toMat(Sink.seq(), Keep.none).run()).toEqualTypeOf<NotUsed>();
    expectTypeOf(src.runWith(Sink.head())).toEqualTypeOf<Promise<number>>();
    expectTypeOf(src.runWith(Sink.headOption())).toEqualTypeOf<Promise<number | undefined>>();
  });

  it('flow through viaMat and mapMaterializedValue', () => {
    const flow = Flow.create<number>()
      .map(String)
      .mapMaterializedValue(() => 42 as const);
    expectTypeOf(flow).toEqualTypeOf<Flow<number, string, 42>>();
    const g = Source.single(1)
      .viaMat(flow, Keep.right)
      .toMat(
        Sink.fold('', (a: string, b: string) => a + b),
        Keep.both,
      );
    expectTypeOf(g.run()).toEqualTypeOf<[42, Promise<string>]>();
    expectTypeOf(flow.to(Sink.ignore())).toEqualTypeOf<Sink<number, 42>>();
    expectTypeOf(flow.toMat(Sink.ignore(), Keep.right)).toEqualTypeOf<Sink<number, Promise<void>>>();
  });

  it('operators keep the receiver kind', () => {
    expectTypeOf(Source.range(1, 2).map((x) => `${x}`)).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(Flow.create<number>().grouped(2)).toEqualTypeOf<Flow<number, number[], NotUsed>>();
    expectTypeOf(Flow.create<number>().zipWithIndex()).toEqualTypeOf<Flow<number, [number, number], NotUsed>>();
    expectTypeOf(Source.from(['a', 1]).filter((x): x is string => typeof x === 'string')).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(Source.from([1, 2]).collect((x) => (x > 1 ? `${x}` : undefined))).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(Source.lazySource(() => Source.single(1).mapMaterializedValue(() => 'm'))).toEqualTypeOf<Source<number, Promise<string>>>();
  });

  it('rejects mismatched element types', () => {
    // @ts-expect-error a Flow<string, …> cannot follow a Source<number>
    Source.range(1, 2).via(Flow.create<string>());
    // @ts-expect-error Sink.seq<string> cannot take numbers
    Source.range(1, 2).to(Sink.seq<string>());
    // @ts-expect-error map's function must accept the element type
    Source.range(1, 2).map((s: string) => s.length);
  });
});
