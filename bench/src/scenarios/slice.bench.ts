/**
 * slice: the integers 1..N, drop the first N/4, take the next N/2, sum (@most/core's perf-suite
 * `slice`). A test of the stateful operators' per-element cost and of early completion: every
 * contender must stop its source after element 3N/4 instead of running to N.
 */

import { skip as mostSkip, take as mostTake } from '@most/core';
import { Sink, Source } from '@tributary/core';
import { Effect, Stream } from 'effect';
import { lastValueFrom, range as rxRange, reduce as rxReduce, skip as rxSkip, take as rxTake } from 'rxjs';
import type { Scenario } from '../harness.js';
import { mostRange, mostReduce, nodeRange } from '../peers.js';

const add = (a: number, x: number): number => a + x;

export function slice(n: number): Scenario {
  const skip = Math.floor(n / 4);
  const take = Math.floor(n / 2);
  return {
    name: 'slice',
    description: `range 1..N → drop(N/4) → take(N/2) → sum`,
    elements: n,
    contenders: [
      {
        name: 'loop',
        note: 'plain for loop over the slice',
        run: () => {
          let sum = 0;
          for (let i = skip + 1; i <= Math.min(n, skip + take); i++) sum += i;
          return sum;
        },
      },
      {
        name: 'tributary',
        note: 'Source.range → drop → take → Sink.fold (default materializer)',
        run: () => Source.range(1, n).drop(skip).take(take).runWith(Sink.fold(0, add)),
      },
      {
        name: 'rxjs',
        note: 'range → skip → take → reduce, lastValueFrom (synchronous)',
        run: () => lastValueFrom(rxRange(1, n).pipe(rxSkip(skip), rxTake(take), rxReduce(add, 0))),
      },
      {
        name: 'most',
        note: '@most/core: counting source (one asap task) → skip → take → folding sink',
        run: () => mostReduce(add, 0, mostTake(take, mostSkip(skip, mostRange(1, n)))),
      },
      {
        name: 'effect',
        note: 'Stream.range → drop → take → runFold, Effect.runPromise (chunked: 4096 per chunk)',
        run: () => Effect.runPromise(Stream.range(1, n).pipe(Stream.drop(skip), Stream.take(take), Stream.runFold(0, add))),
      },
      {
        name: 'node-readable-ops',
        note: 'counting Readable .drop().take().reduce() (async-iterator helpers)',
        run: () => nodeRange(1, n).drop(skip).take(take).reduce(add, 0),
      },
    ],
  };
}
