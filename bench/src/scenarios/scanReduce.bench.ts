/**
 * scanReduce: the integers 1..N through a stateful factorial-like scan, then summed.
 *
 *   scan(1, (acc, n) => (acc * n) % 1_000_003) → reduce(+)
 *
 * `scan` emits the seed first, then every intermediate accumulator (Tributary, most and effect
 * semantics), so the sum covers N + 1 elements: 1 + Σ acc_i. rxjs's `scan` does not emit its seed,
 * so the rxjs pipeline adds `startWith(1)`; the Node / WHATWG scans push the seed when they start.
 * All products stay below 2^53, so the arithmetic is exact everywhere.
 */

import { pipeline } from 'node:stream/promises';
import { scan as mostScan } from '@most/core';
import { Sink, Source } from '@tributary/core';
import { Effect, Stream } from 'effect';
import { lastValueFrom, range as rxRange, reduce as rxReduce, scan as rxScan, startWith as rxStartWith } from 'rxjs';
import type { Scenario } from '../harness.js';
import { mostRange, mostReduce, nodeFold, nodeRange, nodeScan, WEB_HWM, webFold, webRange, webScan } from '../peers.js';

const P = 1_000_003;
const SEED = 1;
const step = (acc: number, x: number): number => (acc * x) % P;
const add = (a: number, b: number): number => a + b;

export function scanReduce(n: number): Scenario {
  return {
    name: 'scanReduce',
    description: `range 1..N → scan(${SEED}, (acc, n) => acc * n % ${P}) → reduce(+)`,
    elements: n,
    contenders: [
      {
        name: 'loop',
        note: 'plain for loop, everything inlined',
        run: () => {
          let acc = SEED;
          let sum = SEED;
          for (let i = 1; i <= n; i++) {
            acc = (acc * i) % P;
            sum += acc;
          }
          return sum;
        },
      },
      {
        name: 'tributary',
        note: 'Source.range → scan → Sink.reduce (default materializer)',
        run: () => Source.range(1, n).scan(SEED, step).runWith(Sink.reduce(add)),
      },
      {
        name: 'rxjs',
        note: 'range → scan → startWith(seed) → reduce, lastValueFrom (synchronous)',
        run: () => lastValueFrom(rxRange(1, n).pipe(rxScan(step, SEED), rxStartWith(SEED), rxReduce(add))),
      },
      {
        name: 'most',
        note: '@most/core: counting source (one asap task) → scan → folding sink',
        run: () => mostReduce(add, 0, mostScan(step, SEED, mostRange(1, n))),
      },
      {
        name: 'effect',
        note: 'Stream.range → Stream.scan → runFold, Effect.runPromise (chunked: 4096 per chunk)',
        run: () => Effect.runPromise(Stream.range(1, n).pipe(Stream.scan(SEED, step), Stream.runFold(0, add))),
      },
      {
        name: 'effect-mapAccum',
        note: 'Stream.make(seed) ++ Stream.range → Stream.mapAccum → runFold: the chunk-level way to write scan in effect',
        run: () =>
          Effect.runPromise(
            Stream.concat(
              Stream.make(SEED),
              Stream.range(1, n).pipe(
                Stream.mapAccum(SEED, (acc, x): readonly [number, number] => {
                  const next = step(acc, x);
                  return [next, next];
                }),
              ),
            ).pipe(Stream.runFold(0, add)),
          ),
      },
      {
        name: 'node-streams',
        note: 'pipeline(counting Readable, Transform (scan), Writable), objectMode, highWaterMark 16',
        run: async () => {
          const sink = nodeFold(0, add);
          await pipeline(nodeRange(1, n), nodeScan(SEED, step), sink);
          return sink.value;
        },
      },
      {
        name: 'web-streams',
        note: `counting ReadableStream (pull) → TransformStream (scan) → WritableStream, every queue highWaterMark ${WEB_HWM}`,
        run: () => webFold(webRange(1, n).pipeThrough(webScan(SEED, step)), 0, add),
      },
    ],
  };
}
