import type { NotUsed } from '../stage/GraphStage.js';

/** Combiners for materialized values in `viaMat`, `toMat`, and friends. */
export const Keep = {
  /** Keeps the left (upstream) value. */
  left: <L, R>(l: L, _r: R): L => l,
  /** Keeps the right (downstream) value. */
  right: <L, R>(_l: L, r: R): R => r,
  /** Keeps both as a pair. */
  both: <L, R>(l: L, r: R): [L, R] => [l, r],
  /** Keeps neither. */
  none: <L, R>(_l: L, _r: R): NotUsed => undefined,
} as const;
