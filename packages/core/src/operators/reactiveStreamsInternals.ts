/**
 * Shared machinery of the Reactive Streams boundaries (`Sink.asPublisher`, `Sink.fromSubscriber`,
 * `Source.asSubscriber`, `Source.fromPublisher`, `Flow.toProcessor`).
 *
 * The one rule that shapes everything here: a running stage may only be touched from inside its island.
 * Publishers and subscribers call us from anywhere (synchronously from inside our own signals, from a
 * microtask, from a timer), so every call that comes in only records what it says in a small object
 * owned jointly by the outside and the stage, and wakes the stage through an `AsyncCallback` — once
 * per batch, not once per element. The stage reads the record inside its island. JavaScript is
 * single-threaded, so the record is never touched by both at the same time; and since the stage never
 * runs inside a call that came in, a `request` made from within `onNext` cannot recurse (rule 3.3).
 */
import { AbruptTerminationException } from '../impl/GraphInterpreter.js';
import type { Subscriber, Subscription } from '../reactiveStreams.js';
import type { AsyncCallback } from '../stage/GraphStageLogic.js';

/** A valid `request(n)`: a positive integer or `Infinity` (rule 3.9, JS form). */
export function isValidDemand(n: unknown): n is number {
  return typeof n === 'number' && n > 0 && (Number.isInteger(n) || n === Infinity);
}

/** Adds demand, saturating at `Infinity` (rule 3.17): never `NaN`, never an overflow error. */
export function addDemand(current: number, n: number): number {
  const sum = current + n;
  return sum >= Number.MAX_SAFE_INTEGER ? Infinity : sum;
}

/** The error signalled for `request(n)` with an invalid `n` (rule 3.9). */
export function invalidDemandError(where: string, n: unknown): RangeError {
  return new RangeError(`${where}: Rule 3.9: non-positive subscription request: request(${String(n)}) — n must be a positive integer or Infinity`);
}

/** Thrown to a publisher that calls `onNext(null | undefined)` (rule 2.13). */
export function nullElementError(where: string, element: unknown): TypeError {
  return new TypeError(`${where}: Rule 2.13: onNext(${String(element)}) — null and undefined elements cannot cross a Reactive Streams boundary`);
}

/** Raised by a publishing boundary when its stream carries `null`/`undefined` (rule 2.13). */
export function nullInStreamError(where: string, element: unknown): TypeError {
  return new TypeError(`${where}: Rule 2.13: the stream emitted ${String(element)}; null and undefined elements cannot cross a Reactive Streams boundary`);
}

export function abrupt(where: string): AbruptTerminationException {
  return new AbruptTerminationException(`${where}: the stream was stopped before it completed (its materializer was shut down)`);
}

/** The stage side of a `BoundarySubscription`: how requests and cancellations reach the island. */
export interface SubscriptionTarget<T> {
  readonly onRequest: AsyncCallback<BoundarySubscription<T>>;
  readonly onCancel: AsyncCallback<BoundarySubscription<T>>;
}

/**
 * The `Subscription` a publishing boundary hands to one subscriber. `request`/`cancel` never signal
 * synchronously: they record the call and wake the stage (at most one wake-up pending at a time).
 */
export class BoundarySubscription<T> implements Subscription {
  /** Cleared on cancel and on termination, so that the subscriber can be collected (rule 3.13). */
  subscriber: Subscriber<T> | null;
  /** Demand requested and not yet seen by the stage. */
  pendingDemand = 0;
  /** The first invalid `request` argument, if any (rule 3.9 is signalled by the stage). */
  invalidRequest: unknown = undefined;
  hasInvalidRequest = false;
  /** A wake-up for `pendingDemand`/`invalidRequest` is queued. */
  requestSignalled = false;
  cancelled = false;

  // Owned by the stage (only touched inside the island).
  /** Demand seen by the stage and not yet satisfied. */
  demand = 0;
  /** Fan-out: sequence number of the next element this subscriber gets. */
  cursor = 0;
  /** onSubscribe has been signalled. */
  subscribed = false;

  constructor(
    subscriber: Subscriber<T>,
    private readonly target: SubscriptionTarget<T>,
  ) {
    this.subscriber = subscriber;
  }

  request(n: number): void {
    if (this.cancelled || this.subscriber === null) return; // rule 3.6
    if (!isValidDemand(n)) {
      if (!this.hasInvalidRequest) {
        this.hasInvalidRequest = true;
        this.invalidRequest = n;
      }
    } else {
      this.pendingDemand = addDemand(this.pendingDemand, n);
    }
    if (!this.requestSignalled) {
      this.requestSignalled = true;
      this.target.onRequest.invoke(this);
    }
  }

  cancel(): void {
    if (this.cancelled) return; // rule 3.7
    this.cancelled = true;
    const wasActive = this.subscriber !== null;
    this.subscriber = null; // rule 3.13: let go of the subscriber right away
    if (wasActive) this.target.onCancel.invoke(this);
  }

  /** Moves the recorded demand into `demand`; returns false if an invalid request was recorded. */
  takeDemand(): boolean {
    this.requestSignalled = false;
    if (this.hasInvalidRequest) return false;
    this.demand = addDemand(this.demand, this.pendingDemand);
    this.pendingDemand = 0;
    return true;
  }

  toString(): string {
    return 'BoundarySubscription';
  }
}

/** A subscription that does nothing: handed out together with an immediate terminal signal (rule 1.9). */
export const noopSubscription: Subscription = Object.freeze({
  request(): void {},
  cancel(): void {},
  toString: () => 'CancelledSubscription',
});

/** The terminal signal a publisher gives to subscribers that arrive after its stream ended. */
export type TerminalSignal = { readonly kind: 'complete' } | { readonly kind: 'error'; readonly error: unknown };

/**
 * Signals `onSubscribe` (with a no-op subscription) and then `terminal` to `subscriber`, as rule 1.9
 * requires of a publisher that cannot serve it. Exceptions thrown by the subscriber are reported to
 * `report` (rule 2.13 says they are the subscriber's bug; there is nothing else to tell).
 */
export function rejectSubscriber<T>(subscriber: Subscriber<T>, terminal: TerminalSignal, report: (e: unknown) => void): void {
  try {
    subscriber.onSubscribe(noopSubscription);
    if (terminal.kind === 'complete') subscriber.onComplete();
    else subscriber.onError(terminal.error);
  } catch (e) {
    report(e);
  }
}
