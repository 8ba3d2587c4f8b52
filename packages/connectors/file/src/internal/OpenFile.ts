import fs from 'node:fs';

/**
 * An open file descriptor and the fs operations in flight on it.
 *
 * Closing waits until no operation is in flight. The kernel hands out the lowest free descriptor number
 * at once, so a read still queued in libuv's thread pool when `close` ran could read from — or a write
 * write into — whatever file is opened next under the same number. Stages therefore bracket every
 * operation with `begin()`/`end()` and ask for `close()`, which happens after the last `end()`.
 *
 * The bookkeeping lives outside the stage logic on purpose: a stage stopped abruptly (materializer
 * shutdown) cannot receive its callbacks any more, but its descriptor must still be closed when the
 * last operation returns.
 */
export class OpenFile {
  private inFlight = 0;
  private closeRequested = false;
  private closing = false;
  private closeCallbacks: ((error: NodeJS.ErrnoException | null) => void)[] = [];
  /** Set once the descriptor is closed: the close error, or null. */
  private closeResult: NodeJS.ErrnoException | null | undefined = undefined;

  constructor(
    readonly fd: number,
    readonly path: string,
  ) {}

  /** No more operations may start: close was requested. */
  get isClosing(): boolean {
    return this.closeRequested;
  }

  /** Marks an operation as started; its completion callback must call `end()`. */
  begin(): void {
    this.inFlight++;
  }

  /** Marks an operation as finished; performs a requested close once none is left. */
  end(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.closeRequested && !this.closing) this.closeNow();
  }

  /**
   * Closes the descriptor once no operation is in flight, then calls `callback` (with the close error,
   * if any). Safe to call more than once: every callback is called, the descriptor closed once.
   */
  close(callback?: (error: NodeJS.ErrnoException | null) => void): void {
    if (this.closeResult !== undefined) {
      const result = this.closeResult;
      if (callback !== undefined) process.nextTick(callback, result);
      return;
    }
    if (callback !== undefined) this.closeCallbacks.push(callback);
    if (this.closeRequested) return;
    this.closeRequested = true;
    if (this.inFlight === 0) this.closeNow();
  }

  private closeNow(): void {
    this.closing = true;
    fs.close(this.fd, (error) => {
      this.closeResult = error;
      const callbacks = this.closeCallbacks;
      this.closeCallbacks = [];
      for (const cb of callbacks) cb(error);
    });
  }
}
