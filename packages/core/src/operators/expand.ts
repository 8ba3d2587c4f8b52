import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { describe, requireFunction } from './validate.js';

export type IterableOrIterator<T> = Iterable<T> | Iterator<T>;

const None: unique symbol = Symbol('None');

/**
 * `expand(f)`: lets a faster downstream run ahead of a slower upstream. Each element is turned into an
 * iterator with `f`; while no new element has arrived, every pull of downstream takes the next value of
 * the current iterator. A new element replaces the iterator (the old one is closed). Upstream is pulled
 * as soon as the first value of an iterator has gone out, so upstream elements take priority.
 * Supervision, as in Pekko: when `f` throws, `resume` drops the element and keeps extrapolating the
 * current iterator, `restart` drops the element and discards the current iterator; when the iterator
 * throws, both drop the rest of it.
 */
export class Expand<I, O> extends FlowStage<I, O> {
  constructor(
    readonly f: (x: I) => IterableOrIterator<O>,
    /** Pretend this element arrived first (extrapolate's `initial`); `None` for none. */
    readonly initial: I | typeof None = None,
    name = 'expand',
  ) {
    super(name);
    requireFunction(name, 'f', f);
  }
  static readonly None: typeof None = None;
  createLogic(attributes: Attributes): GraphStageLogic {
    return new ExpandLogic(this, attributes.supervisionDecider);
  }
}

class ExpandLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private iter: Iterator<O> | null = null;
  /** The iterator's next value, read ahead lazily (only when the stage needs to know whether there is one). */
  private peeked: O | typeof None = None;
  /** The first value of the current iterator has gone out (upstream has been pulled for the next element). */
  private expanded = false;

  constructor(
    private readonly stage: Expand<I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    const s = this.stage;
    if (s.initial !== None) {
      // As if `initial` had been pushed before any real element: upstream is pulled once it went out.
      if (!this.startIterator(s.initial) && !this.isClosed(s.out)) this.pull(s.in);
    } else {
      this.pull(s.in);
    }
  }

  /** Replaces the iterator with one for `x`; false if `f` failed (and supervision handled it). */
  private startIterator(x: I): boolean {
    let r: IterableOrIterator<O>;
    try {
      r = this.stage.f(x);
      const it = typeof (r as Iterable<O>)?.[Symbol.iterator] === 'function' ? (r as Iterable<O>)[Symbol.iterator]() : r;
      if (it === null || typeof it !== 'object' || typeof (it as Iterator<O>).next !== 'function') {
        throw new TypeError(`${this.stageName}: the function must return an iterable or an iterator, got ${describe(r)}`);
      }
      this.closeIterator();
      this.iter = it as Iterator<O>;
      this.expanded = false;
      return true;
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') this.failStage(e);
      // resume keeps extrapolating the current iterator; restart discards it (Pekko).
      else if (d === 'restart') this.closeIterator();
      return false;
    }
  }

  private hasNext(): boolean {
    if (this.peeked !== None) return true;
    const it = this.iter;
    if (it === null) return false;
    try {
      const r = it.next();
      if (r.done === true) {
        this.iter = null;
        return false;
      }
      this.peeked = r.value;
      return true;
    } catch (e) {
      this.iter = null;
      if (decide(this.decider, e) === 'stop') this.failStage(e);
      return false;
    }
  }

  private next(): O {
    const v = this.peeked as O;
    this.peeked = None;
    return v;
  }

  private closeIterator(): void {
    const it = this.iter;
    this.iter = null;
    this.peeked = None;
    if (it !== null && typeof it.return === 'function') {
      try {
        it.return();
      } catch {
        // closing an abandoned iterator must not fail the stream
      }
    }
  }

  onPush(): void {
    const s = this.stage;
    const started = this.startIterator(this.grab(s.in));
    if (this.isClosed(s.out)) return;
    if (!started) {
      this.pull(s.in);
    } else if (this.hasNext()) {
      if (this.isAvailable(s.out)) {
        this.expanded = true;
        this.pull(s.in);
        this.push(s.out, this.next());
      }
    } else if (!this.isClosed(s.out)) {
      this.pull(s.in);
    }
  }

  onPull(): void {
    const s = this.stage;
    if (!this.hasNext()) {
      // Nothing to extrapolate: the iterator is exhausted, or it threw and supervision dropped it.
      if (this.isClosed(s.out)) return; // it threw and the stage failed
      if (this.isClosed(s.in)) this.completeStage();
      else if (!this.hasBeenPulled(s.in)) this.pull(s.in);
      return;
    }
    if (this.expanded) {
      this.push(s.out, this.next());
      return;
    }
    this.expanded = true;
    if (this.isClosed(s.in)) {
      this.push(s.out, this.next());
      this.completeStage();
    } else {
      // Pull first, so a waiting upstream element wins over the extrapolated ones.
      if (!this.hasBeenPulled(s.in)) this.pull(s.in);
      this.push(s.out, this.next());
    }
  }

  onUpstreamFinish(): void {
    if (this.expanded === false && this.hasNext()) return; // the first value still has to go out
    if (!this.isClosed(this.stage.out)) this.completeStage();
  }

  override postStop(): void {
    this.closeIterator();
  }
}
