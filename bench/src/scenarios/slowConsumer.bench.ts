/**
 * slowConsumer: a fast producer of 1..N into a consumer that sleeps 1 ms every 100 elements, with the
 * peak heap of each library. Back-pressured pipelines hold a bounded number of elements however fast
 * the producer is; a pipeline without back-pressure buffers what the consumer has not taken yet. The
 * time is dominated by the N / 100 sleeps (timer resolution), so the heap column is the point here.
 */

import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Sink, Source } from '@tributary/core';
import { Effect, Stream } from 'effect';
import { concatMap, lastValueFrom, from as rxFrom, of as rxOf, range as rxRange, reduce as rxReduce } from 'rxjs';
import { consume, map as siMap } from 'streaming-iterables';
import type { Scenario } from '../harness.js';
import { countingIterable, nodeRange, WEB_HWM, webRange } from '../peers.js';

const EVERY = 100;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function slowConsumer(n: number): Scenario {
  return {
    name: 'slowConsumer',
    description: `range 1..N → a consumer that sleeps 1 ms every ${EVERY} elements (sum); peak heap`,
    elements: n,
    measureHeap: true,
    contenders: [
      {
        name: 'loop',
        note: 'plain for loop awaiting the sleep: nothing is ever buffered',
        run: async () => {
          let sum = 0;
          for (let i = 1; i <= n; i++) {
            sum += i;
            if (i % EVERY === 0) await sleep(1);
          }
          return sum;
        },
      },
      {
        name: 'tributary',
        note: 'Source.range → Sink.foreachAsync(1, consumer)',
        run: async () => {
          let sum = 0;
          await Source.range(1, n).runWith(
            Sink.foreachAsync(1, (x: number) => {
              sum += x;
              return x % EVERY === 0 ? sleep(1) : undefined;
            }),
          );
          return sum;
        },
      },
      {
        name: 'tributary-async',
        note: 'Source.range.async() → Sink.foreachAsync(1, consumer): the producer in its own island',
        run: async () => {
          let sum = 0;
          await Source.range(1, n)
            .async()
            .runWith(
              Sink.foreachAsync(1, (x: number) => {
                sum += x;
                return x % EVERY === 0 ? sleep(1) : undefined;
              }),
            );
          return sum;
        },
      },
      {
        name: 'rxjs',
        note: 'range → concatMap(consumer) → reduce: range emits synchronously, concatMap buffers what waits',
        run: () =>
          lastValueFrom(
            rxRange(1, n).pipe(
              concatMap((x) => (x % EVERY === 0 ? rxFrom(sleep(1).then(() => x)) : rxOf(x))),
              rxReduce((a, x) => a + x, 0),
            ),
          ),
      },
      {
        name: 'node-streams',
        note: 'pipeline(counting Readable, Writable whose write waits 1 ms every 100), objectMode, highWaterMark 16',
        run: async () => {
          let sum = 0;
          await pipeline(
            nodeRange(1, n),
            new Writable({
              objectMode: true,
              write(x: number, _enc, cb) {
                sum += x;
                if (x % EVERY === 0) setTimeout(cb, 1);
                else cb();
              },
            }),
          );
          return sum;
        },
      },
      {
        name: 'web-streams',
        note: `counting ReadableStream → WritableStream whose write waits 1 ms every 100, highWaterMark ${WEB_HWM}`,
        run: async () => {
          let sum = 0;
          await webRange(1, n).pipeTo(
            new WritableStream<number>(
              {
                write(x) {
                  sum += x;
                  return x % EVERY === 0 ? sleep(1) : undefined;
                },
              },
              new CountQueuingStrategy({ highWaterMark: WEB_HWM }),
            ),
          );
          return sum;
        },
      },
      {
        name: 'streaming-iterables',
        note: 'consume(map(consumer, counting iterable)): pull-based, one element at a time',
        run: async () => {
          let sum = 0;
          await consume(
            siMap(
              async (x: number) => {
                sum += x;
                if (x % EVERY === 0) await sleep(1);
              },
              countingIterable(1, n),
            ),
          );
          return sum;
        },
      },
      {
        name: 'effect',
        note: 'Stream.range → Stream.runForEach(consumer) (chunks of 4096)',
        run: async () => {
          let sum = 0;
          await Effect.runPromise(
            Stream.range(1, n).pipe(
              Stream.runForEach((x) => {
                sum += x;
                return x % EVERY === 0 ? Effect.promise(() => sleep(1)) : Effect.void;
              }),
            ),
          );
          return sum;
        },
      },
    ],
  };
}
