/**
 * `@tributary/core/stage` — the API for writing custom stages.
 *
 * A stage is two halves: an immutable `GraphStage` blueprint that declares its ports and shape, and a
 * `GraphStageLogic` created per materialization that holds the state and reacts to port events.
 */
export { Inlet, Outlet } from './Ports.js';
export { Shape, ClosedShape, SourceShape, FlowShape, SinkShape } from './Shape.js';
export { Attributes, type Decider, type SupervisionDirective, type InputBuffer, type LogLevel, type LogLevels } from './Attributes.js';
export { GraphStage, GraphStageWithMaterializedValue, NotUsed, type Graph } from './GraphStage.js';
export { GraphStageLogic, StreamDetachedException, type AsyncCallback, type InHandler, type OutHandler } from './GraphStageLogic.js';
export { TimerGraphStageLogic } from './TimerGraphStageLogic.js';
export {
  IllegalStageUsageError,
  NonFailureCancellation,
  NoMoreElementsNeeded,
  StageWasCompleted,
  AbruptTerminationException,
} from '../impl/GraphInterpreter.js';
export type { Scheduler, Cancellable } from '../impl/Scheduler.js';
