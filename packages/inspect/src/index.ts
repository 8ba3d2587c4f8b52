/**
 * `@tributary/inspect`: see running streams. `Inspector.serve(materializer)` serves a page that lists
 * the streams and draws the selected one live; `Inspector.metrics(materializer)` renders Prometheus text.
 */
export { Inspector, type InspectorOptions, type ServeOptions, type HandlerOptions, type InspectorHandler } from './Inspector.js';
export type { MetricsOptions, KafkaConsumerMetricsSource } from './prometheus.js';
export {
  streamView,
  summaryOf,
  HoldUpShare,
  type StreamView,
  type StreamSummary,
  type StageView,
  type EdgeView,
  type HoldUpView,
  type FailureView,
  type StageStatus,
  type StreamStatus,
  type ViewInput,
} from './StreamView.js';
export { StreamTracker, HoldUpWindow, type FinishedTotals } from './StreamTracker.js';
export type { Update } from './InspectorSession.js';
