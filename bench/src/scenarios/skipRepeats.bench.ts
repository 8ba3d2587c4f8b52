/**
 * skipRepeats: N integers with runs of repeats (each value 3 times: ⌊i / 3⌋ for i in 1..N), drop
 * every element equal to the one before it, sum (@most/core's perf-suite `skipRepeats`).
 *
 * Tributary has no skipRepeats/distinctUntilChanged operator: its contender is `filter` with the
 * previous element in a closure made per run (each run builds its pipeline afresh, so the state is
 * never shared between runs). It fuses like any filter.
 */

import { map as mostMap, skipRepeats as mostSkipRepeats } from '@most/core';
import { Sink, Source } from '@tributary/core';
import { Effect, Stream } from 'effect';
import { lastValueFrom, distinctUntilChanged as rxDistinctUntilChanged, map as rxMap, range as rxRange, reduce as rxReduce } from 'rxjs';
import type { Scenario } from '../harness.js';
import { mostRange, mostReduce, nodeRange } from '../peers.js';

const third = (i: number): number => Math.floor(i / 3);
const add = (a: number, x: number): number => a + x;

/** A fresh "differs from the previous element" predicate (its state belongs to one run). */
function changed(): (x: number) => boolean {
  let first = true;
  let last = 0;
  return (x) => {
    if (!first && x === last) return false;
    first = false;
    last = x;
    return true;
  };
}

export function skipRepeats(n: number): Scenario {
  return {
    name: 'skipRepeats',
    description: 'range 1..N → map(i => ⌊i/3⌋) → skipRepeats → sum',
    elements: n,
    contenders: [
      {
        name: 'loop',
        note: 'plain for loop, everything inlined',
        run: () => {
          let sum = 0;
          let last = Number.NaN;
          for (let i = 1; i <= n; i++) {
            const x = Math.floor(i / 3);
            if (x !== last) sum += x;
            last = x;
          }
          return sum;
        },
      },
      {
        name: 'tributary',
        note: 'Source.range → map → filter(differs from previous, state per run) → Sink.fold',
        run: () => Source.range(1, n).map(third).filter(changed()).runWith(Sink.fold(0, add)),
      },
      {
        name: 'rxjs',
        note: 'range → map → distinctUntilChanged → reduce, lastValueFrom (synchronous)',
        run: () => lastValueFrom(rxRange(1, n).pipe(rxMap(third), rxDistinctUntilChanged(), rxReduce(add, 0))),
      },
      {
        name: 'most',
        note: '@most/core: counting source (one asap task) → map → skipRepeats → folding sink',
        run: () => mostReduce(add, 0, mostSkipRepeats(mostMap(third, mostRange(1, n)))),
      },
      {
        name: 'effect',
        note: 'Stream.range → map → changes → runFold, Effect.runPromise (chunked: 4096 per chunk)',
        run: () => Effect.runPromise(Stream.range(1, n).pipe(Stream.map(third), Stream.changes, Stream.runFold(0, add))),
      },
      {
        name: 'node-readable-ops',
        note: 'counting Readable .map().filter(differs from previous).reduce() (async-iterator helpers)',
        run: () => {
          const differs = changed();
          return nodeRange(1, n).map(third).filter(differs).reduce(add, 0);
        },
      },
    ],
  };
}
