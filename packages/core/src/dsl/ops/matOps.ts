/**
 * The operators of FlowOps that add a materialized value of their own (Akka's `FlowOpsMat`; see
 * ../FlowOps.ts for the pattern): declared here once with their Emits / Backpressures / Completes /
 * Cancels contract, implemented in `flowOpsMatImpl`, installed on Source.prototype and Flow.prototype.
 * A SubFlow has every other operator but not these (substreams do not expose materialized values): its
 * interface and prototype are derived from this one (see `SubFlowOps` and `installSubFlowOps`).
 */
import { Broadcast } from '../../operators/broadcast.js';
import { type FlowMonitor, Monitor } from '../../operators/monitor.js';
import { requireFunction } from '../../operators/validate.js';
import { WatchTermination } from '../../operators/watchTermination.js';
import type { Graph } from '../../stage/GraphStage.js';
import type { SinkShape } from '../../stage/Shape.js';
import type { HKT, MatOfKind, WithMat } from '../FlowOps.js';
import { fanOut, requireSinkGraph } from './graphOps.js';
import type { OpsTable } from './opsTable.js';

export type { FlowMonitor, FlowMonitorState } from '../../operators/monitor.js';

export interface FlowOpsMat<Out, F extends HKT> {
  /**
   * `alsoTo`, combining this stream's and the sink's materialized values with `combine`.
   *
   * - **Emits when** an element is available and both downstream and the sink have demand.
   * - **Backpressures when** downstream or the sink backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream or the sink cancels.
   *
   * @example const [, all] = Source.range(1, 3).alsoToMat(Sink.seq(), Keep.right).toMat(Sink.ignore(), Keep.both).run();
   */
  alsoToMat<M2, M3>(sink: Graph<SinkShape<Out>, M2>, combine: (m1: MatOfKind<F>, m2: M2) => M3): WithMat<F, Out, M3>;

  /**
   * Passes everything through and materializes a promise of how the stream ended at this point:
   * resolved when upstream completed or downstream cancelled because it needed no more, rejected with
   * the error when upstream failed (or downstream cancelled with a failure), rejected with
   * `AbruptTerminationException` when the stream was stopped from outside. `combine` chooses the
   * materialized value (default: the promise, like `Keep.right`).
   *
   * - **Emits when** an element arrives from upstream.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * @example const [done, total] = source.watchTermination(Keep.right).toMat(Sink.fold(0, add), Keep.both).run();
   */
  watchTermination(): WithMat<F, Out, Promise<void>>;
  watchTermination<M2>(combine: (mat: MatOfKind<F>, done: Promise<void>) => M2): WithMat<F, Out, M2>;

  /**
   * Passes everything through and materializes a `FlowMonitor` whose `state` tells what last happened
   * at this point: `initialized`, `received` (with the latest element), `finished` or `failed` (with the
   * cause). Reading it is cheap; the stream does not allocate per element for it. `combine` chooses the
   * materialized value (default: the monitor).
   *
   * - **Emits when** an element arrives from upstream.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  monitor(): WithMat<F, Out, FlowMonitor<Out>>;
  monitor<M2>(combine: (mat: MatOfKind<F>, monitor: FlowMonitor<Out>) => M2): WithMat<F, Out, M2>;
}

const keepRight = (_l: unknown, r: unknown): unknown => r;

function combiner(op: string, combine: unknown): (l: any, r: any) => unknown {
  if (combine === undefined) return keepRight;
  if (typeof combine !== 'function') throw new TypeError(`${op}: combine must be a function, got ${typeof combine}`);
  return combine as (l: any, r: any) => unknown;
}

export const flowOpsMatImpl: OpsTable<FlowOpsMat<unknown, HKT>> = {
  alsoToMat(sink: unknown, combine: (a: unknown, b: unknown) => unknown) {
    const g = requireSinkGraph('alsoToMat', sink);
    requireFunction('alsoToMat', 'combine', combine);
    return this.viaMat(fanOut(g, new Broadcast(2, true)), combine);
  },
  watchTermination(combine?: unknown) {
    const c = combiner('watchTermination', combine);
    return this.viaMat(new WatchTermination(), c);
  },
  monitor(combine?: unknown) {
    const c = combiner('monitor', combine);
    return this.viaMat(new Monitor(), c);
  },
};
