/**
 * Renders any blueprint as a Mermaid flowchart: one node per stage (its `named()` name, else its
 * operator name; fused stages show their fused name, e.g. `filter → map (fused)`), one edge per connection
 * labelled `Outlet → Inlet`, open ports as `in`/`out` terminals, and async islands and named composite
 * graphs as subgraphs. Paste the output into a ```mermaid block to see the graph.
 */
import type { Module } from '../impl/Module.js';
import type { Attributes } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import type { Shape } from '../stage/Shape.js';

export interface MermaidOptions {
  /** Flowchart direction: left-to-right (default) or top-down. */
  readonly direction?: 'LR' | 'TD';
}

interface PortRef {
  readonly node: string;
  readonly port: string;
}

interface Rendered {
  readonly ins: PortRef[];
  readonly outs: PortRef[];
}

function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

class Renderer {
  readonly body: string[] = [];
  readonly edges: string[] = [];
  private nodes = 0;
  private groups = 0;

  edge(from: PortRef, to: PortRef): void {
    this.edges.push(`  ${from.node} -->|"${escape(`${from.port} → ${to.port}`)}"| ${to.node}`);
  }

  walk(m: Module, indent: string): Rendered {
    const attrs = m.attributes as Attributes | null;
    const isAsync = attrs?.isAsyncBoundary === true;
    const groupName = m.kind === 'atomic' ? undefined : attrs?.name;
    if (!isAsync && groupName === undefined) return this.walkInner(m, indent);
    const id = `g${this.groups++}`;
    const title = isAsync ? `async island${groupName !== undefined ? `: ${groupName}` : ''}` : groupName!;
    this.body.push(`${indent}subgraph ${id} ["${escape(title)}"]`);
    const r = this.walkInner(m, `${indent}  `);
    this.body.push(`${indent}end`);
    return r;
  }

  private walkInner(m: Module, indent: string): Rendered {
    switch (m.kind) {
      case 'atomic': {
        const id = `s${this.nodes++}`;
        const stage = m.stage as { defaultName?: string; shape: { inlets: readonly { name: string }[]; outlets: readonly { name: string }[] } };
        const label = (m.attributes as Attributes | null)?.name ?? stage.defaultName ?? m.stage.constructor.name;
        this.body.push(`${indent}${id}["${escape(label)}"]`);
        return {
          ins: stage.shape.inlets.map((p) => ({ node: id, port: p.name })),
          outs: stage.shape.outlets.map((p) => ({ node: id, port: p.name })),
        };
      }
      case 'linear': {
        const parts = m.children.map((c) => this.walk(c, indent));
        for (let i = 1; i < parts.length; i++) this.edge(parts[i - 1]!.outs[0]!, parts[i]!.ins[0]!);
        return { ins: parts[0]!.ins, outs: parts[parts.length - 1]!.outs };
      }
      case 'composite': {
        const parts = m.children.map((c) => this.walk(c, indent));
        const e = m.edges;
        for (let i = 0; i < e.length; i += 4) this.edge(parts[e[i]!]!.outs[e[i + 1]!]!, parts[e[i + 2]!]!.ins[e[i + 3]!]!);
        const ins: PortRef[] = [];
        for (let i = 0; i < m.inlets.length; i += 2) ins.push(parts[m.inlets[i]!]!.ins[m.inlets[i + 1]!]!);
        const outs: PortRef[] = [];
        for (let i = 0; i < m.outlets.length; i += 2) outs.push(parts[m.outlets[i]!]!.outs[m.outlets[i + 1]!]!);
        return { ins, outs };
      }
    }
  }
}

/**
 * A Mermaid flowchart of `graph` (any Source, Flow, Sink, RunnableGraph, BidiFlow, GraphDSL graph or
 * stage).
 *
 * @example
 * console.log(Source.range(1, 3).map((x) => x * 2).to(Sink.ignore()).toMermaid());
 * // flowchart LR
 * //   s0["range·map"]
 * //   s1["ignore"]
 * //   s0 -->|"RangeSource.out → IgnoreSink.in"| s1
 */
export function toMermaid(graph: Graph<Shape, unknown>, options: MermaidOptions = {}): string {
  const direction = options.direction ?? 'LR';
  if (direction !== 'LR' && direction !== 'TD') throw new RangeError(`toMermaid: direction must be 'LR' or 'TD', got ${String(direction)}`);
  const r = new Renderer();
  const top = r.walk(graph.module, '  ');
  const terminals: string[] = [];
  top.ins.forEach((p, i) => {
    terminals.push(`  in${i}(["in"])`);
    r.edges.push(`  in${i} -->|"${escape(p.port)}"| ${p.node}`);
  });
  top.outs.forEach((p, i) => {
    terminals.push(`  out${i}(["out"])`);
    r.edges.push(`  ${p.node} -->|"${escape(p.port)}"| out${i}`);
  });
  return [`flowchart ${direction}`, ...r.body, ...terminals, ...r.edges].join('\n');
}
