/**
 * Array oracles: for each operator, the plain array function it generalises. They are written from the
 * documented rules (FlowOps.ts), never from the operator implementations, so a property comparing a
 * stream against them can catch a misreading of the contract on either side.
 */

/** `collect`: map, then drop what the partial function left undefined. */
export function collectOracle<A, B>(xs: readonly A[], pf: (x: A) => B | undefined): B[] {
  return xs.map(pf).filter((y): y is B => y !== undefined);
}

/** `scan`: zero, then every prefix fold (an empty input gives just zero). */
export function scanOracle<A, S>(xs: readonly A[], zero: S, f: (acc: S, x: A) => S): S[] {
  const out: S[] = [zero];
  let acc = zero;
  for (const x of xs) {
    acc = f(acc, x);
    out.push(acc);
  }
  return out;
}

/** `fold`: exactly one element, Array.reduce with an initial value. */
export function foldOracle<A, S>(xs: readonly A[], zero: S, f: (acc: S, x: A) => S): S[] {
  return [xs.reduce(f, zero)];
}

/** `reduce`: Array.reduce without an initial value; on an empty input the stream fails (returns 'fails'). */
export function reduceOracle<A>(xs: readonly A[], f: (acc: A, x: A) => A): A[] | 'fails' {
  return xs.length === 0 ? 'fails' : [xs.reduce(f)];
}

/** `takeWhile(p, inclusive)`: the longest prefix where p holds, plus the first failing element if inclusive. */
export function takeWhileOracle<A>(xs: readonly A[], p: (x: A) => boolean, inclusive: boolean): A[] {
  const out: A[] = [];
  for (const x of xs) {
    if (p(x)) {
      out.push(x);
    } else {
      if (inclusive) out.push(x);
      break;
    }
  }
  return out;
}

/** `dropWhile(p)`: everything from the first element where p fails. */
export function dropWhileOracle<A>(xs: readonly A[], p: (x: A) => boolean): A[] {
  let i = 0;
  while (i < xs.length && p(xs[i]!)) i++;
  return xs.slice(i);
}

/** `grouped(n)`: consecutive chunks of n; the last may be shorter; none for an empty input. */
export function groupedOracle<A>(xs: readonly A[], n: number): A[][] {
  const out: A[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * `sliding(n, step)`: windows start at 0, step, 2·step, …; every full window is emitted; at the end a
 * shorter window (from the next start to the end) is emitted only if it holds elements that no earlier
 * window held.
 */
export function slidingOracle<A>(xs: readonly A[], n: number, step: number): A[][] {
  const out: A[][] = [];
  let start = 0;
  let covered = 0; // elements [0, covered) were in some emitted window
  for (; start + n <= xs.length; start += step) {
    out.push(xs.slice(start, start + n));
    covered = start + n;
  }
  if (start < xs.length && xs.length > covered) out.push(xs.slice(start));
  return out;
}

/** `zipWithIndex`: map((x, i) => [x, i]). */
export function zipWithIndexOracle<A>(xs: readonly A[]): [A, number][] {
  return xs.map((x, i) => [x, i]);
}

/** `intersperse(inject)`: inject between elements. */
export function intersperseOracle<A>(xs: readonly A[], inject: A): A[] {
  return xs.flatMap((x, i) => (i === 0 ? [x] : [inject, x]));
}

/** `intersperse(start, inject, end)`: start, elements separated by inject, end — start/end also for an empty input. */
export function intersperse3Oracle<A>(xs: readonly A[], start: A, inject: A, end: A): A[] {
  return [start, ...intersperseOracle(xs, inject), end];
}

/** `statefulMap(create, f, onComplete)`: a running-state map plus an optional final element. */
export function statefulMapOracle<S, A, B>(xs: readonly A[], create: () => S, f: (s: S, x: A) => readonly [S, B], onComplete: (s: S) => B | undefined): B[] {
  let s = create();
  const out: B[] = [];
  for (const x of xs) {
    const [next, y] = f(s, x);
    s = next;
    out.push(y);
  }
  const last = onComplete(s);
  if (last !== undefined) out.push(last);
  return out;
}

/** `Source.range(start, endInclusive, step)`: start, start+step, … up to and including end (step may be negative). */
export function rangeOracle(start: number, end: number, step = 1): number[] {
  const out: number[] = [];
  for (let x = start; step > 0 ? x <= end : x >= end; x += step) out.push(x);
  return out;
}

/** x mod m, always in [0, m). */
export function mod(x: number, m: number): number {
  return ((x % m) + m) % m;
}
