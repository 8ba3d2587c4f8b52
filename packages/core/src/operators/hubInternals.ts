/** Shared by the hubs (MergeHub, BroadcastHub, PartitionHub). */
import { requirePositiveInt } from './validate.js';

/** A growable FIFO ring buffer (no allocation per element once grown). */
export class Ring<T> {
  private buf: (T | undefined)[] = new Array<T | undefined>(8);
  private mask = 7;
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(x: T): void {
    if (this.count > this.mask) this.grow();
    this.buf[(this.head + this.count) & this.mask] = x;
    this.count++;
  }

  shift(): T {
    const x = this.buf[this.head] as T;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return x;
  }

  clear(): void {
    this.buf = new Array<T | undefined>(8);
    this.mask = 7;
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const old = this.buf;
    const n = old.length;
    const buf = new Array<T | undefined>(n * 2);
    for (let i = 0; i < this.count; i++) buf[i] = old[(this.head + i) & this.mask];
    this.buf = buf;
    this.mask = n * 2 - 1;
    this.head = 0;
  }
}

/** How a hub ended, remembered for producers/consumers that attach later. */
export type HubTerminal = { readonly failed: false } | { readonly failed: true; readonly error: unknown };

export const HubCompleted: HubTerminal = { failed: false };

export function requireBufferSize(op: string, name: string, size: unknown, powerOfTwoBelow?: number): void {
  const n = requirePositiveInt(op, name, size);
  if (powerOfTwoBelow !== undefined && ((n & (n - 1)) !== 0 || n >= powerOfTwoBelow)) {
    throw new RangeError(`${op}: ${name} must be a power of two less than ${powerOfTwoBelow}, got ${n}`);
  }
}
