/**
 * switch: an outer stream of `outer` elements (default 1000), each mapped to an inner stream of
 * `inner` elements (default 10,000), switching to the newest inner stream as each outer element
 * arrives — @most/core's perf suite's `switch` (10000 × 1000).
 *
 *   range 0..outer-1 → switchMap(i => range 1000·i ..1000·i+inner-1) → last element
 *
 * What a switch does here depends on each library's scheduling, so the contenders do not process the
 * same elements: rxjs subscribes synchronously and lets every inner stream run to its end (a
 * concatMap); @most/core emits the whole outer stream in one task, so every inner stream but the last
 * is disposed before it starts; Tributary keeps upstream pulled and each new outer element cancels the
 * running inner stream, after about one element. Like most's suite, this measures the overhead of the
 * switching operator, not a fixed amount of work: the result compared is the last element (the same
 * for all, since the last inner stream always runs to its end), and the report gives the number of
 * elements each contender delivered.
 */

import { map as mostMap, switchLatest as mostSwitchLatest } from '@most/core';
import { Sink, Source } from '@tributary/core';
import { lastValueFrom, range as rxRange, switchMap as rxSwitchMap, tap as rxTap } from 'rxjs';
import type { Scenario } from '../harness.js';
import { type MostStream, mostRange, mostReduce } from '../peers.js';

/** `elements` total elements if every inner stream ran to its end: 1000 inner streams of `elements / 1000` elements. */
export function switchScenario(elements: number): Scenario {
  const outer = Math.min(1000, elements);
  const inner = Math.max(1, Math.round(elements / outer));
  const first = (i: number): number => 1000 * i;
  const delivered: Record<string, number> = {};
  const count = (name: string) => {
    delivered[name] = 0;
    return (_last: number, x: number): number => {
      delivered[name]!++;
      return x;
    };
  };
  return {
    name: 'switch',
    description: `range 0..${outer - 1} → switchMap(i => range of ${inner}) → last element (${outer} × ${inner})`,
    elements: outer * inner,
    contenders: [
      {
        name: 'loop',
        note: 'the last element, computed',
        run: () => first(outer - 1) + inner - 1,
      },
      {
        name: 'tributary',
        note: 'Source.range → switchMap(i => Source.range) → Sink.fold keeping the last (default materializer)',
        run: () =>
          Source.range(0, outer - 1)
            .switchMap((i) => Source.range(first(i), first(i) + inner - 1))
            .runWith(Sink.fold(-1, count('tributary'))),
      },
      {
        name: 'rxjs',
        note: 'range → switchMap(i => range) → last, lastValueFrom (synchronous: every inner stream runs to its end)',
        run: () => {
          const f = count('rxjs');
          let last = -1;
          return lastValueFrom(
            rxRange(0, outer).pipe(
              rxSwitchMap((i) => rxRange(first(i), inner)),
              rxTap((x) => (last = f(last, x))),
            ),
          ).then(() => last);
        },
      },
      {
        name: 'most',
        note: '@most/core: switchLatest(map(i => counting source, counting source)) → folding sink keeping the last',
        run: () => {
          const inners: MostStream<MostStream<number>> = mostMap((i: number) => mostRange(first(i), first(i) + inner - 1), mostRange(0, outer - 1));
          return mostReduce(count('most'), -1, mostSwitchLatest(inners));
        },
      },
    ],
    report: () =>
      `elements delivered in the last run (of ${outer * inner} if every inner stream ran to its end): ${Object.entries(delivered)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
  };
}
