/**
 * The seed talk's graph: factorials as a running product, printed as they come.
 *
 *   Source.range(1, n) ──scan(1n, ×)──▶ factorials ──▶ Sink.foreach(print)
 */
import { Keep, type Materializer, Sink, Source } from '@tributary/core';

/** 0!, 1!, 2!, … n! as BigInts (scan emits its zero first). */
export function factorials(n: number): Source<bigint> {
  return Source.range(1, n).scan(1n, (acc, i) => acc * BigInt(i));
}

/**
 * The seed talk's second graph: factorials zipped with a second source (the indices), rendered as
 * lines and throttled to `perSecond` lines per second. Back-pressure from the throttle reaches both
 * zipped sources: nothing is computed faster than it is printed.
 */
export function throttledFactorialLines(n: number, perSecond: number): Source<string> {
  return factorials(n)
    .zip(Source.range(0, n))
    .map(([f, i]) => `${i}! = ${f}`)
    .throttle(perSecond, 1000);
}

/** Prints `n! = …` lines for 0..n through `print`; resolves when the stream completes. */
export function printFactorials(n: number, print: (line: string) => void, materializer?: Materializer): Promise<void> {
  return factorials(n)
    .zipWithIndex()
    .map(([f, i]) => `${i}! = ${f}`)
    .toMat(Sink.foreach(print), Keep.right)
    .run(materializer);
}
