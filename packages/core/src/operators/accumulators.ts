/**
 * The accumulators of fold, scan and reduce, written once. Each drives every path that accumulates:
 * the fused run (as the sink's `SinkConsumer`), the `Sink.fold` / `Sink.reduce` stages (through
 * `ConsumerSinkLogic`), and the `fold` / `scan` / `reduce` flow stages, fused or not. Supervision
 * stays with the caller: `accept` throws the user function's error; `restart` is what
 * `Supervision.restart` means for the accumulator.
 */
import { NoSuchElementError } from './FlowStage.js';
import type { SinkConsumer } from './fusion.js';

/** fold / scan: `acc = f(acc, x)` from `zero`; restart goes back to `zero`. */
export class FoldAccumulator<S> implements SinkConsumer<S> {
  acc: S;
  constructor(
    private readonly zero: S,
    private readonly f: (acc: S, x: unknown) => S,
  ) {
    this.acc = zero;
  }
  accept(x: unknown): boolean {
    this.acc = this.f(this.acc, x);
    return true;
  }
  result(): S {
    return this.acc;
  }
  restart(): void {
    this.acc = this.zero;
  }
}

/**
 * reduce: the first element is the accumulator, then `acc = f(acc, x)`; restart forgets it. Over
 * nothing, `result` throws NoSuchElementError naming the stage (`name()` is asked only then).
 */
export class ReduceAccumulator<T> implements SinkConsumer<T> {
  // Not initialised: a field that starts as `undefined` would box every numeric accumulator it later
  // holds (one heap number per element); this one is created by the first element.
  declare private acc: T;
  private has = false;
  constructor(
    private readonly f: (acc: T, x: T) => T,
    private readonly name: () => string,
  ) {}
  accept(x: unknown): boolean {
    if (this.has) this.acc = this.f(this.acc, x as T);
    else {
      this.acc = x as T;
      this.has = true;
    }
    return true;
  }
  result(): T {
    if (!this.has) throw new NoSuchElementError(`${this.name()}: reduce over an empty stream`);
    return this.acc;
  }
  restart(): void {
    this.has = false; // the next element replaces the accumulator
  }
}
