/** A FIFO of elements on a growable ring (no shifting, no per-element allocation). */
export class Queue<T> {
  private buf: (T | undefined)[];
  private head = 0;
  length = 0;

  constructor(capacity = 16) {
    let cap = 1;
    while (cap < capacity) cap <<= 1;
    this.buf = new Array<T | undefined>(cap);
  }

  push(x: T): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length) & (this.buf.length - 1)] = x;
    this.length++;
  }

  shift(): T {
    const x = this.buf[this.head] as T;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.length--;
    return x;
  }

  peek(): T {
    return this.buf[this.head] as T;
  }

  peekLast(): T {
    return this.buf[(this.head + this.length - 1) & (this.buf.length - 1)] as T;
  }

  some(predicate: (x: T) => boolean): boolean {
    for (let i = 0; i < this.length; i++) if (predicate(this.buf[(this.head + i) & (this.buf.length - 1)] as T)) return true;
    return false;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out = new Array<T>(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.shift();
    return out;
  }

  private grow(): void {
    const old = this.buf;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.buf = next;
    this.head = 0;
  }
}
