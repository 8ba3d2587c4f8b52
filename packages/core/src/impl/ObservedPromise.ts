/**
 * The promise a sink materializes, able to tell whether anyone looks at its failure.
 *
 * A failure that reaches a sink is logged only when nobody observes it (see `RunningStream`): the
 * usual way to observe it is to await or catch the sink's materialized promise. Node offers no way to
 * ask a promise whether it has handlers, so this subclass records it itself: `then` (which `await`,
 * `catch`, `finally`, `Promise.all` and friends all go through for a subclass instance) marks it
 * observed. Promises derived from it are plain promises (`Symbol.species`), so only subscribing to the
 * sink's own promise counts.
 *
 * The promise always carries one handler of tributary's own that does not count: a value the user
 * discards (a sink behind `Keep.left`, the side sink of `alsoTo`, …) must not crash the process with
 * an unhandled rejection when the stream fails. The failure is logged instead.
 */
export class ObservedPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #observed = false;
  #rejected = false;

  /** Whether the promise rejected and something other than tributary subscribed to it (before or after). */
  get failureObserved(): boolean {
    return this.#rejected && this.#observed;
  }

  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#observed = true;
    return super.then(onFulfilled, onRejected);
  }

  /** A pending promise with its settle functions; tributary's own (silent) rejection handler is attached. */
  static create<T>(): { promise: ObservedPromise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new ObservedPromise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.silence();
    return {
      promise,
      resolve,
      reject: (error) => {
        promise.#rejected = true;
        reject(error);
      },
    };
  }

  /** An observed promise that settles as `source` does (for sink promises that stages made themselves). */
  static following<T>(source: PromiseLike<T>): ObservedPromise<T> {
    const { promise, resolve, reject } = ObservedPromise.create<T>();
    source.then(resolve, reject);
    return promise;
  }

  private silence(): void {
    // Promise.prototype.then, not the override: this handler must not count as observing.
    Promise.prototype.then.call(this, undefined, ignoreRejection);
  }
}

function ignoreRejection(): void {}
