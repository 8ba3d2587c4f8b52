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

export class ArrayCursor implements Cursor {
  private i = 0;
  constructor(private readonly a: readonly unknown[]) {}
  next(): unknown {
    return this.i < this.a.length ? this.a[this.i++] : Done;
  }
  get exhausted(): boolean {
    return this.i >= this.a.length;
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

export class RangeCursor implements Cursor {
  private x: number;
  constructor(
    start: number,
    private readonly end: number,
    private readonly step: number,
  ) {
    this.x = start;
  }
  next(): unknown {
    const x = this.x;
    if (this.step > 0 ? x > this.end : x < this.end) return Done;
    this.x = x + this.step;
    return x;
  }
  get exhausted(): boolean {
    return this.step > 0 ? this.x > this.end : this.x < this.end;
  }
  close(): void {}
}

export function iterableCursor(it: Iterable<unknown>): Cursor {
  return Array.isArray(it) ? new ArrayCursor(it) : new IteratorCursor(it[Symbol.iterator]());
}
