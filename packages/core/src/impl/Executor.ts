/**
 * Runs interpreters (fused islands) that have work to do.
 *
 * An island that receives an external event (an async callback, a timer, an element across an async
 * boundary) asks to be scheduled. Ready islands are drained in a microtask, which keeps latency low,
 * but the executor counts the events processed since the event loop last had a turn: once that count
 * passes `yieldAfterEvents`, the next drain is deferred with `setImmediate`, so a hot stream — or two
 * islands ping-ponging across a boundary — can never starve I/O.
 */
export interface Runnable {
  /** Set by the executor while the runnable sits in its ready queue. */
  _scheduled: boolean;
  /** Does a bounded amount of work; returns the number of events processed. */
  runBatch(): number;
}

// A resolved promise's then() is a plain V8 microtask; queueMicrotask adds an async-hooks scope per call.
const resolved = Promise.resolve();

export class Executor {
  private ready: Runnable[] = [];
  private drainScheduled = false;
  private eventsSinceTurn = 0;
  private turnMarkerPending = false;

  constructor(private readonly yieldAfterEvents: number) {}

  /** How many times ready islands were run so far (a counter for observers: equal readings, nothing ran). */
  drains = 0;

  /**
   * No island is queued and no drain is pending: nothing runs until something outside the executor
   * (an async callback from a settled promise, a timer, I/O) wakes an island.
   */
  get idle(): boolean {
    return !this.drainScheduled && this.ready.length === 0;
  }

  schedule(r: Runnable): void {
    if (r._scheduled) return;
    r._scheduled = true;
    this.ready.push(r);
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    if (this.eventsSinceTurn >= this.yieldAfterEvents) {
      setImmediate(this.drainAfterTurn);
    } else {
      resolved.then(this.drain);
      // Notices when the event loop next gets a turn, so the count restarts from there.
      if (!this.turnMarkerPending) {
        this.turnMarkerPending = true;
        setImmediate(this.onEventLoopTurn);
      }
    }
  }

  private readonly onEventLoopTurn = (): void => {
    this.turnMarkerPending = false;
    this.eventsSinceTurn = 0;
  };

  private readonly drainAfterTurn = (): void => {
    this.eventsSinceTurn = 0;
    this.drain();
  };

  private readonly drain = (): void => {
    this.drainScheduled = false;
    this.drains++;
    // Islands woken while draining (e.g. the other side of an async boundary) run in the same drain,
    // without a microtask hop each, until the budget says the event loop must get its turn.
    while (this.ready.length !== 0) {
      const batch = this.ready;
      this.ready = [];
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i]!;
        r._scheduled = false;
        this.eventsSinceTurn += r.runBatch();
      }
      if (this.eventsSinceTurn >= this.yieldAfterEvents) break;
    }
    if (this.ready.length !== 0 && !this.drainScheduled) {
      this.drainScheduled = true;
      if (this.eventsSinceTurn >= this.yieldAfterEvents) setImmediate(this.drainAfterTurn);
      else resolved.then(this.drain);
    }
  };
}
