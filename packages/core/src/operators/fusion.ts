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
import type { Cursor } from './cursor.js';
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

/** What one running fused chain shares with its stateful parts. */
export interface FusionContext {
  /** Set by a part (take, takeWhile) when the chain ends after the element being processed. */
  done: boolean;
  readonly decider: Decider;
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
}

export function statelessPart(name: string, fn: FusedFn): FusionPart {
  return { name, fn, create: null, seeded: false, seed: undefined };
}

export function statefulPart(name: string, create: (ctx: FusionContext) => FusedFn, seeded = false, seed: unknown = undefined): FusionPart {
  return { name, fn: null, create, seeded, seed };
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
  ) {}

  static of(part: FusionPart): FusedChain {
    return new FusedChain([part], part.fn, part.seeded ? 0 : -1);
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
    if (this.seedIndex >= 0) return null;
    return statefulPart(name, (ctx) => {
      const inner = this.instantiate(ctx.decider);
      const fn = inner.fn;
      return (x) => {
        const y = fn(x);
        if (inner.done) ctx.done = true;
        return y;
      };
    });
  }

  /** The running chain of one materialization. */
  instantiate(decider: Decider): FusedInstance {
    const inst = new FusedInstance(decider);
    if (this.shared !== null) {
      inst.fn = this.shared;
      return inst;
    }
    const fns = this.parts.map((p) => (p.fn !== null ? p.fn : p.create!(inst)));
    let fn: FusedFn | null = null;
    for (const f of fns) fn = composeFused(fn, f);
    inst.fn = fn!;
    if (this.seedIndex >= 0) {
      let after: FusedFn | null = null;
      for (let i = this.seedIndex + 1; i < fns.length; i++) after = composeFused(after, fns[i]!);
      inst.seedPending = true;
      inst.seed = this.parts[this.seedIndex]!.seed;
      inst.afterSeed = after;
    }
    return inst;
  }
}

/** One materialization's fused chain: its function, its end flag and its seed (if a scan is part of it). */
export class FusedInstance implements FusionContext {
  done = false;
  fn: FusedFn = (x) => x;
  /** A seed is still to be emitted, before any element (and on completion if nothing was pulled). */
  seedPending = false;
  seed: unknown = undefined;
  afterSeed: FusedFn | null = null;
  constructor(readonly decider: Decider) {}

  /** The seed as the parts after the seeded one turn it (SKIP when they drop it); may throw like `fn`. */
  takeSeed(): unknown {
    this.seedPending = false;
    return this.afterSeed === null ? this.seed : this.afterSeed(this.seed);
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
