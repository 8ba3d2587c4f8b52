/** The graph-area scenarios (concatMap, merge, zip, chain, switch, mergeNested2, mergeNested100), registered together in run.ts. */
import type { Scenario } from '../harness.js';
import { chain } from './chain.bench.js';
import { concatMap } from './concatMap.bench.js';
import { merge } from './merge.bench.js';
import { mergeNested } from './mergeNested.bench.js';
import { switchScenario } from './switch.bench.js';
import { zip } from './zip.bench.js';

/** By name; `elements` is the scenario's N (defaults in run.ts: concatMap 1,000,000 = 1000 × 1000, merge 1,000,000 = 10 × 100,000, zip 100,000 per side). */
export const graphScenarios: Readonly<Record<string, (elements: number) => Scenario>> = {
  concatMap: (n) => concatMap(n),
  merge: (n) => merge(n),
  zip: (n) => zip(n),
  // @most/core's perf-suite scenarios (chain 1000 × 1000, switch 1000 × 10,000, merge-nested depth 2 and 100 × 10,000)
  chain: (n) => chain(n),
  switch: (n) => switchScenario(n),
  mergeNested2: (n) => mergeNested(n, 2),
  mergeNested100: (n) => mergeNested(n, 100),
};
