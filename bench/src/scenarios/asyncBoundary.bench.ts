/**
 * asyncBoundary: the integers 1..N summed across one asynchronous hand-over: elements per second
 * through a single `.async()` boundary (Tributary: two islands, a bounded buffer between them, demand
 * re-requested in batches of half the buffer), next to the same pipeline without a boundary and the
 * nearest equivalents of the peers (one buffered hop between two parts of a pipeline).
 *
 * rxjs is not in this table: its only way to hand elements over asynchronously is `observeOn`, which
 * schedules every element as its own task, without back-pressure (about 40 µs per element here, so a
 * run of 1e6 takes most of a minute).
 */

import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Attributes, Sink, Source } from '@tributary/core';
import type { Scenario } from '../harness.js';
import { nodeFold, nodeRange, WEB_HWM, webFold, webRange } from '../peers.js';

const add = (a: number, x: number): number => a + x;

export function asyncBoundary(n: number): Scenario {
  return {
    name: 'asyncBoundary',
    description: 'range 1..N → one asynchronous boundary → sum',
    elements: n,
    contenders: [
      {
        name: 'loop',
        note: 'plain for loop (no hand-over at all)',
        run: () => {
          let sum = 0;
          for (let i = 1; i <= n; i++) sum += i;
          return sum;
        },
      },
      {
        name: 'tributary-fused',
        note: 'Source.range → Sink.fold, one island (no boundary): the reference',
        run: () => Source.range(1, n).runWith(Sink.fold(0, add)),
      },
      {
        name: 'tributary',
        note: 'Source.range.async() → Sink.fold: one boundary, default input buffer 16',
        run: () => Source.range(1, n).async().runWith(Sink.fold(0, add)),
      },
      {
        name: 'tributary-256',
        note: 'the same with Attributes.inputBuffer(256, 256)',
        run: () =>
          Source.range(1, n)
            .async()
            .runWith(Sink.fold(0, add).withAttributes(Attributes.inputBuffer(256, 256))),
      },
      {
        name: 'node-streams',
        note: 'pipeline(counting Readable, PassThrough, Writable), objectMode, highWaterMark 16',
        run: async () => {
          const sink = nodeFold(0, add);
          await pipeline(nodeRange(1, n), new PassThrough({ objectMode: true }), sink);
          return sink.value;
        },
      },
      {
        name: 'web-streams',
        note: `counting ReadableStream → identity TransformStream → WritableStream, highWaterMark ${WEB_HWM}`,
        run: () =>
          webFold(
            webRange(1, n).pipeThrough(
              new TransformStream<number, number>(
                undefined,
                new CountQueuingStrategy({ highWaterMark: WEB_HWM }),
                new CountQueuingStrategy({ highWaterMark: WEB_HWM }),
              ),
            ),
            0,
            add,
          ),
      },
    ],
  };
}
