/**
 * Array oracles for the round-two operators, written from their documented rules (roundTwoOps.ts),
 * not from the implementations.
 */

/** `takeUntil(p)`: everything up to and including the first element where p holds. */
export function takeUntilOracle<A>(xs: readonly A[], p: (x: A) => boolean): A[] {
  const i = xs.findIndex(p);
  return i < 0 ? [...xs] : xs.slice(0, i + 1);
}

/** `groupedWeighted(min, cost)`: close a group as soon as its total cost reaches min; the rest is the last group. */
export function groupedWeightedOracle<A>(xs: readonly A[], min: number, cost: (x: A) => number): A[][] {
  const out: A[][] = [];
  let group: A[] = [];
  let w = 0;
  for (const x of xs) {
    group.push(x);
    w += cost(x);
    if (w >= min) {
      out.push(group);
      group = [];
      w = 0;
    }
  }
  if (group.length > 0) out.push(group);
  return out;
}

/**
 * `groupedAdjacentByWeighted(key, max, cost)`: a new group starts at an element whose key differs from
 * the group's, or whose cost would take the group above max (a group always takes its first element).
 * `groupedAdjacentBy(key)` is the same with max = Infinity.
 */
export function groupedAdjacentByOracle<A, K>(xs: readonly A[], key: (x: A) => K, max = Infinity, cost: (x: A) => number = () => 1): A[][] {
  const out: A[][] = [];
  let group: A[] = [];
  let k: K | undefined;
  let w = 0;
  for (const x of xs) {
    const kx = key(x);
    const c = cost(x);
    const sameKey = kx === k || (kx !== kx && k !== k);
    if (group.length > 0 && (!sameKey || w + c > max)) {
      out.push(group);
      group = [];
      w = 0;
    }
    if (group.length === 0) k = kx;
    group.push(x);
    w += c;
  }
  if (group.length > 0) out.push(group);
  return out;
}

/** `aggregateWithBoundary` with array aggregates that complete at a total ≥ limit (no timer): groups by running sum. */
export function sumBoundaryOracle(xs: readonly number[], limit: number): number[][] {
  return groupedWeightedOracle(xs, limit, (x) => Math.abs(x));
}
