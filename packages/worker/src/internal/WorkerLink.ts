/**
 * Main side: the stage's bookkeeping for one worker (one generation of one slot — a replacement gets a
 * new link): the credit it granted, the outputs it sent that wait for downstream, how its stream ended,
 * and, for ordering and retries, how many of its inputs have no output yet.
 */
import { Queue } from './Queue.js';
import type { WorkerThread } from './WorkerThread.js';

export type LinkEnd = { readonly kind: 'complete' } | { readonly kind: 'fail'; readonly error: unknown };

export class WorkerLink {
  /** Elements this worker may still be sent. */
  credit = 0;
  /** Outputs received, waiting for downstream demand (at most `bufferSize`: the output credit). */
  readonly outputs = new Queue<unknown>();
  /** Outputs handed downstream since credit was last granted back. */
  consumed = 0;
  /** How the worker's stream ended; acted upon once `outputs` is drained. */
  end: LinkEnd | null = null;
  /** The worker sent its first packet (its flow is materialized). */
  ready = false;
  /** It may be sent elements (not closed by its flow, no end sent to it, alive). */
  inputOpen = true;
  /** Its flow cancelled its input before the input ended (`take`, …). */
  closedByFlow = false;
  dead = false;
  /** Inputs sent minus outputs received (negative: the flow emits more than it takes). */
  unanswered = 0;
  /** Retry mode: the inputs without an output yet, oldest first (at most `retryWindow`). */
  readonly retained: Queue<unknown> | null;
  /** Retry mode: it emitted more outputs than it had inputs, so its in-flight inputs cannot be known. */
  expanding = false;
  /** Elements to send before any new one (a predecessor's retried inputs), as credit allows. */
  readonly backlog = new Queue<unknown>();

  /** Its worker thread; null while a successor waits out the restart backoff. */
  thread: WorkerThread | null = null;

  constructor(
    readonly slot: number,
    retry: boolean,
    /** 0 for the first worker of a slot, +1 per replacement. */
    readonly generation = 0,
  ) {
    this.retained = retry ? new Queue<unknown>() : null;
  }
}
