/**
 * filterMapReduce: the integers 1..N, keep the even ones, add 1, sum.
 * A pure per-element overhead test: three trivial stages, no asynchrony in the user code.
 */

import { pipeline } from 'node:stream/promises';
import { filter as mostFilter, map as mostMap } from '@most/core';
import { Sink, Source } from '@tributary/core';
import { Effect, Stream } from 'effect';
import { lastValueFrom, filter as rxFilter, map as rxMap, range as rxRange, reduce as rxReduce } from 'rxjs';
import { filter as siFilter, map as siMap, reduce as siReduce } from 'streaming-iterables';
import type { Scenario } from '../harness.js';
import { countingIterable, mostRange, mostReduce, nodeFilter, nodeFold, nodeMap, nodeRange, WEB_HWM, webFilter, webFold, webMap, webRange } from '../peers.js';

// The same three functions for every contender (the loop inlines them by hand).
const isEven = (x: number): boolean => x % 2 === 0;
const inc = (x: number): number => x + 1;
const add = (a: number, x: number): number => a + x;

export function filterMapReduce(n: number): Scenario {
  let array: number[] | undefined;
  const prebuilt = (): number[] => (array ??= Array.from({ length: n }, (_, i) => i + 1));

  return {
    name: 'filterMapReduce',
    description: 'range 1..N → filter(even) → map(+1) → sum',
    elements: n,
    contenders: [
      {
        name: 'loop',
        note: 'plain for loop, everything inlined',
        run: () => {
          let sum = 0;
          for (let i = 1; i <= n; i++) if (i % 2 === 0) sum += i + 1;
          return sum;
        },
      },
      {
        name: 'tributary',
        note: 'Source.range → filter → map → Sink.fold (default materializer)',
        run: () => Source.range(1, n).filter(isEven).map(inc).runWith(Sink.fold(0, add)),
      },
      {
        name: 'tributary-array',
        note: 'Source.from(prebuilt array) → filter → map → Sink.fold',
        setup: () => void prebuilt(),
        run: () => Source.from(prebuilt()).filter(isEven).map(inc).runWith(Sink.fold(0, add)),
      },
      {
        name: 'rxjs',
        note: 'range → filter → map → reduce, lastValueFrom (synchronous)',
        run: () => lastValueFrom(rxRange(1, n).pipe(rxFilter(isEven), rxMap(inc), rxReduce(add, 0))),
      },
      {
        name: 'most',
        note: '@most/core: counting source (one asap task) → filter → map → folding sink',
        run: () => mostReduce(add, 0, mostMap(inc, mostFilter(isEven, mostRange(1, n)))),
      },
      {
        name: 'effect',
        note: 'Stream.range → filter → map → runFold, Effect.runPromise (chunked: 4096 per chunk)',
        run: () => Effect.runPromise(Stream.range(1, n).pipe(Stream.filter(isEven), Stream.map(inc), Stream.runFold(0, add))),
      },
      {
        name: 'node-streams',
        note: 'pipeline(counting Readable, Transform, Transform, Writable), objectMode, highWaterMark 16',
        run: async () => {
          const sink = nodeFold(0, add);
          await pipeline(nodeRange(1, n), nodeFilter(isEven), nodeMap(inc), sink);
          return sink.value;
        },
      },
      {
        name: 'node-readable-ops',
        note: 'counting Readable .filter().map().reduce() (async-iterator helpers)',
        run: () => nodeRange(1, n).filter(isEven).map(inc).reduce(add, 0),
      },
      {
        name: 'web-streams',
        note: `counting ReadableStream (pull) → TransformStream ×2 → WritableStream, every queue highWaterMark ${WEB_HWM}`,
        run: () => webFold(webRange(1, n).pipeThrough(webFilter(isEven)).pipeThrough(webMap(inc)), 0, add),
      },
      {
        name: 'streaming-iterables',
        note: 'filter → map → reduce over a counting (generator-free) iterable; async iteration per element',
        run: () => siReduce(add, 0, siMap(inc, siFilter(isEven, countingIterable(1, n)))),
      },
    ],
  };
}
