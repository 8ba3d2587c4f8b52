/**
 * mergeNested: `depth + 1` ranges of N elements each (default 10,000, as @most/core's perf suite),
 * merged pairwise into a left-deep tree of `depth` two-input merges, and summed.
 *
 *   s = range; repeat depth times: s = s.merge(range) → sum
 *
 * Measures a chain of fan-in merges: built naively, an element of the first range crosses every one of
 * the `depth` merges (Tributary flattens the chain into one `Merge(depth + 1)` junction at build time,
 * as @most/core flattens nested merges). Registered twice, as in most's suite: `mergeNested2` and
 * `mergeNested100`.
 */

import { merge as mostMerge } from '@most/core';
import { Sink, Source } from '@tributary/core';
import { lastValueFrom, type Observable, merge as rxMerge, range as rxRange, reduce as rxReduce } from 'rxjs';
import type { Scenario } from '../harness.js';
import { type MostStream, mostRange, mostReduce } from '../peers.js';

const add = (a: number, b: number): number => a + b;

export function mergeNested(elements: number, depth: number): Scenario {
  const n = elements;
  return {
    name: `mergeNested${depth}`,
    description: `${depth + 1} × range 1..${n}, merged by ${depth} nested two-input merges → sum (${depth + 1} × ${n})`,
    elements: (depth + 1) * n,
    contenders: [
      {
        name: 'loop',
        note: 'a for loop over every range, one after the other',
        run: () => {
          let sum = 0;
          for (let k = 0; k <= depth; k++) for (let x = 1; x <= n; x++) sum += x;
          return sum;
        },
      },
      {
        name: 'tributary',
        note: `Source.range.merge(Source.range) nested ${depth} times → Sink.fold: built as one Merge(${depth + 1}) junction`,
        run: () => {
          let s = Source.range(1, n);
          for (let k = 0; k < depth; k++) s = s.merge(Source.range(1, n));
          return s.runWith(Sink.fold(0, add));
        },
      },
      {
        name: 'rxjs',
        note: `merge(s, range) nested ${depth} times → reduce, lastValueFrom (synchronous, no back-pressure)`,
        run: () => {
          let s: Observable<number> = rxRange(1, n);
          for (let k = 0; k < depth; k++) s = rxMerge(s, rxRange(1, n));
          return lastValueFrom(s.pipe(rxReduce(add, 0)));
        },
      },
      {
        name: 'most',
        note: `@most/core: merge(counting source, s) nested ${depth} times → folding sink`,
        run: () => {
          let s: MostStream<number> = mostRange(1, n);
          for (let k = 0; k < depth; k++) s = mostMerge(s, mostRange(1, n));
          return mostReduce(add, 0, s);
        },
      },
    ],
  };
}
