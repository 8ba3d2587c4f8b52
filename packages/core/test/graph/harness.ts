/**
 * Helpers for the graph-area probe tests (not a test file itself): materialize an operator or a
 * junction between TestSource probes (one per input) and TestSink probes (one per output).
 */
import { ClosedShape, type Graph, GraphDSL, Keep, RunnableGraph, type Shape, type Source } from '@tributary/core';
import { type TestPublisherProbe, TestSink, TestSource, type TestSubscriberProbe } from '@tributary/testkit';

export { boom, eventually, QUIET_MS } from '../operators/harness.js';

/** Runs `op(a, b)` between two upstream probes and one downstream probe. */
export function probe2<A, B, O>(
  op: (a: Source<A, TestPublisherProbe<A>>, b: Source<B, TestPublisherProbe<B>>) => Source<O, TestPublisherProbe<A>>,
): {
  a: TestPublisherProbe<A>;
  b: TestPublisherProbe<B>;
  down: TestSubscriberProbe<O>;
} {
  let b: TestPublisherProbe<B> | undefined;
  const other = TestSource.probe<B>().mapMaterializedValue((p) => (b = p));
  const [a, down] = op(TestSource.probe<A>(), other).toMat(TestSink.probe<O>(), Keep.both).run();
  return { a, b: b!, down };
}

/** Runs a junction with `inputs` upstream probes and `outputs` downstream probes. */
export function probeJunction<I, O>(junction: Graph<Shape, unknown>): { ups: TestPublisherProbe<I>[]; downs: TestSubscriberProbe<O>[] } {
  const ups: TestPublisherProbe<I>[] = [];
  const downs: TestSubscriberProbe<O>[] = [];
  const g = GraphDSL.create((b) => {
    const j = b.add(junction);
    for (const inlet of j.inlets) b.from(TestSource.probe<I>().mapMaterializedValue((p) => ups.push(p))).to(inlet);
    for (const outlet of j.outlets) b.from(outlet).to(TestSink.probe<O>().mapMaterializedValue((p) => downs.push(p)));
    return ClosedShape.instance;
  });
  RunnableGraph.fromGraph(g).run();
  return { ups, downs };
}
