/**
 * zip: two ranges of N elements (default 100,000) zipped pairwise, each pair multiplied, summed.
 *
 *   range 1..N zip range 1..N → map(([a, b]) => a * b) → sum
 *
 * Measures the two-input fan-in junction: Tributary pulls one element ahead on each side and emits a
 * pair when both have one and downstream asked. Σ k² stays below 2^53 for N ≤ 200,000.
 */

import { zip as mostZip } from '@most/core';
import { Sink, Source } from '@tributary/core';
import { lastValueFrom, range as rxRange, reduce as rxReduce, zip as rxZip } from 'rxjs';
import type { Scenario } from '../harness.js';
import { mostRange, mostReduce } from '../peers.js';

const addProduct = (acc: number, [a, b]: readonly [number, number]): number => acc + a * b;

export function zip(elements: number): Scenario {
  const n = elements;
  return {
    name: 'zip',
    description: `range 1..N zip range 1..N → sum of products (2 × ${n})`,
    elements: 2 * n,
    contenders: [
      {
        name: 'loop',
        note: 'one for loop over both ranges',
        run: () => {
          let sum = 0;
          for (let i = 1; i <= n; i++) sum += i * i;
          return sum;
        },
      },
      {
        name: 'tributary',
        note: 'Source.range.zip(Source.range) → Sink.fold (default materializer)',
        run: () => Source.range(1, n).zip(Source.range(1, n)).runWith(Sink.fold(0, addProduct)),
      },
      {
        name: 'rxjs',
        note: 'zip(range, range) → reduce, lastValueFrom (zip buffers the first range: no back-pressure)',
        run: () => lastValueFrom(rxZip(rxRange(1, n), rxRange(1, n)).pipe(rxReduce(addProduct, 0))),
      },
      {
        name: 'most',
        note: '@most/core: zip((a, b) => [a, b], counting source, counting source) → folding sink',
        run: () =>
          mostReduce(
            addProduct,
            0,
            mostZip((a: number, b: number): [number, number] => [a, b], mostRange(1, n), mostRange(1, n)),
          ),
      },
    ],
  };
}
