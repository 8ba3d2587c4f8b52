import { Expand, type IterableOrIterator } from './expand.js';
import { requireFunction } from './validate.js';

/**
 * `extrapolate(extrapolator, initial?)`: like `expand`, but every upstream element is emitted as it is
 * first, and only then (while upstream is slower than downstream) the values of `extrapolator(element)`.
 * The extrapolator is called only when downstream asks for more than the element itself. With `initial`,
 * that element is emitted (and extrapolated) before upstream's first element arrives.
 */
export class Extrapolate<T> extends Expand<T, T> {
  constructor(extrapolator: (x: T) => IterableOrIterator<T>, initial: T | typeof Expand.None = Expand.None) {
    requireFunction('extrapolate', 'extrapolator', extrapolator);
    super((x: T) => new ExtrapolateIterator(x, extrapolator), initial, 'extrapolate');
  }
}

/** Yields the element, then (lazily, on the next `next()`) the values of `extrapolator(element)`. */
class ExtrapolateIterator<T> implements Iterator<T> {
  private first = true;
  private rest: Iterator<T> | null = null;
  constructor(
    private readonly element: T,
    private readonly extrapolator: (x: T) => IterableOrIterator<T>,
  ) {}
  next(): IteratorResult<T> {
    if (this.first) {
      this.first = false;
      return { value: this.element, done: false };
    }
    if (this.rest === null) {
      const r = this.extrapolator(this.element);
      this.rest = typeof (r as Iterable<T>)?.[Symbol.iterator] === 'function' ? (r as Iterable<T>)[Symbol.iterator]() : (r as Iterator<T>);
    }
    return this.rest.next();
  }
  return(): IteratorResult<T> {
    this.rest?.return?.();
    return { value: undefined, done: true };
  }
}
