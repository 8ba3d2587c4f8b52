/** Building blocks shared by Source, Flow, Sink and RunnableGraph (module composition). */
import { CompositeModule, type Combiner, linear, type Module } from '../impl/Module.js';
import { Identity } from '../operators/identity.js';
import { Keep } from './Keep.js';

/** The module of `Flow.create()`: dropped when composed, materialized only on its own. */
export const identityModule: Module = new Identity<unknown>().module;

/** `a` then `b`, combining materialized values; Keep.left is the cheap default. */
export function composeLinear(a: Module, b: Module, combine: (l: any, r: any) => unknown): Module {
  const c: Combiner | null = combine === Keep.left ? null : combine;
  if (a === identityModule) return mapMaterialized(b, (v) => (c === null ? undefined : c(undefined, v)));
  if (b === identityModule) return c === null ? a : mapMaterialized(a, (v) => c(v, undefined));
  return linear(a, b, c);
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
