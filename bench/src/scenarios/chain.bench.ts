/**
 * chain: an outer stream of `outer` elements, each mapped to an inner stream of `inner` elements, all
 * inner streams merged (not concatenated) and summed. Default 1000 × 1000 (1,000,000 elements), as
 * @most/core's own perf suite (`flatMap`/`chain` over 1000 arrays of 1000).
 *
 *   range 1..outer → flatMapMerge(∞, i => range i..i+inner-1) → sum
 *
 * Measures the merging flatten: every inner stream is a live substream at once (unbounded breadth, as
 * most's `chain`), and the fan-in among them is under back-pressure for Tributary only.
 */

import { chain as mostChain } from '@most/core';
import { Sink, Source } from '@tributary/core';
import { lastValueFrom, mergeMap as rxMergeMap, range as rxRange, reduce as rxReduce } from 'rxjs';
import type { Scenario } from '../harness.js';
import { mostRange, mostReduce } from '../peers.js';

const add = (a: number, b: number): number => a + b;

/** `elements` total elements: 1000 inner streams of `elements / 1000` elements each. */
export function chain(elements: number): Scenario {
  const outer = Math.min(1000, elements);
  const inner = Math.max(1, Math.round(elements / outer));
  return {
    name: 'chain',
    description: `range 1..${outer} → flatMapMerge(∞, i => range i..i+${inner - 1}) → sum (${outer} × ${inner})`,
    elements: outer * inner,
    contenders: [
      {
        name: 'loop',
        note: 'two nested for loops',
        run: () => {
          let sum = 0;
          for (let i = 1; i <= outer; i++) for (let x = i; x < i + inner; x++) sum += x;
          return sum;
        },
      },
      {
        name: 'tributary',
        note: 'Source.range → flatMapMerge(Infinity, i => Source.range) → Sink.fold (default materializer)',
        run: () =>
          Source.range(1, outer)
            .flatMapMerge(Infinity, (i) => Source.range(i, i + inner - 1))
            .runWith(Sink.fold(0, add)),
      },
      {
        name: 'rxjs',
        note: 'range → mergeMap(i => range) → reduce, lastValueFrom (synchronous: each inner runs to its end when subscribed)',
        run: () =>
          lastValueFrom(
            rxRange(1, outer).pipe(
              rxMergeMap((i) => rxRange(i, inner)),
              rxReduce(add, 0),
            ),
          ),
      },
      {
        name: 'most',
        note: '@most/core: counting source → chain(i => counting source) → folding sink',
        run: () =>
          mostReduce(
            add,
            0,
            mostChain((i: number) => mostRange(i, i + inner - 1), mostRange(1, outer)),
          ),
      },
    ],
  };
}
