/**
 * @internal The one late-binding mechanism of the DSL: how the DSL classes that need each other at call
 * time reach each other without importing each other's modules.
 *
 * The DSL classes refer to each other in both directions — `Source#runWith` makes a `Sink`,
 * `Sink#runWith` a `Source`; `Flow#asFlowWithContext` makes a `FlowWithContext`, which wraps a `Flow`;
 * `groupBy` (an operator every `Source`, `Flow` and `SubFlow` has) makes a `SubFlow` — but never while
 * their modules are being evaluated, only when a method is called. Importing each other would make
 * import cycles, whose evaluation order depends on which module happens to be imported first.
 *
 * So the modules import each other in one direction only (the runtime import graph is acyclic, which
 * `scripts/check-cycles.mjs` checks in `npm test`), and each reference against that direction goes
 * through here: the class's module registers it with `bindClass` when it is evaluated, and the caller
 * looks it up with `boundClass` when it runs. The references that go through here:
 *
 * | from                                  | to                  |
 * |---------------------------------------|---------------------|
 * | Sink.ts                               | `Source`            |
 * | Source.ts                             | `SourceWithContext` |
 * | Flow.ts                               | `FlowWithContext`   |
 * | ops/graphOps.ts (on every receiver)   | `Source`, `SubFlow` |
 *
 * The package's entry point (index.ts) imports every one of these modules, so every class is bound
 * before any user code runs.
 */
import type { Flow } from './Flow.js';
import type { FlowWithContext } from './FlowWithContext.js';
import type { Sink } from './Sink.js';
import type { Source } from './Source.js';
import type { SourceWithContext } from './SourceWithContext.js';
import type { SubFlow } from './SubFlow.js';

/** The classes that are reached through here, by name. */
export interface LateBoundClasses {
  Source: typeof Source;
  Flow: typeof Flow;
  Sink: typeof Sink;
  SourceWithContext: typeof SourceWithContext;
  FlowWithContext: typeof FlowWithContext;
  SubFlow: typeof SubFlow;
}

const bound: Partial<LateBoundClasses> = {};

/** Registers a class; called once by the class's own module, right after the class. */
export function bindClass<K extends keyof LateBoundClasses>(name: K, ctor: LateBoundClasses[K]): void {
  bound[name] = ctor;
}

/** The registered class `name` (its module has been evaluated by the time any operator runs). */
export function boundClass<K extends keyof LateBoundClasses>(name: K): LateBoundClasses[K] {
  const ctor = bound[name];
  if (ctor === undefined) throw new Error(`internal: ${name} is not loaded yet (import the DSL through the package's entry point)`);
  return ctor;
}
