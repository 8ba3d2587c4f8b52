/**
 * Build-time fusion (the @most/core idea).
 *
 * `map`, `filter`, `filterNot` and `collect` are *fusable* stateless stages: each can be expressed as
 * one function `x => y | SKIP`. `scan`, `zipWithIndex`, `take`, `drop`, `takeWhile`/`takeUntil` and
 * `dropWhile` are fusable *stateful* stages: each describes how to make such a function with fresh
 * state, once per materialization (never shared between runs of the same blueprint), and may end the
 * chain (`take`) or emit its seed before any element (`scan`). When the DSL appends a fusable stage
 * directly after a *fusion host* — another fusable stage, or a synchronous source such as `range` or
 * `from(array)` — with no attributes in between, the two become one stage running the composed
 * function. A chain like `Source.range(1, n).filter(p).map(f)` then costs one stage instead of three,
 * and elements the filter rejects never travel through the interpreter at all.
 *
 * Semantics are unchanged: user functions run in the same order, errors are the same error objects,
 * demand and completion are the same (a fused `take` completes downstream and cancels upstream after
 * its last element), and supervision applies per element exactly as it would for the separate stages
 * (stateless operators treat `restart` like `resume`; a fused `scan` resets its accumulator and emits
 * its seed again on restart, as the unfused one does). Only diagrams and logs show one stage
 * ("filter → map (fused)").
 *
 * Whether a stage takes part is decided by the module-private symbols below, never by method names:
 * a user's stage with a `fuse` or `createConsumer` method is an ordinary stage.
 */
import type { AtomicStageLike } from '../impl/Module.js';
import type { Decider } from '../stage/Attributes.js';
import { GraphStageLogic } from '../stage/GraphStageLogic.js';
import type { Outlet } from '../stage/Ports.js';
import type { Shape } from '../stage/Shape.js';
import type { BoundableCursor, Cursor } from './cursor.js';
import { decide } from './FlowStage.js';

export const SKIP: unique symbol = Symbol('skip');
export type Skip = typeof SKIP;
export type FusedFn = (x: unknown) => unknown;

/** The property of a fusable stage holding its `FusionPart`. */
export const FUSABLE: unique symbol = Symbol('tributary.fusable');
/** The method of a fusion host: `(next: Fusable) => AtomicStageLike | null` (null: cannot absorb it). */
export const FUSE: unique symbol = Symbol('tributary.fuse');
/** The method of a sync source: `() => Cursor`. */
export const CREATE_CURSOR: unique symbol = Symbol('tributary.createCursor');
/** The method of a fusable sink: `(decider) => SinkConsumer`. */
export const CREATE_CONSUMER: unique symbol = Symbol('tributary.createConsumer');

/** What one running fused chain shares with one of its stateful parts. */
export interface FusionContext {
  /** Set by a part (take, takeWhile) when the chain ends after the element being processed. */
  done: boolean;
  readonly decider: Decider;
  /** Registers the part's `PartEnd` (statefulMap, grouped, sliding): the chain then runs an ending. */
  onEnd(end: PartEnd): void;
}

/** How a part's upstream ended: completed, failed, or its downstream cancelled it. */
export type EndKind = 'complete' | 'fail' | 'cancel';

/**
 * The start and end of a part that holds state across elements and may emit when its upstream ends
 * (statefulMap's `onComplete`, grouped's partial group, sliding's partial window).
 */
export interface PartEnd {
  /** Opens the state when the host starts (the unfused stage's `preStart`); may throw: the part fails. */
  start(): void;
  /**
   * Ends the part: its last element, or SKIP. Called at most once per state that matters (later calls
   * return SKIP); may throw (not on `cancel`): the part then fails with that error.
   */
  end(kind: EndKind): unknown;
}

/** One fusable stage as a part of a chain: a shared stateless function, or a maker of a stateful one. */
export interface FusionPart {
  readonly name: string;
  /** Stateless: the function itself (failures are handled by the host: stop fails, else the element is dropped). */
  readonly fn: FusedFn | null;
  /** Stateful: makes the function with fresh state for one materialization. */
  readonly create: ((ctx: FusionContext) => FusedFn) | null;
  /** True for a part that emits `seed` before any element (scan). */
  readonly seeded: boolean;
  readonly seed: unknown;
  /** True for a part that may end the chain (sets `ctx.done`): take, takeWhile. */
  readonly ends: boolean;
  /**
   * A pure `drop(n)` / `take(n)`: at the head of a chain over a range or an array it becomes a bound
   * of the cursor instead of a function (the elements it drops are never produced).
   */
  readonly bound: CursorBound | null;
  /** True for a part with a `PartEnd` (it registers one through `ctx.onEnd`). */
  readonly hasEnd: boolean;
}

/** `drop(n)` or `take(n)` as a bound of a cursor (see `BoundableCursor`). */
export interface CursorBound {
  readonly kind: 'drop' | 'take';
  readonly n: number;
}

export function statelessPart(name: string, fn: FusedFn): FusionPart {
  return { name, fn, create: null, seeded: false, seed: undefined, ends: false, bound: null, hasEnd: false };
}

export interface StatefulPartOptions {
  readonly seeded?: boolean;
  readonly seed?: unknown;
  readonly ends?: boolean;
  readonly bound?: CursorBound;
  readonly hasEnd?: boolean;
}

export function statefulPart(name: string, create: (ctx: FusionContext) => FusedFn, options: StatefulPartOptions = {}): FusionPart {
  return {
    name,
    fn: null,
    create,
    seeded: options.seeded ?? false,
    seed: options.seed,
    ends: options.ends ?? false,
    bound: options.bound ?? null,
    hasEnd: options.hasEnd ?? false,
  };
}

/** A stage that can join a fused chain. */
export interface Fusable {
  readonly [FUSABLE]: FusionPart | null;
  readonly defaultName: string;
}

/** A stage that can absorb a following fusable stage. */
export interface FusionHost {
  [FUSE](next: Fusable): AtomicStageLike | null;
}

/** A synchronous source that can hand out a cursor over its elements (run through its fused chain). */
export interface SyncSourceHost {
  readonly chain: FusedChain | null;
  /** Its cursors are `BoundableCursor`s: a leading fused drop/take becomes a bound of the cursor. */
  readonly boundable: boolean;
  readonly defaultName: string;
  [CREATE_CURSOR](): Cursor;
}

/**
 * What a fold-like sink does with each element when it drains a sync source directly: `accept`
 * returns false when it needs no more elements (head); `result` gives the materialized result (or
 * throws, e.g. reduce over nothing); `restart` resets its state for `Supervision.restart`.
 */
export interface SinkConsumer<R> {
  accept(x: unknown): boolean;
  result(): R;
  restart(): void;
}

/**
 * A sink whose work is a `SinkConsumer`: a sync source can drain into it without the interpreter
 * between them, and its own stage logic feeds the same consumer. `name()` is the stage's name for
 * error messages (asked only when one is made).
 */
export interface FusableSink<R> {
  readonly defaultName: string;
  [CREATE_CONSUMER](decider: Decider, name: () => string): SinkConsumer<R>;
}

export function isSyncSourceHost(stage: unknown): stage is SyncSourceHost {
  return typeof (stage as Partial<SyncSourceHost>)[CREATE_CURSOR] === 'function';
}

export function isFusableSink(stage: unknown): stage is FusableSink<unknown> {
  return typeof (stage as Partial<FusableSink<unknown>>)[CREATE_CONSUMER] === 'function';
}

export function isFusable(stage: unknown): stage is Fusable {
  const part = (stage as Partial<Fusable>)[FUSABLE];
  return part !== undefined && part !== null;
}

export function isFusionHost(stage: unknown): stage is FusionHost {
  return typeof (stage as Partial<FusionHost>)[FUSE] === 'function';
}

/** `f` then `g`, short-circuiting on SKIP. */
export function composeFused(f: FusedFn | null, g: FusedFn): FusedFn {
  if (f === null) return g;
  return (x) => {
    const y = f(x);
    return y === SKIP ? SKIP : g(y);
  };
}

/**
 * Thrown by a stateful part that applied supervision itself (scan: restart must reset its state) and
 * decided to stop: the host fails with `error` without asking the decider again.
 */
export class FusedStop {
  constructor(readonly error: unknown) {}
}

/**
 * How a host handles an exception from a fused chain: `null` when the element is dropped (resume or
 * restart), otherwise the stop carrying the error to fail with.
 */
export function fusedFailure(decider: Decider, e: unknown): FusedStop | null {
  if (e instanceof FusedStop) return e;
  return decide(decider, e) === 'stop' ? new FusedStop(e) : null;
}

/**
 * The build-time description of a fused chain: its parts in order. A chain of stateless parts has one
 * shared composed function; a chain with stateful parts composes fresh functions per materialization.
 * At most one seeded part (scan) per chain: a second one starts a new fused stage.
 */
export class FusedChain {
  private constructor(
    readonly parts: readonly FusionPart[],
    /** The composed function when every part is stateless, else null. */
    readonly shared: FusedFn | null,
    private readonly seedIndex: number,
  ) {
    this.canEnd = parts.some((p) => p.ends);
    this.hasEnds = parts.some((p) => p.hasEnd);
  }

  /** Some part has a `PartEnd`: the chain runs an ending (see `FusedInstance.beginEnd`). */
  readonly hasEnds: boolean;

  /** Some part may end the chain early (take, takeWhile): hosts check `done` only then. */
  readonly canEnd: boolean;

  static of(part: FusionPart): FusedChain {
    return new FusedChain([part], part.fn, part.seeded ? 0 : -1);
  }

  /** How many parts at the head are cursor bounds (drop/take), which a boundable cursor can absorb. */
  get leadingBounds(): number {
    let i = 0;
    while (i < this.parts.length && this.parts[i]!.bound !== null) i++;
    return i;
  }

  /** This chain followed by `part`, or null when they cannot share one stage. */
  andThen(part: FusionPart): FusedChain | null {
    if (part.seeded && this.seedIndex >= 0) return null;
    const shared = this.shared !== null && part.fn !== null ? composeFused(this.shared, part.fn) : null;
    return new FusedChain([...this.parts, part], shared, part.seeded ? this.parts.length : this.seedIndex);
  }

  /** This whole chain as one part of another (a fused flow appended to a host), or null if it has a seed. */
  asPart(name: string): FusionPart | null {
    if (this.shared !== null) return statelessPart(name, this.shared);
    if (this.seedIndex >= 0 || this.hasEnds) return null;
    const canEnd = this.canEnd;
    return statefulPart(
      name,
      (ctx) => {
        const inner = this.instantiate(ctx.decider);
        const fn = inner.fn!;
        if (!canEnd) return fn;
        return (x) => {
          const y = fn(x);
          if (inner.done) ctx.done = true;
          return y;
        };
      },
      { ends: canEnd },
    );
  }

  /**
   * The running chain of one materialization, from part `from` on (the parts before it were absorbed
   * by the cursor as bounds); its `fn` is null when no part is left.
   */
  instantiate(decider: Decider, from = 0): FusedInstance {
    const inst = new FusedInstance(decider, this.canEnd, this.hasEnds);
    if (this.shared !== null) {
      inst.fn = this.shared;
      return inst;
    }
    const fns: FusedFn[] = [];
    for (let i = from; i < this.parts.length; i++) {
      const p = this.parts[i]!;
      fns.push(p.fn !== null ? p.fn : p.create!(this.hasEnds ? new PartContext(inst, fns.length) : inst));
    }
    let fn: FusedFn | null = null;
    if (this.hasEnds) {
      // Each part's failure is attributed to it: the parts before it are cancelled, the ones after it fail.
      inst.fns = fns;
      for (let i = 0; i < fns.length; i++) fn = composeFused(fn, attributed(inst, i, fns[i]!));
    } else {
      for (const f of fns) fn = composeFused(fn, f);
    }
    inst.fn = fn;
    if (this.seedIndex >= from) {
      inst.seedPending = true;
      inst.seed = this.parts[this.seedIndex]!.seed;
      if (this.hasEnds) {
        const next = this.seedIndex + 1 - from;
        inst.seedIndex = next - 1;
        inst.afterSeed = (y) => inst.through(y, next);
      } else {
        let after: FusedFn | null = null;
        for (let i = this.seedIndex + 1 - from; i < fns.length; i++) after = composeFused(after, fns[i]!);
        inst.afterSeed = after;
      }
    }
    return inst;
  }
}

/** `f` recording in `inst.failedAt` that part `i` threw (the first, innermost part to throw wins). */
function attributed(inst: FusedInstance, i: number, f: FusedFn): FusedFn {
  return (x) => {
    try {
      return f(x);
    } catch (e) {
      if (inst.failedAt < 0) inst.failedAt = i;
      throw e;
    }
  };
}

/** One part's view of its chain, in chains with ending parts: `done` records which part ended it. */
class PartContext implements FusionContext {
  constructor(
    private readonly inst: FusedInstance,
    private readonly index: number,
  ) {}
  get done(): boolean {
    return this.inst.done;
  }
  set done(v: boolean) {
    this.inst.done = v;
    if (v) this.inst.doneAt = this.index;
  }
  get decider(): Decider {
    return this.inst.decider;
  }
  onEnd(end: PartEnd): void {
    this.inst.partEnds[this.index] = end;
  }
}

/** The last of an ending's elements has gone out (see `FusedInstance.nextFinal`). */
export const END: unique symbol = Symbol('end');

const Running = 0;
const Completing = 1;
const Failing = 2;

/** One materialization's fused chain: its function, its end flag and its seed (if a scan is part of it). */
export class FusedInstance implements FusionContext {
  done = false;
  /** The composed function of the parts (null: none, every part was absorbed by the cursor). */
  fn: FusedFn | null = null;
  /** A seed is still to be emitted, before any element (and on completion if nothing was pulled). */
  seedPending = false;
  seed: unknown = undefined;
  afterSeed: FusedFn | null = null;
  constructor(
    readonly decider: Decider,
    /** Some part may set `done`. */
    readonly canEnd: boolean,
    /** Some part has a `PartEnd`: hosts run `start`, `beginEnd`/`nextFinal` and `cancelAll`. */
    readonly hasEnds: boolean,
  ) {}

  /** The seed as the parts after the seeded one turn it (SKIP when they drop it); may throw like `fn`. */
  takeSeed(): unknown {
    this.seedPending = false;
    return this.afterSeed === null ? this.seed : this.afterSeed(this.seed);
  }

  onEnd(): void {
    throw new Error('onEnd: only in chains built with ending parts');
  }

  // ── Chains with ending parts (hasEnds) ──────────────────────────────────────────────────────────
  //
  // The unfused stages end one after another: a stage whose upstream completed (or failed) may emit a
  // last element, which the stages after it process, and then ends its own downstream the same way; a
  // stage that completes early (take) or fails cancels the stages before it (statefulMap's onComplete
  // runs, its result is dropped). The ending replays that order over the parts, one element at a time,
  // so a host emits the ending's elements on demand.

  /** The parts' functions one by one (for elements of the ending and the seed, which run part by part). */
  fns: FusedFn[] = [];
  /** Per part: its `PartEnd`, if it has one. */
  partEnds: (PartEnd | undefined)[] = [];
  /** The part that set `done` last. */
  doneAt = -1;
  /** The first part that threw while `fn` ran (reset by the host when it handles the throw). */
  failedAt = -1;
  /** The seeded part's index (a pending seed goes out when the ending reaches it, on completion). */
  seedIndex = -1;
  private mode = Running;
  /** The next part to end. */
  private endAt = 0;
  /** The error the stage fails with when the ending is over (mode Failing). */
  endError: unknown = undefined;

  /** The chain is ending: the host emits `nextFinal()` elements on demand, then completes or fails. */
  get ending(): boolean {
    return this.mode !== Running;
  }
  get failing(): boolean {
    return this.mode === Failing;
  }

  /** Opens every part's state (the hosts' preStart); a part that fails to start starts an ending. */
  start(): void {
    let failed = -1;
    let error: unknown;
    for (let i = 0; i < this.fns.length; i++) {
      const end = this.partEnds[i];
      if (end === undefined) continue;
      try {
        end.start();
      } catch (e) {
        // The last part to fail is the one whose failure reaches downstream.
        failed = i;
        error = e;
      }
    }
    // A pending seed after the failed part is dropped: the failure reaches the scan before any pull.
    if (failed >= 0) this.fail(failed, error);
  }

  /** Upstream (the cursor or the inlet) completed. */
  complete(): void {
    this.begin(Completing, 0, undefined);
  }

  /** Part `at` failed with `error` (at 0 with upstream's error: upstream failed). */
  fail(at: number, error: unknown): void {
    this.begin(Failing, at, error);
  }

  /** The host saw `done` after an element: the part that set it completes the parts after it. */
  completeAfterDone(): void {
    this.done = false;
    this.begin(Completing, this.doneAt + 1, undefined);
  }

  /** `fn` threw and the host's supervision said stop: the part that threw fails. */
  failFromFn(error: unknown): void {
    const at = this.failedAt;
    this.failedAt = -1;
    this.fail(Math.max(at, 0), error);
  }

  private begin(mode: number, at: number, error: unknown): void {
    this.cancelBefore(at);
    this.mode = mode;
    this.endAt = at;
    this.endError = error;
    if (this.seedPending && this.seedIndex >= at) this.endBeforeSeed();
  }

  /** A part before the pending seed whose last element waits for the seed to go out first. */
  private heldAt = -1;
  private held: unknown = undefined;

  /**
   * With a scan's seed still pending (the scan was never pulled), the parts before it end at once, as
   * the unfused ones do when their upstream ends: a failing end reaches the scan before its seed goes
   * out; the first last element is held until the seed went out (`nextFinal`).
   */
  private endBeforeSeed(): void {
    for (let k = this.endAt; k < this.seedIndex; k++) {
      const end = this.partEnds[k];
      if (end === undefined) continue;
      let y: unknown;
      try {
        y = end.end(this.mode === Completing ? 'complete' : 'fail');
      } catch (e) {
        this.mode = Failing;
        this.endError = e;
        this.endAt = k + 1;
        continue;
      }
      if (y !== SKIP) {
        this.heldAt = k;
        this.held = y;
        return;
      }
      this.endAt = k + 1;
    }
  }

  /** Parts before `at` were cancelled by the part at `at` (their last elements are dropped). */
  private cancelBefore(at: number): void {
    for (let i = 0; i < at; i++) {
      const end = this.partEnds[i];
      if (end !== undefined) {
        try {
          end.end('cancel');
        } catch {
          // nobody downstream of a cancelled part can see its failure
        }
      }
    }
    if (this.seedIndex >= 0 && this.seedIndex < at) this.seedPending = false;
  }

  /** Every part is cancelled (the host stopped: downstream cancelled, or the stream was shut down). */
  cancelAll(): void {
    this.cancelBefore(this.fns.length);
  }

  /**
   * The next element of the ending, or END when it is over (then `failing` and `endError` tell how the
   * stage ends). Each part in turn ends; its last element (or a pending seed, on completion) goes
   * through the parts after it, where a part may drop it, end the chain (take) or fail.
   */
  nextFinal(): unknown {
    const n = this.fns.length;
    if (this.seedPending && this.mode === Completing && this.seedIndex >= this.endAt) {
      // A scan that completes before it was pulled emits its seed before anything else reaches it.
      this.seedPending = false;
      const y = this.through(this.seed, this.seedIndex + 1);
      if (y !== SKIP) return y;
    }
    while (this.endAt < n) {
      const k = this.endAt++;
      let y: unknown = SKIP;
      if (k === this.seedIndex && this.seedPending) {
        this.seedPending = false;
        if (this.mode === Completing) y = this.seed;
      }
      const end = this.partEnds[k];
      if (k === this.heldAt) {
        this.heldAt = -1;
        y = this.held;
        this.held = undefined;
      } else if (end !== undefined) {
        try {
          y = end.end(this.mode === Completing ? 'complete' : 'fail');
        } catch (e) {
          // The part fails with its own error: the parts after it see that failure.
          this.mode = Failing;
          this.endError = e;
          continue;
        }
      }
      if (y === SKIP) continue;
      y = this.through(y, k + 1);
      if (y !== SKIP) return y;
    }
    return END;
  }

  /**
   * `y` through the parts from `from` on, one by one, with supervision per part (SKIP: dropped). A
   * part that ends the chain or fails starts (or moves) the ending at that part.
   */
  through(y: unknown, from: number): unknown {
    const fns = this.fns;
    for (let m = from; m < fns.length; m++) {
      this.done = false;
      try {
        y = fns[m]!(y);
      } catch (e) {
        const stop = fusedFailure(this.decider, e);
        if (stop === null) {
          if (this.done) this.begin(Completing, m + 1, undefined);
          this.done = false;
          return SKIP;
        }
        this.begin(Failing, m, stop.error);
        return SKIP;
      }
      if (this.done) {
        this.done = false;
        this.begin(Completing, m + 1, undefined);
      }
      if (y === SKIP) return SKIP;
    }
    return y;
  }
}

/**
 * How many leading parts of `host`'s chain its cursors absorb as bounds (drop/take over a range or an
 * array); `applyBounds` applies them to a new cursor.
 */
export function absorbedBounds(host: SyncSourceHost): number {
  return host.boundable && host.chain !== null ? host.chain.leadingBounds : 0;
}

export function applyBounds(host: SyncSourceHost, count: number, cursor: Cursor): void {
  for (let i = 0; i < count; i++) {
    const b = host.chain!.parts[i]!.bound!;
    (cursor as BoundableCursor).bound(b.kind, b.n);
  }
}

/** `chain` (null: none yet) extended by `next`, or null when `next` cannot join it. */
export function extendChain(chain: FusedChain | null, next: Fusable): FusedChain | null {
  const part = next[FUSABLE]!;
  return chain === null ? FusedChain.of(part) : chain.andThen(part);
}

const FusedSuffix = ' (fused)';

/**
 * The name of a fused stage, as logs, errors, snapshots and diagrams show it: its parts in order,
 * `range → filter → map (fused)`. Fusing a fused stage again extends the list.
 */
export function fusedName(a: string, b: string): string {
  return `${withoutSuffix(a)} → ${withoutSuffix(b)}${FusedSuffix}`;
}

function withoutSuffix(name: string): string {
  return name.endsWith(FusedSuffix) ? name.slice(0, -FusedSuffix.length) : name;
}

/** Elements a fused source may reject within one pull before it lets other work run. */
export const MaxSkipsPerPull = 1024;

/**
 * The host stage of a fused chain with ending parts (statefulMap, grouped, sliding) — a fused flow stage
 * or a cursor source. Once the run ends (its input ended or failed, a part ended the chain or failed), the
 * host stops its input (`stopInput`) and emits the ending's elements on demand (`FusedInstance.nextFinal`),
 * then completes or fails as the last unfused stage would.
 */
export abstract class EndingHostLogic<T> extends GraphStageLogic {
  /** The ending's next element, computed ahead (so the stage ends right after the last one goes out). */
  private final: unknown = END;

  constructor(
    shape: Shape,
    protected readonly run: FusedInstance,
    private readonly endOut: Outlet<T>,
  ) {
    super(shape);
  }

  /** Stops the host's input: the ending runs without it. */
  protected abstract stopInput(): void;

  protected beginEnding(): void {
    this.stopInput();
    // A pending seed goes out on the first pull, as the unfused scan emits it.
    if (!this.run.seedPending || this.run.failing) this.advance();
  }

  /** Downstream pulled during the ending. */
  protected emitFinal(): void {
    const y = this.final;
    if (y === END) return this.advance(); // nothing computed yet (a seed was pending)
    this.final = END;
    this.push(this.endOut, y as T);
    this.advance();
  }

  /** Computes the ending's next element: pushed if downstream waits for one, kept otherwise; the end ends the stage. */
  private advance(): void {
    const run = this.run;
    const y = run.nextFinal();
    if (y === END) {
      if (run.failing) this.failStage(run.endError);
      else this.completeStage();
      return;
    }
    if (this.isAvailable(this.endOut)) {
      this.push(this.endOut, y as T);
      this.advance();
    } else {
      this.final = y;
    }
  }
}
