/**
 * merge: `sources` (default 10) ranges of `elements / sources` elements each (default 100,000),
 * merged into one stream and summed (1,000,000 elements in all).
 *
 *   range × 10 → merge → sum
 *
 * Measures the fan-in junction: Tributary pulls every input one element ahead and serves them first
 * come, first served, under back-pressure; rxjs and most have no back-pressure (rxjs subscribes to
 * each synchronous source in turn, most interleaves its scheduled tasks).
 */

import { mergeArray as mostMergeArray } from '@most/core';
import { Sink, Source } from '@tributary/core';
import { lastValueFrom, merge as rxMerge, range as rxRange, reduce as rxReduce } from 'rxjs';
import type { Scenario } from '../harness.js';
import { mostRange, mostReduce } from '../peers.js';

const add = (a: number, b: number): number => a + b;

export function merge(elements: number, sources = 10): Scenario {
  const per = Math.max(1, Math.round(elements / sources));
  const starts = Array.from({ length: sources }, (_, k) => k * per + 1);
  return {
    name: 'merge',
    description: `${sources} × range of ${per} → merge → sum (${sources} × ${per})`,
    elements: per * sources,
    contenders: [
      {
        name: 'loop',
        note: 'for loop over every range, one after the other',
        run: () => {
          let sum = 0;
          for (const s of starts) for (let x = s; x < s + per; x++) sum += x;
          return sum;
        },
      },
      {
        name: 'tributary',
        note: `Source.range.mergeAll(${sources - 1} × Source.range) → Sink.fold: one Merge(${sources}) junction`,
        run: () => {
          const [first, ...rest] = starts.map((s) => Source.range(s, s + per - 1));
          return first!.mergeAll(rest).runWith(Sink.fold(0, add));
        },
      },
      {
        name: 'rxjs',
        note: 'merge(...ranges) → reduce, lastValueFrom (synchronous, no back-pressure)',
        run: () => lastValueFrom(rxMerge(...starts.map((s) => rxRange(s, per))).pipe(rxReduce(add, 0))),
      },
      {
        name: 'most',
        note: '@most/core: mergeArray(counting sources) → folding sink',
        run: () => mostReduce(add, 0, mostMergeArray(starts.map((s) => mostRange(s, s + per - 1)))),
      },
    ],
  };
}
