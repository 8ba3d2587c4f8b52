/**
 * A bounded FIFO over a power-of-two array, for the buffering operators (buffer, delay, Source.queue,
 * Sink.queue). Removing an element clears its cell, so the buffer never keeps a dropped element alive.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private readonly mask: number;
  private head = 0;
  private used = 0;

  constructor(readonly capacity: number) {
    let cap = 1;
    while (cap < capacity) cap <<= 1;
    this.items = new Array<T | undefined>(cap);
    this.mask = cap - 1;
  }

  get length(): number {
    return this.used;
  }
  get isEmpty(): boolean {
    return this.used === 0;
  }
  get isFull(): boolean {
    return this.used >= this.capacity;
  }

  enqueue(x: T): void {
    this.items[(this.head + this.used) & this.mask] = x;
    this.used++;
  }

  dequeue(): T {
    const x = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.used--;
    return x;
  }

  peek(): T {
    return this.items[this.head] as T;
  }

  /** Removes the oldest element. */
  dropHead(): void {
    this.dequeue();
  }

  /** Removes the youngest element. */
  dropTail(): void {
    this.used--;
    this.items[(this.head + this.used) & this.mask] = undefined;
  }

  clear(): void {
    for (let i = 0; i < this.used; i++) this.items[(this.head + i) & this.mask] = undefined;
    this.head = 0;
    this.used = 0;
  }
}
