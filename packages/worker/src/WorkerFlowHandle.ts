/**
 * The materialized value of a WorkerFlow: a view of its worker threads.
 */
export interface WorkerFlowHandle {
  /**
   * The `threadId`s of this stream's worker threads that are running now, in slot order (a replaced
   * worker's id is replaced by its successor's). Empty once the stream has ended and every thread is gone.
   */
  readonly threadIds: readonly number[];
  /**
   * Resolves with the thread ids of the first workers (in slot order) once every one of them has loaded
   * its module and materialized its flow; rejects if one could not (the stream fails with the same error).
   */
  readonly ready: Promise<readonly number[]>;
  /**
   * Resolves once the stream has ended — however it ended — and every worker thread it started has
   * exited. Never rejects.
   */
  readonly terminated: Promise<void>;
  /** How many dead workers were replaced so far (see the `restart` option). */
  readonly restarts: number;
}

/** @internal */
export class WorkerFlowHandleImpl implements WorkerFlowHandle {
  private readonly live = new Map<number, number>(); // threadId → slot
  private stageStopped = false;
  private readonly readyIds: { readonly threadId: number; readonly slot: number }[] = [];
  private readySettled = false;
  restarts = 0;
  readonly ready: Promise<readonly number[]>;
  readonly terminated: Promise<void>;
  private resolveReady!: (ids: readonly number[]) => void;
  private rejectReady!: (error: unknown) => void;
  private resolveTerminated!: () => void;

  constructor(private readonly threads: number) {
    this.ready = new Promise<readonly number[]>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Whoever does not look at `ready` learns about a failed start from the stream itself.
    this.ready.catch(() => {});
    this.terminated = new Promise<void>((resolve) => (this.resolveTerminated = resolve));
  }

  get threadIds(): readonly number[] {
    return [...this.live.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  }

  /** @internal */ _started(threadId: number, slot: number): void {
    this.live.set(threadId, slot);
  }

  /** @internal */ _exited(threadId: number): void {
    this.live.delete(threadId);
    this.checkTerminated();
  }

  /** @internal A worker of the first generation sent its first packet. */
  _workerReady(threadId: number, slot: number): void {
    if (this.readySettled) return;
    this.readyIds.push({ threadId, slot });
    if (this.readyIds.length < this.threads) return;
    this.readySettled = true;
    this.resolveReady(this.readyIds.sort((a, b) => a.slot - b.slot).map((r) => r.threadId));
  }

  /** @internal */ _failedBeforeReady(error: unknown): void {
    if (this.readySettled) return;
    this.readySettled = true;
    this.rejectReady(error);
  }

  /** @internal The stage stopped: no further thread will start. */
  _stageStopped(error: unknown): void {
    this.stageStopped = true;
    this._failedBeforeReady(error);
    this.checkTerminated();
  }

  private checkTerminated(): void {
    if (this.stageStopped && this.live.size === 0) this.resolveTerminated();
  }
}
