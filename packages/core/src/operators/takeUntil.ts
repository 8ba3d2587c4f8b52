import { TakeWhile } from './takeWhile.js';
import { requireFunction } from './validate.js';

/**
 * `takeUntil(p)` (Reactor's semantics): passes elements up to and including the first one for which
 * `p` holds, then completes and cancels upstream. It is `takeWhile((x) => !p(x), true)` under its own
 * name, so errors and snapshots say `takeUntil`. Supervision: `resume`/`restart` drop the element on
 * which `p` threw and go on.
 */
export function takeUntil<T>(p: (x: T) => boolean): TakeWhile<T> {
  requireFunction('takeUntil', 'predicate', p);
  return new TakeWhile<T>((x) => !p(x), true, 'takeUntil');
}
