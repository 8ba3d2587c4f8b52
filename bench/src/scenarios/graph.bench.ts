/** The graph-area scenarios (concatMap, merge, zip), registered together in run.ts. */
import type { Scenario } from '../harness.js';
import { concatMap } from './concatMap.bench.js';
import { merge } from './merge.bench.js';
import { zip } from './zip.bench.js';

/** By name; `elements` is the scenario's N (defaults in run.ts: concatMap 1,000,000 = 1000 × 1000, merge 1,000,000 = 10 × 100,000, zip 100,000 per side). */
export const graphScenarios: Readonly<Record<string, (elements: number) => Scenario>> = {
  concatMap: (n) => concatMap(n),
  merge: (n) => merge(n),
  zip: (n) => zip(n),
};
