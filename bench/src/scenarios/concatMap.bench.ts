/**
 * concatMap: an outer stream of `outer` elements, each mapped to an inner stream of `inner` elements,
 * flattened one inner stream after the other and summed. Default 1000 × 1000 (1,000,000 elements).
 *
 *   range 1..outer → concatMap(i => range i..i+inner-1) → sum
 *
 * Measures what one nested stream costs (materializing it, starting it, finishing it) plus the
 * per-element cost of passing elements out of a nested stream. Tributary materializes each inner
 * source into the running island (sub-fusing: no event-loop hop, no extra buffer).
 */

import { concatMap as mostConcatMap } from '@most/core';
import { Sink, Source } from '@tributary/core';
import { lastValueFrom, concatMap as rxConcatMap, range as rxRange, reduce as rxReduce } from 'rxjs';
import type { Scenario } from '../harness.js';
import { mostRange, mostReduce } from '../peers.js';

const add = (a: number, b: number): number => a + b;
const identity = (x: number): number => x;

/** `elements` total elements: 1000 inner streams of `elements / 1000` elements each. */
export function concatMap(elements: number): Scenario {
  const outer = Math.min(1000, elements);
  const inner = Math.max(1, Math.round(elements / outer));
  return {
    name: 'concatMap',
    description: `range 1..${outer} → concatMap(i => range i..i+${inner - 1}) → sum (${outer} × ${inner})`,
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
        note: 'Source.range → flatMapConcat(i => Source.range) → Sink.fold (default materializer); a plain inner range is read in place',
        run: () =>
          Source.range(1, outer)
            .flatMapConcat((i) => Source.range(i, i + inner - 1))
            .runWith(Sink.fold(0, add)),
      },
      {
        name: 'tributary-materialized',
        note: 'the same with inner Source.range(…).map(x => x): each inner source is materialized as a stage, sub-fused into the island',
        run: () =>
          Source.range(1, outer)
            .flatMapConcat((i) => Source.range(i, i + inner - 1).map(identity))
            .runWith(Sink.fold(0, add)),
      },
      {
        name: 'rxjs',
        note: 'range → concatMap(i => range) → reduce, lastValueFrom (synchronous)',
        run: () =>
          lastValueFrom(
            rxRange(1, outer).pipe(
              rxConcatMap((i) => rxRange(i, inner)),
              rxReduce(add, 0),
            ),
          ),
      },
      {
        name: 'most',
        note: '@most/core: counting source → concatMap(i => counting source) → folding sink',
        run: () =>
          mostReduce(
            add,
            0,
            mostConcatMap((i: number) => mostRange(i, i + inner - 1), mostRange(1, outer)),
          ),
      },
    ],
  };
}
