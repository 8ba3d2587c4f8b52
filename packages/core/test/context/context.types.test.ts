/**
 * Type-level tests for context propagation: these fail *compilation* (the test type-check) if inference
 * breaks.
 */

import { Attributes, Flow, FlowWithContext, Keep, type NotUsed, type RunnableGraph, Sink, Source, SourceWithContext } from '@tributary/core';
import { describe, expectTypeOf, it } from 'vitest';

interface Rec {
  readonly value: string;
  readonly offset: number;
}
const recs: Rec[] = [{ value: '1', offset: 10 }];

describe('SourceWithContext types', () => {
  it('asSourceWithContext infers element and context, keeps the materialized value', () => {
    const s = Source.from(recs).asSourceWithContext((r) => r.offset);
    expectTypeOf(s).toEqualTypeOf<SourceWithContext<Rec, number, NotUsed>>();
    const q = Source.from(recs)
      .mapMaterializedValue(() => 'm' as const)
      .asSourceWithContext((r) => r.value);
    expectTypeOf(q).toEqualTypeOf<SourceWithContext<Rec, string, 'm'>>();
  });

  it('operators change the element type and keep the context type', () => {
    const s = Source.from(recs).asSourceWithContext((r) => r.offset);
    expectTypeOf(s.map((r) => r.value.length)).toEqualTypeOf<SourceWithContext<number, number, NotUsed>>();
    expectTypeOf(s.filter((r) => r.offset > 0)).toEqualTypeOf<SourceWithContext<Rec, number, NotUsed>>();
    expectTypeOf(s.map((r): string | number => r.value).filter((x): x is string => typeof x === 'string')).toEqualTypeOf<
      SourceWithContext<string, number, NotUsed>
    >();
    expectTypeOf(s.filterNot((r) => r.offset > 0)).toEqualTypeOf<SourceWithContext<Rec, number, NotUsed>>();
    expectTypeOf(s.collect((r) => (r.offset > 0 ? r.value : undefined))).toEqualTypeOf<SourceWithContext<string, number, NotUsed>>();
    expectTypeOf(s.mapConcat((r) => r.value.split(''))).toEqualTypeOf<SourceWithContext<string, number, NotUsed>>();
    expectTypeOf(s.mapAsync(2, async (r) => r.value)).toEqualTypeOf<SourceWithContext<string, number, NotUsed>>();
    expectTypeOf(
      s.mapAsyncPartitioned(
        2,
        (r) => r.offset % 3,
        async (r, p) => `${r.value}@${p}`,
      ),
    ).toEqualTypeOf<SourceWithContext<string, number, NotUsed>>();
    expectTypeOf(s.grouped(3)).toEqualTypeOf<SourceWithContext<Rec[], number[], NotUsed>>();
    expectTypeOf(s.sliding(3)).toEqualTypeOf<SourceWithContext<Rec[], number[], NotUsed>>();
    expectTypeOf(s.mapContext((o) => `${o}`)).toEqualTypeOf<SourceWithContext<Rec, string, NotUsed>>();
    expectTypeOf(s.grouped(2).mapContext((os) => os[os.length - 1])).toEqualTypeOf<SourceWithContext<Rec[], number | undefined, NotUsed>>();
    expectTypeOf(s.unsafeDataVia(Flow.create<Rec>().map((r) => r.value))).toEqualTypeOf<SourceWithContext<string, number, NotUsed>>();
    expectTypeOf(s.named('x').async().withAttributes(Attributes.name('y'))).toEqualTypeOf<SourceWithContext<Rec, number, NotUsed>>();
  });

  it('via a FlowWithContext (or a flow of pairs) and viaMat', () => {
    const s = Source.from(recs).asSourceWithContext((r) => r.offset);
    const parse = FlowWithContext.create<Rec, number>().map((r) => Number(r.value));
    expectTypeOf(parse).toEqualTypeOf<FlowWithContext<Rec, number, number, number, NotUsed>>();
    expectTypeOf(s.via(parse)).toEqualTypeOf<SourceWithContext<number, number, NotUsed>>();
    const pairs = Flow.create<[Rec, number]>().map(([r, o]): [string, boolean] => [r.value, o > 0]);
    expectTypeOf(s.via(pairs)).toEqualTypeOf<SourceWithContext<string, boolean, NotUsed>>();
    const withMat = parse.mapMaterializedValue(() => 42 as const);
    expectTypeOf(s.viaMat(withMat, Keep.right)).toEqualTypeOf<SourceWithContext<number, number, 42>>();
    expectTypeOf(s.viaMat(withMat, Keep.both)).toEqualTypeOf<SourceWithContext<number, number, [NotUsed, 42]>>();
  });

  it('asSource, to, toMat and runWith work with sinks of pairs', () => {
    const s = Source.from(recs).asSourceWithContext((r) => r.offset);
    expectTypeOf(s.asSource()).toEqualTypeOf<Source<[Rec, number], NotUsed>>();
    expectTypeOf(s.runWith(Sink.seq())).toEqualTypeOf<Promise<[Rec, number][]>>();
    expectTypeOf(s.toMat(Sink.seq(), Keep.right)).toEqualTypeOf<RunnableGraph<Promise<[Rec, number][]>>>();
    expectTypeOf(s.to(Sink.ignore())).toEqualTypeOf<RunnableGraph<NotUsed>>();
    // A sink written for readonly pairs is accepted too.
    s.runWith(Sink.foreach<readonly [Rec, number]>(([r, o]) => void [r, o]));
  });

  it('fromTuples accepts mutable and readonly pairs', () => {
    expectTypeOf(SourceWithContext.fromTuples(Source.from([['a', 1]] as [string, number][]))).toEqualTypeOf<SourceWithContext<string, number, NotUsed>>();
    expectTypeOf(SourceWithContext.fromTuples(Source.from([['a', 1]] as (readonly [string, number])[]))).toEqualTypeOf<
      SourceWithContext<string, number, NotUsed>
    >();
  });

  it('rejects mismatches', () => {
    const s = Source.from(recs).asSourceWithContext((r) => r.offset);
    // @ts-expect-error the flow expects string contexts
    s.via(FlowWithContext.create<Rec, string>());
    // @ts-expect-error the flow expects other elements
    s.via(FlowWithContext.create<number, number>());
    // @ts-expect-error a sink of elements (not of pairs) cannot close a source with context
    s.runWith(Sink.seq<Rec>());
    // @ts-expect-error map's function receives the element, not the pair
    s.map((p: [Rec, number]) => p[1]);
    // @ts-expect-error unsafeDataVia takes a flow of elements
    s.unsafeDataVia(Flow.create<string>());
  });
});

describe('FlowWithContext types', () => {
  it('create, operators, asFlow, to/toMat', () => {
    const f = FlowWithContext.create<string, number>()
      .map((s) => s.length)
      .grouped(2);
    expectTypeOf(f).toEqualTypeOf<FlowWithContext<string, number, number[], number[], NotUsed>>();
    expectTypeOf(f.asFlow()).toEqualTypeOf<Flow<readonly [string, number], [number[], number[]], NotUsed>>();
    expectTypeOf(f.toMat(Sink.seq(), Keep.right)).toEqualTypeOf<Sink<readonly [string, number], Promise<[number[], number[]][]>>>();
    expectTypeOf(f.to(Sink.ignore())).toEqualTypeOf<Sink<readonly [string, number], NotUsed>>();
    expectTypeOf(f.runWith(Source.single(['a', 1] as const), Sink.seq())).toEqualTypeOf<[NotUsed, Promise<[number[], number[]][]>]>();
  });

  it('fromTuples infers from flows of mutable or readonly pairs (connector pass-through flows)', () => {
    const pool = Flow.create<readonly [string, symbol]>().map(([req, id]): readonly [number, symbol] => [req.length, id]);
    expectTypeOf(FlowWithContext.fromTuples(pool)).toEqualTypeOf<FlowWithContext<string, symbol, number, symbol, NotUsed>>();
    const plain = Flow.create<[string, number]>();
    expectTypeOf(FlowWithContext.fromTuples(plain)).toEqualTypeOf<FlowWithContext<string, number, string, number, NotUsed>>();
  });

  it('a FlowWithContext is a flow of pairs: Source.via and Flow.via accept it', () => {
    const f = FlowWithContext.create<string, number>().map((s) => s.length);
    expectTypeOf(Source.single(['a', 1] as [string, number]).via(f)).toEqualTypeOf<Source<[number, number], NotUsed>>();
    expectTypeOf(Flow.create<readonly [string, number]>().via(f)).toEqualTypeOf<Flow<readonly [string, number], [number, number], NotUsed>>();
  });

  it('asFlowWithContext', () => {
    const f = Flow.create<{ id: string; n: number }>().map((x) => ({ id: x.id, doubled: x.n * 2 }));
    const g = f.asFlowWithContext(
      (n: number, id: string) => ({ id, n }),
      (out) => out.id,
    );
    expectTypeOf(g).toEqualTypeOf<FlowWithContext<number, string, { id: string; doubled: number }, string, NotUsed>>();
  });
});
