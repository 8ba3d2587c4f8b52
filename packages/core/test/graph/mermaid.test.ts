import { Attributes, Broadcast, ClosedShape, Flow, GraphDSL, Merge, RunnableGraph, Sink, Source, toMermaid } from '@tributary/core';
import { describe, expect, it } from 'vitest';

describe('toMermaid', () => {
  it('renders a linear graph: one node per stage (fused stages by their fused name), one labelled edge per connection', () => {
    const text = Source.range(1, 10)
      .filter((x) => x % 2 === 0)
      .map((x) => x * 2)
      // scan fuses too; an attribute of its own (not a name) keeps it a node of its own here
      .via(
        Flow.create<number>()
          .scan(0, (a, x) => a + x)
          .withAttributes(Attributes.inputBuffer(16, 16)),
      )
      .to(Sink.ignore())
      .toMermaid();
    expect(text).toBe(
      [
        'flowchart LR',
        '  s0["range → filter → map (fused)"]',
        '  s1["scan"]',
        '  s2["ignore"]',
        '  s0 -->|"RangeSource.out → Scan.in"| s1',
        '  s1 -->|"Scan.out → IgnoreSink.in"| s2',
      ].join('\n'),
    );
  });

  it('renders open ports of a Flow, Source and Sink as in/out terminals', () => {
    const flow = Flow.create<number>()
      .map((x) => x + 1)
      .named('inc');
    expect(flow.toMermaid()).toContain('in0(["in"])');
    expect(flow.toMermaid()).toContain('out0(["out"])');
    expect(Source.single(1).toMermaid()).toContain('s0 -->|"SingleSource.out"| out0');
    expect(Sink.ignore().toMermaid()).toContain('in0 -->|"IgnoreSink.in"| s0');
  });

  it('renders fan-out, fan-in and the port of every edge', () => {
    const g = GraphDSL.create((b) => {
      const bcast = b.add(Broadcast.create<number>(2));
      const merge = b.add(Merge.create<number>(2));
      b.from(Source.range(1, 3)).viaFanOut(bcast).viaFanIn(merge).to(Sink.ignore());
      b.from(bcast)
        .via(Flow.fromFunction((x: number) => -x))
        .viaFanIn(merge);
      return ClosedShape.instance;
    });
    const text = toMermaid(g, { direction: 'TD' });
    expect(text.split('\n')[0]).toBe('flowchart TD');
    expect(text).toContain('["Broadcast"]');
    expect(text).toContain('["Merge"]');
    expect(text).toMatch(/-->\|"Broadcast.out0 → Merge.in0"\|/);
    expect(text).toMatch(/-->\|"Broadcast.out1 → Map.in"\|/);
    expect(text).toMatch(/-->\|"Map.out → Merge.in1"\|/);
  });

  it('shows async islands and named graphs as subgraphs, and escapes labels', () => {
    const text = Source.range(1, 3)
      .via(
        Flow.create<number>()
          .map((x) => x)
          .async(),
      )
      .via(
        Flow.create<number>()
          .map((x) => x)
          .filter(() => true)
          .named('say "hi"'),
      )
      .to(Sink.ignore())
      .toMermaid();
    expect(text).toContain('subgraph g0 ["async island"]');
    expect(text).toContain('["say #quot;hi#quot;"]');
    expect(text).toContain('  end');
  });

  it('renders cycles', () => {
    const g = GraphDSL.create((b) => {
      const merge = b.add(Merge.create<number>(2));
      const bcast = b.add(Broadcast.create<number>(2));
      b.from(Source.single(1)).viaFanIn(merge).viaFanOut(bcast).to(Sink.ignore());
      b.from(bcast).via(Flow.create<number>().take(3)).viaFanIn(merge);
      return ClosedShape.instance;
    });
    const text = RunnableGraph.fromGraph(g).toMermaid();
    expect(text).toMatch(/-->\|"Take.out → Merge.in1"\|/);
  });

  it('validates the direction', () => {
    expect(() => toMermaid(Source.single(1), { direction: 'RL' as never })).toThrow(/toMermaid: direction must be 'LR' or 'TD'/);
  });
});
