/**
 * `@tributary/core` — Reactive Streams toolkit for TypeScript on Node.js.
 *
 * A stream is a blueprint of stages (Source → Flow → Sink) that is materialized into running stages
 * exchanging elements only on demand.
 *
 * @module @tributary/core
 */
// Where public things are defined: dsl/ (the DSL classes and their operator interfaces), stage/ (custom
// stages) and the files at the top of src/ (Scheduler, OverflowStrategy, ThrottleMode, TimeoutError,
// reactiveStreams: types that every layer uses). impl/ and operators/ are internal; the public types still
// defined there (some errors, snapshot and queue types) are candidates to move the same way.
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
export { SystemScheduler, type SystemSchedulerOptions, type Scheduler, type Cancellable } from './Scheduler.js';
export type { Publisher, Subscriber, Subscription, Processor } from './reactiveStreams.js';

// ── Graph DSL, junctions, substreams (graph area) ──
export { GraphDSL, GraphDSLBuilder, PortOps, GraphBlueprint, IllegalGraphError } from './dsl/GraphDSL.js';
export { BidiFlow } from './dsl/BidiFlow.js';
export { SubFlow, type SubFlowF, type ClosedOf } from './dsl/SubFlow.js';
export { toMermaid, type MermaidOptions } from './dsl/Mermaid.js';
export { Broadcast, type BroadcastOptions } from './dsl/Broadcast.js';
export { Balance, type BalanceOptions } from './dsl/Balance.js';
export { Merge, type MergeOptions } from './dsl/Merge.js';
export { MergePreferred } from './dsl/MergePreferred.js';
export { MergePrioritized } from './dsl/MergePrioritized.js';
export { MergeSorted } from './dsl/MergeSorted.js';
export { MergeLatest } from './dsl/MergeLatest.js';
export { Zip } from './dsl/Zip.js';
export { ZipWith } from './dsl/ZipWith.js';
export { ZipN } from './dsl/ZipN.js';
export { ZipWithN } from './dsl/ZipWithN.js';
export { ZipLatest } from './dsl/ZipLatest.js';
export { ZipLatestWith } from './dsl/ZipLatestWith.js';
export { Unzip } from './dsl/Unzip.js';
export { UnzipWith } from './dsl/UnzipWith.js';
export { Partition, type PartitionOptions } from './dsl/Partition.js';
export { Concat, type ConcatOptions } from './dsl/Concat.js';
export { Interleave, type InterleaveOptions } from './dsl/Interleave.js';
export type { MatOfKind, WithMat } from './dsl/FlowOps.js';
export type { SubstreamCancelStrategy } from './operators/split.js';
export { TooManySubstreamsOpenException } from './operators/groupBy.js';
export { SubscriptionTimeoutException, subscriptionTimeout, DefaultSubscriptionTimeoutMs } from './stage/SubSourceOutlet.js';
export { UniformFanInShape } from './stage/UniformFanInShape.js';
export { UniformFanOutShape } from './stage/UniformFanOutShape.js';
export { FanInShape2 } from './stage/FanInShape2.js';
export { FanOutShape2 } from './stage/FanOutShape2.js';
export { BidiShape } from './stage/BidiShape.js';
export { MergePreferredShape } from './stage/MergePreferredShape.js';

// ── Time, async and rate (time area) ──
export { OverflowStrategy, DelayOverflowStrategy, BufferOverflowError } from './OverflowStrategy.js';
export { ThrottleMode, RateExceededError, type ThrottleOptions } from './ThrottleMode.js';
export { TimeoutError, InitialTimeoutError, CompletionTimeoutError, IdleTimeoutError, BackpressureTimeoutError, type TimeoutKind } from './TimeoutError.js';
export { QueueOfferResult, type SourceQueue } from './operators/sourceQueue.js';
export type { SinkQueue } from './operators/sinkQueue.js';
export type { TickCancellable } from './operators/tick.js';
export type { IterableOrIterator } from './operators/expand.js';
export { IllegalStateError } from './operators/IllegalStateError.js';

// ── Failure handling, restarts, dynamic streams (error area) ──
export { RestartSource } from './dsl/RestartSource.js';
export { RestartFlow } from './dsl/RestartFlow.js';
export { RestartSink } from './dsl/RestartSink.js';
export { RestartSettings, type RestartHandle } from './dsl/RestartSettings.js';
export { RetryFlow } from './dsl/RetryFlow.js';
export { KillSwitches, type KillSwitch, UniqueKillSwitch, SharedKillSwitch } from './dsl/KillSwitches.js';
export { MergeHub } from './dsl/MergeHub.js';
export { BroadcastHub } from './dsl/BroadcastHub.js';
export { PartitionHub, type ConsumerInfo } from './dsl/PartitionHub.js';
export type { ErrorMatcher, WithSignalOptions } from './dsl/ops/errorOps.js';
export type { FlowMonitor, FlowMonitorState } from './dsl/ops/matOps.js';
export type { StreamSnapshot, StageSnapshot, StageState, ConnectionSnapshot, ConnectionState, StallReport } from './impl/StreamSnapshot.js';
// ── Inspector support (inspect area): detailed snapshots ──
export type {
  DetailedStreamSnapshot,
  DetailedStageSnapshot,
  DetailedConnectionSnapshot,
  StageFailure,
  BoundaryDetail,
  HoldUp,
} from './impl/DetailedStreamSnapshot.js';
export type { StallDetectionSettings, FailureLogger, FailureDetails } from './impl/MaterializerImpl.js';

// ── Interop and Reactive Streams boundaries (interop area) ──
export { StreamConverters, type AsReadableOptions, type AsDuplexOptions } from './dsl/StreamConverters.js';

// ── Bytes ──
export { Framing, type ByteOrder, type ComputeFrameSize, type DelimiterFramingOptions } from './dsl/Framing.js';
export { JsonFraming } from './dsl/JsonFraming.js';
export { Compression, type CompressionOptions } from './dsl/Compression.js';
export { TextFlow, type LineEncoding, type LinesOptions, type TextEncoding } from './dsl/TextFlow.js';
export { FramingError } from './operators/FramingError.js';

// ── Context and round-two operators ──
export { SourceWithContext, type SourceWithContextF } from './dsl/SourceWithContext.js';
export { FlowWithContext, type FlowWithContextF } from './dsl/FlowWithContext.js';
export type { FlowWithContextOps, ContextHKT, KindWithContext } from './dsl/ops/contextOps.js';
export type { RoundTwoOps, EmitOnTimer } from './dsl/ops/roundTwoOps.js';
export type { MaybeHandle } from './operators/maybe.js';
export { NeverMaterializedException } from './operators/NeverMaterializedException.js';
export { MergeSequence } from './dsl/MergeSequence.js';
export type { DrainingControl } from './operators/mergeHub.js';
