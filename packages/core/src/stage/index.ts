/**
 * `@tributary/core/stage` — the API for writing custom stages.
 *
 * A stage is two halves: an immutable `GraphStage` blueprint that declares its ports and shape, and a
 * `GraphStageLogic` created per materialization that holds the state and reacts to port events.
 *
 * @module @tributary/core/stage
 */
export { Inlet, Outlet } from './Ports.js';
export { Shape, ClosedShape, SourceShape, FlowShape, SinkShape } from './Shape.js';
export { Attributes, type Decider, type SupervisionDirective, type InputBuffer, type LogLevel, type LogLevels } from './Attributes.js';
export { GraphStage, GraphStageWithMaterializedValue, NotUsed, type Graph } from './GraphStage.js';
export { GraphStageLogic, StreamDetachedException, type AsyncCallback, type InHandler, type OutHandler } from './GraphStageLogic.js';
export { TimerGraphStageLogic } from './TimerGraphStageLogic.js';
export {
  describeValue,
  requireBoolean,
  requireFiniteNonNegativeInt,
  requireFiniteNumber,
  requireFunction,
  requireMillis,
  requireNonEmptyString,
  requireNonNegativeInt,
  requireOneOf,
  requirePositiveInt,
  requirePositiveIntOrInfinity,
  requireString,
} from './argumentChecks.js';
export {
  IllegalStageUsageError,
  NonFailureCancellation,
  NoMoreElementsNeeded,
  StageWasCompleted,
  AbruptTerminationException,
} from '../impl/GraphInterpreter.js';
export type { Scheduler, Cancellable } from '../Scheduler.js';

// ── Graph area: fan-in/fan-out/bidi shapes and substream outlets ──
export { UniformFanInShape } from './UniformFanInShape.js';
export { UniformFanOutShape } from './UniformFanOutShape.js';
export { FanInShape2 } from './FanInShape2.js';
export { FanOutShape2 } from './FanOutShape2.js';
export { BidiShape } from './BidiShape.js';
export { MergePreferredShape } from './MergePreferredShape.js';
export { SubSourceOutlet, SubscriptionTimeoutException, subscriptionTimeout, subscriptionTimeoutOf, DefaultSubscriptionTimeoutMs } from './SubSourceOutlet.js';
