/**
 * mapAsync / mapAsyncUnordered: the integers 1..N through an async function with 4 calls in flight.
 *
 *   f = async (x) => x * 2     (every library gets the same f; its promise settles in a microtask)
 *
 * `mapAsync` (ordered): results must come out in element order, so the result is an order-sensitive
 * checksum `(acc * 31 + y) mod 1e9+7`. `mapAsyncUnordered`: results in completion order, so the
 * result is the plain sum. What is measured is the machinery around a promise per element: the call,
 * the bounded window of 4, the hand-back into the stream, ordering.
 */
import { Sink, Source } from '@tributary/core';
import { Effect, Stream } from 'effect';
import { lastValueFrom, mergeMap, Observable, type OperatorFunction, range as rxRange, reduce as rxReduce } from 'rxjs';
import { parallelMap, reduce as siReduce, transform } from 'streaming-iterables';
import type { Scenario } from '../harness.js';
import { countingIterable, nodeRange } from '../peers.js';

const CONCURRENCY = 4;
const P = 1_000_000_007;
const f = async (x: number): Promise<number> => x * 2;
const checksum = (acc: number, y: number): number => (acc * 31 + y) % P;
const add = (a: number, y: number): number => a + y;

/** rxjs has no ordered concurrent map: mergeMap tags results with their index and this puts them back in order. */
function reorder<T>(): OperatorFunction<readonly [number, T], T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const pending = new Map<number, T>();
      let next = 0;
      return source.subscribe({
        next([i, v]) {
          pending.set(i, v);
          while (pending.has(next)) {
            const w = pending.get(next)!;
            pending.delete(next++);
            subscriber.next(w);
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}

export function mapAsyncOrdered(n: number): Scenario {
  return {
    name: 'mapAsync',
    description: `range 1..N → ordered async map (x * 2), ${CONCURRENCY} in flight → order-sensitive checksum`,
    elements: n,
    contenders: [
      {
        name: 'loop',
        note: `plain loop over a ring of ${CONCURRENCY} promises: awaits the oldest, then starts the next (ordered)`,
        run: async () => {
          const ring: Promise<number>[] = new Array(CONCURRENCY);
          let issued = 1;
          for (; issued <= Math.min(n, CONCURRENCY); issued++) ring[issued % CONCURRENCY] = f(issued);
          let acc = 0;
          for (let i = 1; i <= n; i++) {
            acc = checksum(acc, await ring[i % CONCURRENCY]!);
            if (issued <= n) {
              ring[issued % CONCURRENCY] = f(issued);
              issued++;
            }
          }
          return acc;
        },
      },
      {
        name: 'tributary',
        note: `Source.range → mapAsync(${CONCURRENCY}, f) → Sink.fold`,
        run: () => Source.range(1, n).mapAsync(CONCURRENCY, f).runWith(Sink.fold(0, checksum)),
      },
      {
        name: 'node-readable-map',
        note: `counting Readable (objectMode) → .map(f, { concurrency: ${CONCURRENCY} }) → .reduce (ordered)`,
        run: () => nodeRange(1, n).map(f, { concurrency: CONCURRENCY }).reduce(checksum, 0),
      },
      {
        name: 'rxjs',
        note: `range → mergeMap(tag with index, ${CONCURRENCY}) → reorder by index → reduce (no ordered concurrent map in rxjs; range is not back-pressured)`,
        run: () =>
          lastValueFrom(
            rxRange(1, n).pipe(
              mergeMap((x, i) => f(x).then((y) => [i, y] as const), CONCURRENCY),
              reorder<number>(),
              rxReduce(checksum, 0),
            ),
          ),
      },
      {
        name: 'streaming-iterables',
        note: `parallelMap(${CONCURRENCY}, f) over a counting iterable → reduce (ordered)`,
        run: () => siReduce(checksum, 0, parallelMap(CONCURRENCY, f, countingIterable(1, n))),
      },
      {
        name: 'effect',
        note: `Stream.range → Stream.mapEffect(Effect.promise(f), { concurrency: ${CONCURRENCY} }) → runFold`,
        run: () =>
          Effect.runPromise(
            Stream.range(1, n).pipe(
              Stream.mapEffect((x) => Effect.promise(() => f(x)), { concurrency: CONCURRENCY }),
              Stream.runFold(0, checksum),
            ),
          ),
      },
    ],
  };
}

export function mapAsyncUnordered(n: number): Scenario {
  return {
    name: 'mapAsyncUnordered',
    description: `range 1..N → unordered async map (x * 2), ${CONCURRENCY} in flight → sum`,
    elements: n,
    contenders: [
      {
        name: 'loop',
        note: `plain loop: ${CONCURRENCY} workers taking the next number from a shared counter`,
        run: async () => {
          let next = 1;
          let sum = 0;
          const worker = async (): Promise<void> => {
            while (next <= n) {
              const y = await f(next++);
              sum += y;
            }
          };
          await Promise.all(Array.from({ length: CONCURRENCY }, worker));
          return sum;
        },
      },
      {
        name: 'tributary',
        note: `Source.range → mapAsyncUnordered(${CONCURRENCY}, f) → Sink.fold`,
        run: () => Source.range(1, n).mapAsyncUnordered(CONCURRENCY, f).runWith(Sink.fold(0, add)),
      },
      {
        name: 'rxjs',
        note: `range → mergeMap(f, ${CONCURRENCY}) → reduce (range is not back-pressured: mergeMap buffers it)`,
        run: () => lastValueFrom(rxRange(1, n).pipe(mergeMap(f, CONCURRENCY), rxReduce(add, 0))),
      },
      {
        name: 'streaming-iterables',
        note: `transform(${CONCURRENCY}, f) over a counting iterable → reduce (completion order)`,
        run: () => siReduce(add, 0, transform(CONCURRENCY, f, countingIterable(1, n))),
      },
      {
        name: 'effect',
        note: `Stream.range → Stream.mapEffect(Effect.promise(f), { concurrency: ${CONCURRENCY}, unordered: true }) → runFold`,
        run: () =>
          Effect.runPromise(
            Stream.range(1, n).pipe(
              Stream.mapEffect((x) => Effect.promise(() => f(x)), { concurrency: CONCURRENCY, unordered: true }),
              Stream.runFold(0, add),
            ),
          ),
      },
    ],
  };
}
