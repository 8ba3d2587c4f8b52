/**
 * Properties of the RxJS bridges:
 * - round trip `fromObservable(toObservable(source), n, fail)` with a buffer that holds the whole
 *   input preserves elements, order, completion and errors, whatever the consumer's pace;
 * - on a synchronous burst into a small buffer, each overflow strategy keeps exactly what an array
 *   model of that strategy keeps (nothing else is dropped, nothing is duplicated).
 */

import { Materializer, Sink, Source } from '@tributary/core';
import { fromObservable, type ObservableOverflowStrategy, OverflowStrategy, toObservable } from '@tributary/rxjs';
import fc from 'fast-check';
import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';

const RUNS = 40;

function pause(p: number): Promise<void> | undefined {
  if (p === 0) return undefined;
  if (p === 1) return Promise.resolve();
  return new Promise((r) => setImmediate(r));
}

describe('@tributary/rxjs properties', () => {
  it('round trip through an Observable preserves elements, order, completion and errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer(), { maxLength: 30 }),
        fc.boolean(),
        fc.array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 5 }),
        async (xs, fails, paces) => {
          const mat = new Materializer({ logger: null });
          const error = new Error('input failed');
          const src = fails
            ? Source.from({
                *[Symbol.iterator]() {
                  yield* xs;
                  throw error;
                },
              })
            : Source.from(xs);
          const got: number[] = [];
          let failure: unknown;
          let i = 0;
          try {
            for await (const x of fromObservable(toObservable(src, mat), xs.length + 1, OverflowStrategy.fail).runWith(Sink.asAsyncIterable<number>(), mat)) {
              got.push(x);
              await pause(paces[i++ % paces.length]!);
            }
          } catch (e) {
            failure = e;
          }
          expect(got).toEqual(xs); // the buffer holds everything: even on failure nothing is lost
          expect(failure).toBe(fails ? error : undefined);
        },
      ),
      { numRuns: RUNS },
    );
  });

  /** The array model: what a buffer of `size` holds after `xs` arrived with nobody reading. */
  function model(xs: readonly number[], size: number, strategy: ObservableOverflowStrategy): number[] | 'overflow' {
    const buf: number[] = [];
    for (const x of xs) {
      if (buf.length === size) {
        if (strategy === 'fail') return 'overflow';
        if (strategy === 'dropNew') continue;
        if (strategy === 'dropHead') buf.shift();
        else if (strategy === 'dropTail') buf.pop();
        else buf.length = 0;
      }
      buf.push(x);
    }
    return buf;
  }

  it('overflow strategies match their array model', async () => {
    const strategies: ObservableOverflowStrategy[] = ['dropHead', 'dropTail', 'dropBuffer', 'dropNew', 'fail'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer(), { maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(...strategies),
        async (xs, size, strategy) => {
          const burst = new Observable<number>((s) => {
            for (const x of xs) s.next(x);
            s.complete();
          });
          const expected = model(xs, size, strategy);
          const run = fromObservable(burst, size, strategy).runWith(Sink.seq(), new Materializer({ logger: null }));
          if (expected === 'overflow') await expect(run).rejects.toMatchObject({ name: 'BufferOverflowError' });
          else expect(await run).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
