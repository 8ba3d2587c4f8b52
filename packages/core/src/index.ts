/**
 * `@tributary/core` — Reactive Streams toolkit for TypeScript on Node.js.
 *
 * A stream is a blueprint of stages (Source → Flow → Sink) that is materialized into running stages
 * exchanging elements only on demand.
 */
export { Source, type SourceF } from './dsl/Source.js';
export { Flow, type FlowF } from './dsl/Flow.js';
export { Sink } from './dsl/Sink.js';
export { RunnableGraph } from './dsl/RunnableGraph.js';
export { Keep } from './dsl/Keep.js';
export { Materializer, type MaterializerSettings } from './dsl/Materializer.js';
export { Supervision } from './dsl/Supervision.js';
export type { FlowOps, HKT, Kind } from './dsl/FlowOps.js';
export { Attributes, type Decider, type SupervisionDirective, type LogLevel, type LogLevels } from './stage/Attributes.js';
export { NotUsed, type Graph } from './stage/GraphStage.js';
export { ClosedShape, SourceShape, FlowShape, SinkShape, Shape } from './stage/Shape.js';
export { NoSuchElementError } from './operators/FlowStage.js';
export type { StreamLogger } from './operators/log.js';
export { AbruptTerminationException, IllegalStageUsageError } from './impl/GraphInterpreter.js';
export { MaterializerShutdownError } from './impl/MaterializerImpl.js';
export { SystemScheduler, type Scheduler, type Cancellable } from './impl/Scheduler.js';
export type { Publisher, Subscriber, Subscription, Processor } from './reactiveStreams.js';

// ── Graph DSL, junctions, substreams (graph area) ──

// ── Time, async and rate (time area) ──

// ── Failure handling, restarts, dynamic streams (error area) ──

// ── Interop and Reactive Streams boundaries (interop area) ──
