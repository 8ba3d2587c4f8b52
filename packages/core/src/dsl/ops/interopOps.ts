/**
 * Interop operators of FlowOps (see ../FlowOps.ts for the pattern): declared here once with their
 * Emits / Backpressures / Completes / Cancels contract, implemented in `interopOpsImpl`, installed on
 * Source.prototype and Flow.prototype together with the basic operators.
 */
import type { HKT } from '../FlowOps.js';

// biome-ignore lint/suspicious/noEmptyInterface: no interop operator yet; the parameters match the other tables
export interface InteropOps<_Out, _F extends HKT> {}

export const interopOpsImpl: Record<string, (this: { via(stage: unknown): unknown }, ...args: any[]) => unknown> = {};
