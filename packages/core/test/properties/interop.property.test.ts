/**
 * Properties of the interop bridges. Law, for every bridge B (a round trip out of Tributary and back,
 * or a one-way bridge into an external consumer), under random consumer speeds and random buffer
 * sizes:
 *
 * - a stream of `xs` that completes arrives as exactly `xs`, in order, then completes;
 * - a stream of `xs` that then fails with `e` arrives as a prefix of `xs`, in order, then fails with
 *   that very `e` (Reactive Streams and Node let a failure overtake buffered elements, so only a
 *   prefix is promised);
 * - afterwards every island of the run has stopped (nothing is left running or holding resources).
 */
import { PassThrough, Writable } from 'node:stream';
import { Attributes, Flow, Materializer, Sink, Source, StreamConverters } from '@tributary/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = 25;
const TIMEOUT = 60_000;

type Pace = 0 | 1 | 2 | 3;
/** 0: no pause, 1: a microtask, 2: a macrotask (setImmediate), 3: a 1 ms timer. */
const paceArb: fc.Arbitrary<Pace[]> = fc.array(fc.constantFrom<Pace>(0, 1, 2, 3), { minLength: 1, maxLength: 8 });

function pause(p: Pace): Promise<void> | undefined {
  if (p === 0) return undefined;
  if (p === 1) return Promise.resolve();
  if (p === 2) return new Promise((r) => setImmediate(r));
  return new Promise((r) => setTimeout(r, 1));
}

const inputArb = fc.record({
  xs: fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 20 }),
  fails: fc.boolean(),
  paces: paceArb,
  buffer: fc.constantFrom(1, 2, 4, 16),
});

/** `xs`, then completion or (if `error` is given) failure. */
function inputSource(xs: readonly number[], error: Error | undefined): Source<number> {
  if (error === undefined) return Source.from(xs);
  return Source.from({
    *[Symbol.iterator]() {
      yield* xs;
      throw error;
    },
  });
}

interface Outcome {
  readonly elements: number[];
  readonly error: unknown;
  readonly failed: boolean;
}

/** Consumes with `for await`, pausing between elements according to `paces` (cycled). */
async function consumeSlowly(it: AsyncIterable<number>, paces: readonly Pace[]): Promise<Outcome> {
  const elements: number[] = [];
  let i = 0;
  try {
    for await (const x of it) {
      elements.push(x);
      const p = pause(paces[i++ % paces.length]!);
      if (p !== undefined) await p;
    }
    return { elements, error: undefined, failed: false };
  } catch (error) {
    return { elements, error, failed: true };
  }
}

function checkLaw(out: Outcome, xs: readonly number[], error: Error | undefined): void {
  if (error === undefined) {
    expect(out.failed).toBe(false);
    expect(out.elements).toEqual(xs);
  } else {
    expect(out.failed).toBe(true);
    expect(out.error).toBe(error);
    expect(out.elements).toEqual(xs.slice(0, out.elements.length));
  }
}

async function allStopped(mat: Materializer): Promise<void> {
  for (let i = 0; i < 200 && mat.runningIslands > 0; i++) await new Promise((r) => setImmediate(r));
  expect(mat.runningIslands).toBe(0);
}

/** A round trip: the stream leaves Tributary through one bridge and comes back through another. */
type RoundTrip = (src: Source<number>, mat: Materializer, buffer: number) => Source<number>;

const roundTrips: Record<string, RoundTrip> = {
  'Sink.asPublisher(false) → Source.fromPublisher': (src, mat, b) =>
    Source.fromPublisher(src.runWith(Sink.asPublisher<number>(false).withAttributes(Attributes.inputBuffer(b, b)), mat)),
  'Sink.asPublisher(true) → Source.fromPublisher': (src, mat, b) =>
    Source.fromPublisher(src.runWith(Sink.asPublisher<number>(true).withAttributes(Attributes.inputBuffer(b, b)), mat)).withAttributes(
      Attributes.inputBuffer(b, b),
    ),
  'Sink.fromSubscriber → Source.asSubscriber': (src, mat, b) =>
    Source.asSubscriber<number>()
      .withAttributes(Attributes.inputBuffer(b, b))
      .mapMaterializedValue((subscriber) => src.runWith(Sink.fromSubscriber(subscriber), mat)),
  'Flow.toProcessor': (src, mat, b) => {
    const processor = Flow.create<number>()
      .map((x) => x)
      .toProcessor({ bufferSize: b })
      .run(mat);
    src.runWith(Sink.fromSubscriber(processor), mat);
    return Source.fromPublisher(processor);
  },
  'Sink.asAsyncIterable → Source.from': (src, mat) => Source.from(src.runWith(Sink.asAsyncIterable<number>(), mat)),
  'asReadable (object mode) → fromReadable': (src, mat, b) =>
    StreamConverters.fromReadable<number>(() => src.runWith(StreamConverters.asReadable<number>({ objectMode: true, highWaterMark: b }), mat)),
  'fromDuplex(PassThrough)': (src, _mat, b) =>
    src.via(StreamConverters.fromDuplex<number, number>(() => new PassThrough({ objectMode: true, highWaterMark: b }))),
  'asReadableStream → fromReadableStream': (src, mat, b) =>
    StreamConverters.fromReadableStream<number>(() => src.runWith(StreamConverters.asReadableStream<number>({ highWaterMark: b }), mat)),
};

describe('interop bridges: round trips preserve elements, order, completion and errors', () => {
  for (const [name, roundTrip] of Object.entries(roundTrips)) {
    it(
      name,
      async () => {
        await fc.assert(
          fc.asyncProperty(inputArb, async ({ xs, fails, paces, buffer }) => {
            const mat = new Materializer({ logger: null });
            const error = fails ? new Error('input failed') : undefined;
            const out = await consumeSlowly(roundTrip(inputSource(xs, error), mat, buffer).runWith(Sink.asAsyncIterable<number>(), mat), paces);
            checkLaw(out, xs, error);
            await allStopped(mat);
          }),
          { numRuns: RUNS },
        );
      },
      TIMEOUT,
    );
  }

  it(
    'asReadable (byte mode) → fromReadable preserves the bytes',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.uint8Array({ minLength: 1, maxLength: 8 }), { maxLength: 15 }),
          paceArb,
          fc.constantFrom(1, 4, 64),
          async (chunks, paces, hwm) => {
            const mat = new Materializer({ logger: null });
            const readable = Source.from(chunks).runWith(StreamConverters.asReadable<Uint8Array>({ highWaterMark: hwm }), mat);
            const got: Buffer[] = [];
            let i = 0;
            for await (const chunk of StreamConverters.fromReadable<Buffer>(() => readable).runWith(Sink.asAsyncIterable<Buffer>(), mat)) {
              got.push(chunk);
              await pause(paces[i++ % paces.length]!);
            }
            expect(Buffer.concat(got)).toEqual(Buffer.concat(chunks.map((c) => Buffer.from(c))));
            await allStopped(mat);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'fromWritable into a slow Writable',
    async () => {
      await fc.assert(
        fc.asyncProperty(inputArb, async ({ xs, fails, paces, buffer }) => {
          const mat = new Materializer({ logger: null });
          const error = fails ? new Error('input failed') : undefined;
          const got: number[] = [];
          let i = 0;
          const writable = new Writable({
            objectMode: true,
            highWaterMark: buffer,
            write(x: number, _enc, cb) {
              got.push(x);
              const p = pause(paces[i++ % paces.length]!);
              if (p === undefined) cb();
              else void p.then(() => cb());
            },
          });
          writable.on('error', () => {});
          const done = inputSource(xs, error).runWith(
            StreamConverters.fromWritable<number>(() => writable),
            mat,
          );
          const outcome: Outcome = await done.then(
            () => ({ elements: got, error: undefined, failed: false }),
            (e: unknown) => ({ elements: got, error: e, failed: true }),
          );
          checkLaw(outcome, xs, error);
          await allStopped(mat);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'fromWritableStream into a slow WritableStream',
    async () => {
      await fc.assert(
        fc.asyncProperty(inputArb, async ({ xs, fails, paces, buffer }) => {
          const mat = new Materializer({ logger: null });
          const error = fails ? new Error('input failed') : undefined;
          const got: number[] = [];
          let i = 0;
          const ws = new WritableStream<number>(
            {
              write(x) {
                got.push(x);
                return pause(paces[i++ % paces.length]!);
              },
            },
            { highWaterMark: buffer },
          );
          const outcome: Outcome = await inputSource(xs, error)
            .runWith(
              StreamConverters.fromWritableStream<number>(() => ws),
              mat,
            )
            .then(
              () => ({ elements: got, error: undefined, failed: false }),
              (e: unknown) => ({ elements: got, error: e, failed: true }),
            );
          checkLaw(outcome, xs, error);
          await allStopped(mat);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
