/**
 * What crosses the thread boundary. Both directions speak the same language: a *packet* is one
 * structured-clone message carrying a batch of elements, a credit grant for the opposite direction and,
 * last, a terminal signal — so a batch, the demand it answers and the end of the stream travel together
 * and can never overtake one another.
 *
 * ```
 *   main thread (WorkerFlow stage)                         worker thread (its own island)
 *   ┌──────────────────────────┐   { items ≤ batchSize, credit }   ┌─────────────────────────────────┐
 *   │ upstream ─▶ Outbox ──────┼──────────────────────────────────▶│ WorkerInbound ─▶ flow ─▶ Outbound│
 *   │                          │                                   │   (≤ bufferSize queued)     │    │
 *   │ downstream ◀─ queue ◀────┼◀──────────────────────────────────┼──────── Outbox ◀────────────┘    │
 *   │   (≤ bufferSize queued)  │   { items ≤ batchSize, credit }   │                                  │
 *   └──────────────────────────┘                                   └─────────────────────────────────┘
 * ```
 *
 * Credit is demand in bulk: a side may send only as many elements as the other side granted, and the
 * receiver grants again in windows of half its buffer as it hands elements on. Neither side ever holds
 * more than `bufferSize` elements that crossed, whatever the speed of the other.
 */
import type { SerializedError } from './errorTransport.js';

export interface Packet {
  /** Elements, in stream order. */
  readonly items?: unknown[];
  /** The receiver may send this many more elements. */
  readonly credit?: number;
  /** The sender takes no more elements (worker → main: the flow cancelled its input). */
  readonly inputClosed?: true;
  /** The end of the sender's stream, after `items`. */
  readonly end?: EndSignal;
  /** worker → main: a report of the worker's materializer (not the failure of its stream). */
  readonly log?: { readonly message: string; readonly error: SerializedError };
  /** worker → main: every stage of the worker's stream has stopped; the thread may be ended. */
  readonly stopped?: true;
}

export type EndSignal =
  | { readonly kind: 'complete' }
  | {
      readonly kind: 'fail';
      readonly error: SerializedError;
      /** The worker stage where the failure started, when known. */
      readonly stage?: string;
      /** worker → main: the failure is the upstream failure the main thread sent in, passed through. */
      readonly upstream?: boolean;
    }
  /** main → worker: downstream cancelled; stop the flow. */
  | { readonly kind: 'cancel' };

/** What a worker thread is told at start (its `workerData.init`). */
export interface WorkerInit {
  readonly moduleUrl: string;
  readonly exportName: string;
  /** Passed to the module's export when it is a function. */
  readonly data: unknown;
  readonly bufferSize: number;
  readonly batchSize: number;
  /** Names the flow in error messages: `WorkerFlow(flow.ts)`. */
  readonly label: string;
}

/** The `workerData` of a worker thread: its bootstrap reads `loader` and `entry`, the runtime `init`. */
export interface WorkerBootData {
  readonly loader: string | undefined;
  readonly entry: string;
  readonly init: WorkerInit;
}

/** A window of credit is re-granted after half the buffer was handed on (at least one element). */
export function grantWindow(bufferSize: number): number {
  return Math.max(1, bufferSize >> 1);
}
