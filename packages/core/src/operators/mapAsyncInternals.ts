/**
 * Shared by the mapAsync family (mapAsync, mapAsyncUnordered, mapAsyncPartitioned).
 *
 * Each call of the user function runs in an `AsyncSlot`. Slots are pooled by the logic (there are never
 * more than `parallelism`), and each carries its two promise handlers, created once with the slot: an
 * element therefore costs the promise reaction the runtime allocates for `then` and nothing else — no
 * closure, no holder. The handlers only record the outcome and hand the slot to the stage through the
 * logic's single async callback; every state change the stage relies on happens inside the island, so a
 * slot can never be reused while a notification about its previous use is still on its way.
 */
import type { SupervisionDirective } from '../stage/Attributes.js';
import type { AsyncCallback } from '../stage/GraphStageLogic.js';

/** Slot states (set inside the island). */
export const Idle: number = 0;
/** Waiting for its partition to be free (mapAsyncPartitioned only). */
export const Waiting: number = 1;
export const Pending: number = 2;
export const Succeeded: number = 3;
export const Failed: number = 4;

export class AsyncSlot<I, O> {
  state: number = Idle;
  /** Recorded by the handlers, outside the island: Succeeded or Failed (Idle: not settled yet). */
  outcome: number = Idle;
  input: I | undefined = undefined;
  partition: unknown = undefined;
  value: O | undefined = undefined;
  error: unknown = undefined;
  /** The supervision decision for `error`, asked once. */
  directive: SupervisionDirective | null = null;
  readonly onValue: (value: O) => void;
  readonly onError: (error: unknown) => void;

  constructor(callback: AsyncCallback<AsyncSlot<I, O>>) {
    this.onValue = (value) => {
      if (this.outcome !== Idle) return; // a thenable that settles twice
      this.value = value;
      this.outcome = Succeeded;
      callback.invoke(this);
    };
    this.onError = (error) => {
      if (this.outcome !== Idle) return;
      this.error = error;
      this.outcome = Failed;
      callback.invoke(this);
    };
  }

  /** Forgets the previous use (releases the element, result and error for the GC). */
  reset(): void {
    this.state = Idle;
    this.outcome = Idle;
    this.input = undefined;
    this.partition = undefined;
    this.value = undefined;
    this.error = undefined;
    this.directive = null;
  }
}

export function isThenable(r: unknown): r is PromiseLike<unknown> {
  return r !== null && (typeof r === 'object' || typeof r === 'function') && typeof (r as { then?: unknown }).then === 'function';
}

/**
 * Subscribes `slot` to `result` (what the user function returned). A plain value, or anything that is not
 * a thenable, completes the slot synchronously: returns true and `slot.outcome` is set. May throw (a
 * `then` getter or method that throws), which callers handle like a rejection.
 */
export function subscribe<I, O>(slot: AsyncSlot<I, O>, result: O | PromiseLike<O>): boolean {
  if (isThenable(result)) {
    result.then(slot.onValue, slot.onError);
    return false;
  }
  slot.value = result;
  slot.outcome = Succeeded;
  return true;
}
