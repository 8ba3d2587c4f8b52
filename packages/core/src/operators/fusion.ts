/**
 * Build-time fusion of stateless operators (the @most/core idea).
 *
 * `map`, `filter`, `filterNot` and `collect` are *fusable*: each can be expressed as one function
 * `x => y | SKIP`. When the DSL appends a fusable operator directly after a *fusion host* — another
 * fusable operator, or a synchronous source such as `range` or `from(array)` — with no attributes in
 * between, the two become one stage running the composed function. A chain like
 * `Source.range(1, n).filter(p).map(f)` then costs one stage instead of three, and elements the
 * filter rejects never travel through the interpreter at all.
 *
 * Semantics are unchanged: user functions run in the same order, errors are the same error objects,
 * and supervision applies per element exactly as it would for the separate stages (all stateless
 * operators treat `restart` like `resume`). Only diagrams and logs show one stage ("filter → map (fused)").
 */
import type { AtomicStageLike } from '../impl/Module.js';
import type { Decider } from '../stage/Attributes.js';
import type { Cursor } from './cursor.js';

export const SKIP: unique symbol = Symbol('skip');
export type Skip = typeof SKIP;
export type FusedFn = (x: unknown) => unknown;

/** A stateless operator expressible as `x => y | SKIP`. */
export interface Fusable {
  readonly fusedFn: FusedFn;
  readonly defaultName: string;
}

/** A stage that can absorb a following fusable operator. */
export interface FusionHost {
  fuse(next: Fusable): AtomicStageLike;
}

/** A synchronous source that can hand out a cursor over its (fused) elements. */
export interface SyncSourceHost {
  readonly fn: FusedFn | null;
  readonly defaultName: string;
  createCursor(): Cursor;
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

/** A sink that can consume a sync source without the interpreter between them. */
export interface FusableSink<R> {
  readonly defaultName: string;
  createConsumer(decider: Decider): SinkConsumer<R>;
}

export function isSyncSourceHost(stage: unknown): stage is SyncSourceHost {
  return typeof (stage as Partial<SyncSourceHost>).createCursor === 'function';
}

export function isFusableSink(stage: unknown): stage is FusableSink<unknown> {
  return typeof (stage as Partial<FusableSink<unknown>>).createConsumer === 'function';
}

export function isFusable(stage: unknown): stage is Fusable {
  return typeof (stage as Partial<Fusable>).fusedFn === 'function';
}

export function isFusionHost(stage: unknown): stage is FusionHost {
  return typeof (stage as Partial<FusionHost>).fuse === 'function';
}

/** `f` then `g`, short-circuiting on SKIP. */
export function composeFused(f: FusedFn | null, g: FusedFn): FusedFn {
  if (f === null) return g;
  return (x) => {
    const y = f(x);
    return y === SKIP ? SKIP : g(y);
  };
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
