/** Building blocks shared by Source, Flow, Sink and RunnableGraph (module composition). */
import { AtomicModule, type Combiner, CompositeModule, LinearModule, linear, type Module } from '../impl/Module.js';
import { FusedRun } from '../operators/fusedRun.js';
import { FUSE, isFusable, isFusableSink, isFusionHost, isSyncSourceHost } from '../operators/fusion.js';
import { Identity } from '../operators/identity.js';
import { Keep } from './Keep.js';

/** The module of `Flow.create()`: dropped when composed, materialized only on its own. */
export const identityModule: Module = new Identity<unknown>().module;

/** `a` then `b`, combining materialized values; Keep.left is the cheap default. */
export function composeLinear(a: Module, b: Module, combine: (l: any, r: any) => unknown): Module {
  const c: Combiner | null = combine === Keep.left ? null : combine;
  if (a === identityModule) {
    // A fusable operator's value is NotUsed already: no wrapper, so later operators can still fuse.
    if (c === null && b.kind === 'atomic' && b.attributes === null && isFusable(b.stage)) return b;
    return mapMaterialized(b, (v) => (c === null ? undefined : c(undefined, v)));
  }
  if (c === null && b.kind === 'linear' && b.attributes === null) {
    // b's own value is discarded (Keep.left), so its children can be appended one by one — which lets
    // fusion work across a `via(flow)` boundary.
    let m = a;
    for (const child of b.children) m = composeLinear(m, child, Keep.left);
    return m;
  }
  if (b === identityModule) return c === null ? a : mapMaterialized(a, (v) => c(v, undefined));
  if (c === null) {
    const fused = tryFuse(a, b);
    if (fused !== null) return fused;
  }
  const run = tryFuseRun(a, b);
  if (run !== null) return c === Keep.right ? run : mapMaterialized(run, (v) => (c === null ? undefined : c(undefined, v)));
  return linear(a, b, c);
}

/**
 * A sync source (with its fused operators) straight into a fold-like sink becomes one loop
 * (operators/fusedRun.ts). Only when neither side carries attributes of its own.
 */
function tryFuseRun(a: Module, b: Module): Module | null {
  if (a.kind !== 'atomic' || a.attributes !== null || !isSyncSourceHost(a.stage)) return null;
  if (b.kind !== 'atomic' || b.attributes !== null || !isFusableSink(b.stage)) return null;
  return new AtomicModule(new FusedRun(a.stage, b.stage), null);
}

/**
 * Build-time fusion (see operators/fusion.ts): a fusable operator appended right after a fusion host
 * with no attributes on either becomes part of the host (unless the host declines: a second scan). Both have NotUsed materialized values.
 */
function tryFuse(a: Module, b: Module): Module | null {
  if (b.kind !== 'atomic' || b.attributes !== null || !isFusable(b.stage)) return null;
  if (a.kind === 'atomic') {
    if (a.attributes !== null || !isFusionHost(a.stage)) return null;
    const fused = a.stage[FUSE](b.stage);
    return fused === null ? null : new AtomicModule(fused, null);
  }
  if (a.kind === 'linear' && a.attributes === null) {
    const last = a.children[a.children.length - 1]!;
    if (last.kind !== 'atomic' || last.attributes !== null || !isFusionHost(last.stage)) return null;
    const fused = last.stage[FUSE](b.stage);
    if (fused === null) return null;
    const children = a.children.slice(0, -1);
    children.push(new AtomicModule(fused, null));
    return new LinearModule(children, a.combiners, null);
  }
  return null;
}

/** Same ports, materialized value transformed by `f`. */
export function mapMaterialized(m: Module, f: (v: any) => unknown): Module {
  const ins: number[] = [];
  for (let i = 0; i < m.inCount; i++) ins.push(0, i);
  const outs: number[] = [];
  for (let i = 0; i < m.outCount; i++) outs.push(0, i);
  return new CompositeModule([m], [], ins, outs, (vs) => f(vs[0]), null);
}

/** Two independent modules side by side (no edges): a's ports first, then b's. */
export function besides(a: Module, b: Module, combine: (l: any, r: any) => unknown): CompositeModule {
  const ins: number[] = [];
  for (let i = 0; i < a.inCount; i++) ins.push(0, i);
  for (let i = 0; i < b.inCount; i++) ins.push(1, i);
  const outs: number[] = [];
  for (let i = 0; i < a.outCount; i++) outs.push(0, i);
  for (let i = 0; i < b.outCount; i++) outs.push(1, i);
  return new CompositeModule([a, b], [], ins, outs, (vs) => combine(vs[0], vs[1]), null);
}
