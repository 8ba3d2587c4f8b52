/**
 * The seed talk's graph: factorials as a running product, printed as they come.
 *
 *   Source.range(1, n) ──scan(1n, ×)──▶ factorials ──▶ Sink.foreach(print)
 */
import { Keep, Materializer, Sink, Source } from '@tributary/core';

/** 0!, 1!, 2!, … n! as BigInts (scan emits its zero first). */
export function factorials(n: number): Source<bigint> {
  return Source.range(1, n).scan(1n, (acc, i) => acc * BigInt(i));
}

/** Prints `n! = …` lines for 0..n through `print`; resolves when the stream completes. */
export function printFactorials(n: number, print: (line: string) => void, materializer?: Materializer): Promise<void> {
  return factorials(n)
    .zipWithIndex()
    .map(([f, i]) => `${i}! = ${f}`)
    .toMat(Sink.foreach(print), Keep.right)
    .run(materializer);
}
