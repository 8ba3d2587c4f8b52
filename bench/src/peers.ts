/**
 * Small building blocks for the peers that lack them, shared by the scenarios so every scenario
 * builds each peer the same way:
 *
 * - integer range sources for @most/core, Node streams and WHATWG streams (none has a `range`):
 *   generator-free counters, like `Source.range`, rxjs `range` and effect `Stream.range`, so no
 *   contender iterates a prebuilt array unless its name says so;
 * - a `reduce` for @most/core (which has none): a plain sink, like most 1.x's `reduce`;
 * - one-stage Node `Transform`s / WHATWG `TransformStream`s and folding sinks.
 */

import { Readable, Transform, Writable } from 'node:stream';
import { newStream } from '@most/core';
import { asap, newDefaultScheduler } from '@most/scheduler';

// ---------------------------------------------------------------------------------------------------
// A counting iterable (no generator): what a hand-written `range` iterator costs.

export function countingIterable(start: number, end: number): Iterable<number> {
  return {
    [Symbol.iterator](): Iterator<number> {
      let next = start;
      return {
        next: (): IteratorResult<number> => (next <= end ? { value: next++, done: false } : { value: undefined, done: true }),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// @most/core

export type MostStream<A> = ReturnType<typeof newStream<A>>;

/** The scheduler every most run uses (like Tributary's `Materializer.default`). */
export const mostScheduler = newDefaultScheduler();

/** `start..end` (inclusive), emitted in one scheduled task, checking for disposal per element. */
export function mostRange(start: number, end: number): MostStream<number> {
  return newStream<number>((sink, scheduler) => {
    const task = {
      active: true,
      run(t: number): void {
        for (let i = start; i <= end && task.active; i++) sink.event(t, i);
        if (task.active) sink.end(t);
      },
      error(t: number, e: Error): void {
        sink.error(t, e);
      },
      dispose(): void {
        task.active = false;
      },
    };
    return asap(task, scheduler);
  });
}

/** Folds a most stream: resolves with the final accumulator when the stream ends. */
export function mostReduce<A, B>(f: (acc: B, a: A) => B, seed: B, stream: MostStream<A>): Promise<B> {
  return new Promise<B>((resolve, reject) => {
    let acc = seed;
    let done = false;
    const disposable = stream.run(
      {
        event(_t, a) {
          acc = f(acc, a);
        },
        end() {
          if (done) return;
          done = true;
          disposable.dispose();
          resolve(acc);
        },
        error(_t, e) {
          if (done) return;
          done = true;
          disposable.dispose();
          reject(e);
        },
      },
      mostScheduler,
    );
  });
}

// ---------------------------------------------------------------------------------------------------
// Node object-mode streams (default object-mode highWaterMark: 16)

/** `start..end` (inclusive): pushes until the buffer is full, then waits for the next `read()`. */
export function nodeRange(start: number, end: number): Readable {
  let next = start;
  return new Readable({
    objectMode: true,
    read() {
      while (next <= end) if (!this.push(next++)) return;
      this.push(null);
    },
  });
}

export function nodeFilter<T>(p: (x: T) => boolean): Transform {
  return new Transform({
    objectMode: true,
    transform(chunk: T, _enc, cb) {
      if (p(chunk)) cb(null, chunk);
      else cb();
    },
  });
}

export function nodeMap<T, U>(f: (x: T) => U): Transform {
  return new Transform({
    objectMode: true,
    transform(chunk: T, _enc, cb) {
      cb(null, f(chunk));
    },
  });
}

/** Emits `seed` first, then every intermediate accumulator (Akka / most / effect `scan` semantics). */
export function nodeScan<T, S>(seed: S, f: (acc: S, x: T) => S): Transform {
  let acc = seed;
  const t = new Transform({
    objectMode: true,
    transform(chunk: T, _enc, cb) {
      acc = f(acc, chunk);
      cb(null, acc);
    },
  });
  t.push(seed);
  return t;
}

/** A folding sink; read `.value` once the pipeline has finished. */
export function nodeFold<T, S>(seed: S, f: (acc: S, x: T) => S): Writable & { readonly value: S } {
  let acc = seed;
  const w = new Writable({
    objectMode: true,
    write(chunk: T, _enc, cb) {
      acc = f(acc, chunk);
      cb();
    },
  });
  return Object.defineProperty(w, 'value', { get: () => acc }) as Writable & { readonly value: S };
}

// ---------------------------------------------------------------------------------------------------
// WHATWG streams (every queue: CountQueuingStrategy with the same highWaterMark)

export const WEB_HWM = 16;

const strategy = (): QueuingStrategy<unknown> => new CountQueuingStrategy({ highWaterMark: WEB_HWM });

/** `start..end` (inclusive): each `pull` fills the queue up to its highWaterMark. */
export function webRange(start: number, end: number): ReadableStream<number> {
  let next = start;
  return new ReadableStream<number>(
    {
      pull(controller) {
        while (next <= end && (controller.desiredSize ?? 0) > 0) controller.enqueue(next++);
        if (next > end) controller.close();
      },
    },
    strategy(),
  );
}

export function webFilter<T>(p: (x: T) => boolean): TransformStream<T, T> {
  return new TransformStream<T, T>(
    {
      transform(chunk, controller) {
        if (p(chunk)) controller.enqueue(chunk);
      },
    },
    strategy(),
    strategy(),
  );
}

export function webMap<T, U>(f: (x: T) => U): TransformStream<T, U> {
  return new TransformStream<T, U>(
    {
      transform(chunk, controller) {
        controller.enqueue(f(chunk));
      },
    },
    strategy(),
    strategy(),
  );
}

/** Emits `seed` first, then every intermediate accumulator. */
export function webScan<T, S>(seed: S, f: (acc: S, x: T) => S): TransformStream<T, S> {
  let acc = seed;
  return new TransformStream<T, S>(
    {
      start(controller) {
        controller.enqueue(seed);
      },
      transform(chunk, controller) {
        acc = f(acc, chunk);
        controller.enqueue(acc);
      },
    },
    strategy(),
    strategy(),
  );
}

/** Pipes `stream` into a folding WritableStream and resolves with the final accumulator. */
export async function webFold<T, S>(stream: ReadableStream<T>, seed: S, f: (acc: S, x: T) => S): Promise<S> {
  let acc = seed;
  await stream.pipeTo(
    new WritableStream<T>(
      {
        write(chunk) {
          acc = f(acc, chunk);
        },
      },
      strategy(),
    ),
  );
  return acc;
}
