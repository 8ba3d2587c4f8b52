/**
 * Synchronous cursors over what a sync source emits. Sources that can describe themselves as a cursor
 * (range, from(iterable)) are fusion hosts: fused operators run inside their pull loop, and a
 * fold-like sink can drain them directly (see fusedRun.ts).
 */
export const Done: unique symbol = Symbol('done');

export interface Cursor {
  /** The next element, or `Done`. */
  next(): unknown;
  /** Known to be exhausted (arrays and ranges know before the extra call; iterators only after it). */
  readonly exhausted: boolean;
  /** Releases the underlying iterator if it was not exhausted (generators run their `finally`). */
  close(): void;
}

/**
 * A cursor that can absorb a leading fused `drop(n)` (skips `n` elements without producing them) or
 * `take(n)` (ends after `n` more elements) — only for pure sources (ranges, arrays), where skipping an
 * element cannot be observed.
 */
export interface BoundableCursor extends Cursor {
  bound(kind: 'drop' | 'take', n: number): void;
}

export class ArrayCursor implements BoundableCursor {
  private i = 0;
  /** Index at which a bound (take) ends the cursor. */
  private stop = Number.POSITIVE_INFINITY;
  constructor(private readonly a: readonly unknown[]) {}
  next(): unknown {
    return this.i < this.a.length && this.i < this.stop ? this.a[this.i++] : Done;
  }
  get exhausted(): boolean {
    return this.i >= this.a.length || this.i >= this.stop;
  }
  bound(kind: 'drop' | 'take', n: number): void {
    if (kind === 'drop') this.i = Math.min(this.i + n, this.stop);
    else this.stop = Math.min(this.stop, this.i + n);
  }
  close(): void {}
}

export class IteratorCursor implements Cursor {
  exhausted = false;
  constructor(private readonly it: Iterator<unknown>) {}
  next(): unknown {
    const r = this.it.next();
    if (r.done) {
      this.exhausted = true;
      return Done;
    }
    return r.value;
  }
  close(): void {
    if (!this.exhausted && typeof this.it.return === 'function') {
      this.exhausted = true;
      try {
        this.it.return();
      } catch {
        // a failing return() must not mask how the stream ended
      }
    }
  }
}

export class RangeCursor implements BoundableCursor {
  /** The next element (read and advanced by the fused run's range loop too). */
  x: number;
  /**
   * Elements left before a bound (take) ends the cursor; -1: no bound. (A small integer, so that an
   * unbounded range — the common case — pays one integer test per element and no double arithmetic.)
   */
  left = -1;
  constructor(
    start: number,
    readonly end: number,
    readonly step: number,
  ) {
    this.x = start;
  }
  next(): unknown {
    const x = this.x;
    if (this.step > 0 ? x > this.end : x < this.end) return Done;
    const left = this.left;
    if (left >= 0) {
      if (left === 0) return Done;
      this.left = left - 1;
    }
    this.x = x + this.step;
    return x;
  }
  get exhausted(): boolean {
    return this.left === 0 || (this.step > 0 ? this.x > this.end : this.x < this.end);
  }
  bound(kind: 'drop' | 'take', n: number): void {
    if (kind === 'take') {
      if (n !== Number.POSITIVE_INFINITY) this.left = this.left < 0 ? n : Math.min(this.left, n);
      return;
    }
    const skip = this.left < 0 ? n : Math.min(n, this.left);
    if (this.left >= 0) this.left -= skip;
    // Skips by repeated addition, as `next` advances: with a fractional step, x + n·step could differ.
    if (Number.isSafeInteger(this.x) && Number.isSafeInteger(this.step) && Number.isSafeInteger(this.x + skip * this.step)) {
      this.x += skip * this.step;
    } else {
      for (let i = 0; i < skip && !(this.step > 0 ? this.x > this.end : this.x < this.end); i++) this.x += this.step;
    }
  }
  close(): void {}
}

export function iterableCursor(it: Iterable<unknown>): Cursor {
  return Array.isArray(it) ? new ArrayCursor(it) : new IteratorCursor(it[Symbol.iterator]());
}
