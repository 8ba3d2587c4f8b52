import { BidiFlow, Flow, Keep, Sink, Source } from '@tributary/core';
import { describe, expect, expectTypeOf, it } from 'vitest';

/** A toy protocol stack: messages ⇄ JSON strings ⇄ length-prefixed frames. */
const codec = BidiFlow.fromFunctions(
  (msg: { n: number }) => JSON.stringify(msg),
  (json: string) => JSON.parse(json) as { n: number },
);
const framing = BidiFlow.fromFunctions(
  (s: string) => `${s.length}:${s}`,
  (frame: string) => frame.slice(frame.indexOf(':') + 1),
);

describe('BidiFlow', () => {
  it('fromFunctions + join: the outbound side feeds the flow, whose output comes back inbound', async () => {
    const loopback = codec.join(Flow.create<string>());
    expectTypeOf(loopback).toEqualTypeOf<Flow<{ n: number }, { n: number }>>();
    expect(
      await Source.from([{ n: 1 }, { n: 2 }])
        .via(loopback)
        .runWith(Sink.seq()),
    ).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('atop stacks layers: outbound goes down through both, inbound comes up through both', async () => {
    const stack = codec.atop(framing);
    const wire: string[] = [];
    const transport = Flow.create<string>().map((frame) => {
      wire.push(frame);
      return frame;
    });
    expect(await Source.single({ n: 42 }).via(stack.join(transport)).runWith(Sink.seq())).toEqual([{ n: 42 }]);
    expect(wire).toEqual(['8:{"n":42}']);
  });

  it('reversed turns the layer around', async () => {
    const reversed = framing.reversed();
    expectTypeOf(reversed).toEqualTypeOf<BidiFlow<string, string, string, string>>();
    // outbound of the reversed layer is the original inbound (strip the length prefix)
    expect(await Source.single('3:abc').via(reversed.join(Flow.create<string>())).runWith(Sink.seq())).toEqual(['3:abc']);
    const decodeOnly = BidiFlow.fromFunctions(
      (x: number) => x + 1,
      (s: string) => s.length,
    ).reversed();
    // reversed: 'abcd' goes out through s.length (4), comes back in through x + 1
    expect(await Source.single('abcd').via(decodeOnly.join(Flow.create<number>())).runWith(Sink.seq())).toEqual([5]);
  });

  it('identity changes nothing in either direction', async () => {
    const id = BidiFlow.identity<number, number>();
    expect(
      await Source.from([1, 2])
        .via(id.join(Flow.fromFunction((x: number) => x * 3)))
        .runWith(Sink.seq()),
    ).toEqual([3, 6]);
  });

  it('materialized values: fromFlowsMat, atopMat, joinMat, mapMaterializedValue', () => {
    const left = Flow.create<number>().mapMaterializedValue(() => 'out');
    const right = Flow.create<number>().mapMaterializedValue(() => 'in');
    const bidi = BidiFlow.fromFlowsMat(left, right, Keep.both);
    const stacked = bidi.atopMat(
      BidiFlow.identity<number, number>().mapMaterializedValue(() => 'id'),
      Keep.both,
    );
    const flow = stacked.joinMat(
      Flow.create<number>().mapMaterializedValue(() => 'wire'),
      Keep.both,
    );
    const [mat] = Source.single(1).viaMat(flow, Keep.right).toMat(Sink.ignore(), Keep.both).run();
    expect(mat).toEqual([[['out', 'in'], 'id'], 'wire']);
    expect(BidiFlow.fromFlows(left, right).join(Flow.create<number>()).runWith(Source.single(1), Sink.ignore())[0]).toBeUndefined();
  });

  it('validates its arguments', () => {
    expect(() => BidiFlow.fromFlows(Source.single(1) as never, Flow.create<number>())).toThrow(/BidiFlow.fromFlows: outbound must be a Flow/);
    expect(() => codec.atop(Flow.create<string>() as never)).toThrow(/BidiFlow.atop: expected a graph with a BidiShape/);
    expect(() => codec.join(Sink.ignore() as never)).toThrow(/BidiFlow.join: expected a Flow/);
  });

  it('renders as Mermaid', () => {
    const text = codec.atop(framing).toMermaid();
    expect(text.split('\n')[0]).toBe('flowchart LR');
    expect(text.match(/\["map"\]/g)?.length).toBe(4);
    expect(text.match(/\(\["in"\]\)/g)?.length).toBe(2);
  });
});
