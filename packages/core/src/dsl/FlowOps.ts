/**
 * The operators shared by `Source` and `Flow`, defined once (Akka's `FlowOps`).
 *
 * The interface is typed with a small higher-kinded encoding: `Kind<F, T>` is "the same kind of thing
 * as this, emitting T" — `Source<T, Mat>` on a Source, `Flow<In, T, Mat>` on a Flow — so every operator
 * is written and documented once and keeps the receiver's input and materialized value types.
 * Each operator's doc states its back-pressure contract: Emits / Backpressures / Completes / Cancels.
 */
import { Collect } from '../operators/collect.js';
import { Drop } from '../operators/drop.js';
import { DropWhile } from '../operators/dropWhile.js';
import { Filter } from '../operators/filter.js';
import { Fold } from '../operators/fold.js';
import { Grouped } from '../operators/grouped.js';
import { Intersperse } from '../operators/intersperse.js';
import { Log, type StreamLogger } from '../operators/log.js';
import { Map as MapStage } from '../operators/map.js';
import { MapConcat } from '../operators/mapConcat.js';
import { Reduce } from '../operators/reduce.js';
import { Scan } from '../operators/scan.js';
import { Sliding } from '../operators/sliding.js';
import { StatefulMap } from '../operators/statefulMap.js';
import { Take } from '../operators/take.js';
import { TakeWhile } from '../operators/takeWhile.js';
import { ZipWithIndex } from '../operators/zipWithIndex.js';
import type { Flow } from './Flow.js';
import { type AsyncOps, asyncOpsImpl } from './ops/asyncOps.js';
import { type ErrorOps, errorOpsImpl } from './ops/errorOps.js';
import { type GraphOps, graphOpsImpl } from './ops/graphOps.js';
import { type FlowOpsMat, flowOpsMatImpl } from './ops/matOps.js';
import type { OpsTable } from './ops/opsTable.js';
import { type RateOps, rateOpsImpl } from './ops/rateOps.js';
import { type RoundTwoOps, roundTwoOpsImpl } from './ops/roundTwoOps.js';
import { type TimerOps, timerOpsImpl } from './ops/timerOps.js';
import type { Source } from './Source.js';

export interface HKT {
  readonly Out: unknown;
  readonly type: unknown;
}
/** `F` applied to the element type `O`. */
export type Kind<F extends HKT, O> = (F & { readonly Out: O })['type'];
/** The materialized value of the receiver (Source or Flow). */
export type MatOfKind<F extends HKT> = Kind<F, never> extends Flow<any, any, infer M> ? M : Kind<F, never> extends Source<any, infer M> ? M : never;
/** The receiver's kind with element type `O` and materialized value `M`. */
export type WithMat<F extends HKT, O, M> = Kind<F, O> extends Flow<infer I, any, any> ? Flow<I, O, M> : Source<O, M>;

/**
 * Every operator of Source and Flow: the basic ones (declared below) and one interface per area in ./ops,
 * each implemented by a table keyed by that interface (`OpsTable`), so that a missing or misspelt
 * operator fails to compile. `FlowOpsMat` holds the operators that add a materialized value.
 */
export interface FlowOps<Out, F extends HKT>
  extends AsyncOps<Out, F>,
    RateOps<Out, F>,
    TimerOps<Out, F>,
    GraphOps<Out, F>,
    ErrorOps<Out, F>,
    RoundTwoOps<Out, F>,
    FlowOpsMat<Out, F> {
  /**
   * Transforms each element with `f`.
   *
   * - **Emits when** the function returns for an element.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * Supervision: `resume`/`restart` drop the element on which `f` threw.
   *
   * @example Source.range(1, 3).map((x) => x * 2) // 2, 4, 6
   */
  map<T>(f: (x: Out) => T): Kind<F, T>;

  /**
   * Passes only the elements for which `p` holds.
   *
   * - **Emits when** `p` returns true for an element.
   * - **Backpressures when** `p` returns true and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.range(1, 6).filter((x) => x % 2 === 0) // 2, 4, 6
   */
  filter<S extends Out>(p: (x: Out) => x is S): Kind<F, S>;
  filter(p: (x: Out) => boolean): Kind<F, Out>;

  /**
   * Passes only the elements for which `p` does not hold.
   *
   * - **Emits when** `p` returns false for an element.
   * - **Backpressures when** `p` returns false and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  filterNot(p: (x: Out) => boolean): Kind<F, Out>;

  /**
   * Maps with a partial function: returning `undefined` means "not defined for this element", which is
   * dropped.
   *
   * - **Emits when** `pf` returns a value other than `undefined`.
   * - **Backpressures when** `pf` returns a value and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from(['1', 'x', '3']).collect((s) => (/^\d+$/.test(s) ? Number(s) : undefined)) // 1, 3
   */
  collect<T>(pf: (x: Out) => T | undefined): Kind<F, T>;

  /**
   * Maps each element to an iterable and emits its elements one by one (lazily, on demand).
   *
   * - **Emits when** downstream pulls and the current iterable has a next element.
   * - **Backpressures when** downstream backpressures, or the current iterable still has elements.
   * - **Completes when** upstream completes and the last iterable is exhausted.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from([1, 2]).mapConcat((x) => [x, x]) // 1, 1, 2, 2
   */
  mapConcat<T>(f: (x: Out) => Iterable<T>): Kind<F, T>;

  /**
   * Maps with a state created afresh for each materialization. `f(state, x)` returns
   * `[nextState, output]`. `onComplete(state)` runs exactly once on every termination, as in Pekko:
   * upstream completion or failure, downstream cancellation, `f` throwing (under `stop` or `restart`)
   * and materializer shutdown. Where downstream can still receive it (completion, upstream failure,
   * `stop`, `restart`), the element it returns (`undefined` = none) is emitted — before the failure, in
   * the failure cases. If `onComplete` throws, its error is the one reported.
   *
   * - **Emits when** `f` returns, or when the state is closed and `onComplete` returns an element.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes (after the final element, if any).
   * - **Cancels when** downstream cancels.
   *
   * Supervision: `resume` drops the element and keeps the state; `restart` drops it, emits what
   * `onComplete(state)` returns and starts again from a fresh `create()`; `stop` emits what
   * `onComplete(state)` returns and fails with `f`'s error.
   *
   * @example Source.from([1, 2, 3]).statefulMap(() => 0, (sum, x) => [sum + x, sum + x]) // 1, 3, 6
   */
  statefulMap<S, T>(create: () => S, f: (state: S, x: Out) => readonly [S, T], onComplete?: (state: S) => T | undefined): Kind<F, T>;

  /**
   * Emits `zero`, then every intermediate result of folding `f` over the elements.
   *
   * - **Emits when** `f` returns a new accumulation (and first, `zero`).
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes (an empty stream emits just `zero`).
   * - **Cancels when** downstream cancels.
   *
   * Supervision: `resume` drops the element and keeps the accumulator; `restart` drops it, resets the
   * accumulator to `zero` and emits `zero` again, so downstream can see the restart.
   *
   * @example Source.range(1, 4).scan(0, (a, x) => a + x) // 0, 1, 3, 6, 10
   */
  scan<S>(zero: S, f: (acc: S, x: Out) => S): Kind<F, S>;

  /**
   * Folds all elements with `f` and emits the result when upstream completes.
   *
   * - **Emits when** upstream completes.
   * - **Backpressures when** downstream backpressures (only for the single result).
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * Supervision: `resume` keeps the accumulator, `restart` resets it to `zero`.
   */
  fold<S>(zero: S, f: (acc: S, x: Out) => S): Kind<F, S>;

  /**
   * Like `fold` with the first element as the start value. Fails with `NoSuchElementError` on an empty
   * stream.
   *
   * - **Emits when** upstream completes.
   * - **Backpressures when** downstream backpressures (only for the single result).
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  reduce(f: (acc: Out, x: Out) => Out): Kind<F, Out>;

  /**
   * Passes the first `n` elements, then completes. `take(0)` completes immediately.
   *
   * - **Emits when** the count is below `n` and an element arrives.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** `n` elements were passed, or upstream completes.
   * - **Cancels when** `n` elements were passed, or downstream cancels.
   */
  take(n: number): Kind<F, Out>;

  /**
   * Passes elements while `p` holds. The first element for which `p` fails completes the stream; it is
   * emitted as well when `inclusive` is true.
   *
   * - **Emits when** `p` holds (or, with `inclusive`, for the first element where it fails).
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** `p` fails, or upstream completes.
   * - **Cancels when** `p` fails, or downstream cancels.
   */
  takeWhile(p: (x: Out) => boolean, inclusive?: boolean): Kind<F, Out>;

  /**
   * Discards the first `n` elements.
   *
   * - **Emits when** `n` elements have been dropped and an element arrives.
   * - **Backpressures when** `n` elements have been dropped and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  drop(n: number): Kind<F, Out>;

  /**
   * Discards elements while `p` holds, then passes every element.
   *
   * - **Emits when** `p` has failed once, and an element arrives.
   * - **Backpressures when** `p` has failed once and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  dropWhile(p: (x: Out) => boolean): Kind<F, Out>;

  /**
   * Chunks the stream into arrays of `n` elements; the last array may be shorter.
   *
   * - **Emits when** `n` elements have been collected, or upstream completed with some collected.
   * - **Backpressures when** a group is full and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.range(1, 5).grouped(2) // [1, 2], [3, 4], [5]
   */
  grouped(n: number): Kind<F, Out[]>;

  /**
   * Sliding windows of `n` elements, each starting `step` elements after the previous one. At the end
   * of the stream a shorter last window is emitted only if it holds elements no earlier window held.
   *
   * - **Emits when** a window is full, or upstream completed with unseen elements in the window.
   * - **Backpressures when** a window is full and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.range(1, 4).sliding(2) // [1, 2], [2, 3], [3, 4]
   */
  sliding(n: number, step?: number): Kind<F, Out[]>;

  /**
   * Pairs each element with its index (from 0).
   *
   * - **Emits when** an element arrives.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  zipWithIndex(): Kind<F, [Out, number]>;

  /**
   * Injects `inject` between elements; with three arguments also `start` before the first element and
   * `end` after the last (both also for an empty stream).
   *
   * - **Emits when** an element arrives (preceded by the separator or start), or on completion (end).
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes (after `end`).
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from(['a', 'b']).intersperse('[', ',', ']') // [, a, ",", b, ]
   */
  intersperse(inject: Out): Kind<F, Out>;
  intersperse(start: Out, inject: Out, end: Out): Kind<F, Out>;

  /**
   * Logs elements, completion, cancellation and failure under `name`, passing everything through.
   * Levels are set with `Attributes.logLevels` (default: elements/completion at debug, failure at error).
   *
   * - **Emits when** an element arrives.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `extract`, or the logger, throwing on an element): `resume`/`restart` drop the element.
   */
  log(name: string, extract?: (x: Out) => unknown, logger?: StreamLogger): Kind<F, Out>;
}

/** The basic operators (this file); the areas in ./ops add the others. */
type BasicOps<Out, F extends HKT> = Omit<
  FlowOps<Out, F>,
  | keyof AsyncOps<Out, F>
  | keyof RateOps<Out, F>
  | keyof TimerOps<Out, F>
  | keyof GraphOps<Out, F>
  | keyof ErrorOps<Out, F>
  | keyof RoundTwoOps<Out, F>
  | keyof FlowOpsMat<Out, F>
>;

/** The operators of a SubFlow: every operator but those that add a materialized value (Akka's FlowOps without FlowOpsMat). */
export type SubFlowOps<Out, F extends HKT> = Omit<FlowOps<Out, F>, keyof FlowOpsMat<Out, F>>;

const identity = (x: unknown): unknown => x;
const noFinalElement = (): undefined => undefined;

/** The implementations, installed on Source.prototype and Flow.prototype. */
export const flowOpsImpl: OpsTable<BasicOps<unknown, HKT>> = {
  map(f: (x: unknown) => unknown) {
    return this.via(new MapStage(f));
  },
  filter(p: (x: unknown) => boolean) {
    return this.via(new Filter(p));
  },
  filterNot(p: (x: unknown) => boolean) {
    return this.via(new Filter(p, true));
  },
  collect(pf: (x: unknown) => unknown) {
    return this.via(new Collect(pf));
  },
  mapConcat(f: (x: unknown) => Iterable<unknown>) {
    return this.via(new MapConcat(f));
  },
  statefulMap(create: () => unknown, f: (s: unknown, x: unknown) => readonly [unknown, unknown], onComplete: (s: unknown) => unknown = noFinalElement) {
    return this.via(new StatefulMap(create, f, onComplete));
  },
  scan(zero: unknown, f: (a: unknown, x: unknown) => unknown) {
    return this.via(new Scan(zero, f));
  },
  fold(zero: unknown, f: (a: unknown, x: unknown) => unknown) {
    return this.via(new Fold(zero, f));
  },
  reduce(f: (a: unknown, x: unknown) => unknown) {
    return this.via(new Reduce(f));
  },
  take(n: number) {
    return this.via(new Take(n));
  },
  takeWhile(p: (x: unknown) => boolean, inclusive = false) {
    return this.via(new TakeWhile(p, inclusive));
  },
  drop(n: number) {
    return this.via(new Drop(n));
  },
  dropWhile(p: (x: unknown) => boolean) {
    return this.via(new DropWhile(p));
  },
  grouped(n: number) {
    return this.via(new Grouped(n));
  },
  sliding(n: number, step = 1) {
    return this.via(new Sliding(n, step));
  },
  zipWithIndex() {
    return this.via(new ZipWithIndex());
  },
  intersperse(...args: unknown[]) {
    if (args.length === 1) return this.via(new Intersperse(Intersperse.None, args[0], Intersperse.None));
    if (args.length === 3) return this.via(new Intersperse(args[0], args[1], args[2]));
    throw new TypeError(`intersperse: expected (inject) or (start, inject, end), got ${args.length} arguments`);
  },
  log(name: string, extract: (x: unknown) => unknown = identity, logger: StreamLogger = console) {
    return this.via(new Log(name, extract, logger));
  },
};

/** The tables of the operators a SubFlow has too (`SubFlowOps`). */
const subFlowOpsTables = [flowOpsImpl, asyncOpsImpl, rateOpsImpl, timerOpsImpl, graphOpsImpl, errorOpsImpl, roundTwoOpsImpl];

function define(proto: object, name: string, value: unknown): void {
  Object.defineProperty(proto, name, { value, writable: true, configurable: true, enumerable: false });
}

/** Installs every operator (`FlowOps`) on a prototype: Source's and Flow's. */
export function installFlowOps(proto: object): void {
  for (const table of [...subFlowOpsTables, flowOpsMatImpl]) for (const [name, impl] of Object.entries(table)) define(proto, name, impl);
}

/**
 * Installs the operators of `SubFlowOps` on SubFlow's prototype; each operator of `FlowOpsMat` throws a
 * TypeError that says why it is not there (for JavaScript callers, which the types do not stop).
 */
export function installSubFlowOps(proto: object): void {
  for (const table of subFlowOpsTables) for (const [name, impl] of Object.entries(table)) define(proto, name, impl);
  for (const name of Object.keys(flowOpsMatImpl)) {
    define(proto, name, () => {
      throw new TypeError(`${name} is not available on a SubFlow: substreams do not expose materialized values`);
    });
  }
}
