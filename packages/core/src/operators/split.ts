import type { Attributes, Decider } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { SubSourceOutlet, subscriptionTimeoutOf } from '../stage/SubSourceOutlet.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * What happens when a substream of splitWhen/splitAfter cancels: `'drain'` drops the rest of its
 * elements, `'propagate'` cancels the whole stage. Left out, it follows supervision, as in Pekko: a
 * decider that says `stop` for the cancellation cause (the default decider) propagates, `resume` or
 * `restart` drain.
 */
export type SubstreamCancelStrategy = 'drain' | 'propagate';

/**
 * The stage behind `splitWhen(p)` and `splitAfter(p)`: cuts the stream into consecutive substreams,
 * each emitted as a source on the output.
 *
 * - `when`: an element for which `p` holds starts a new substream (it is that substream's first
 *   element). The very first element always starts the first substream, without consulting `p`.
 * - `after`: an element for which `p` holds ends the current substream (it is its last element); the
 *   next element starts a new one. No empty substream is ever emitted.
 *
 * Only the current substream is fed; while it has not pulled, everything waits. When it cancels, the
 * rest of its elements are dropped until the next split (`drain`) or the whole stage cancels
 * (`propagate`); without an explicit strategy, supervision decides (Pekko): the default `stop` decider
 * propagates, `resume`/`restart` drain. A substream source that is not materialized within the
 * subscription timeout counts as cancelled with a `SubscriptionTimeoutException` (so, propagated, it
 * fails the stream with it). Supervision for `p`: resume/restart drop the element on which `p` threw.
 */
export class Split<T> extends FlowStage<T, Graph<SourceShape<T>, unknown>> {
  constructor(
    readonly decision: 'when' | 'after',
    readonly p: (x: T) => boolean,
    /** Undefined: follow supervision. */
    readonly cancelStrategy: SubstreamCancelStrategy | undefined = undefined,
  ) {
    super(decision === 'when' ? 'splitWhen' : 'splitAfter');
    requireFunction(decision === 'when' ? 'splitWhen' : 'splitAfter', 'p', p);
    if (cancelStrategy !== undefined && cancelStrategy !== 'drain' && cancelStrategy !== 'propagate') {
      throw new TypeError(
        `${decision === 'when' ? 'splitWhen' : 'splitAfter'}: substreamCancelStrategy must be 'drain' or 'propagate', got ${String(cancelStrategy)}`,
      );
    }
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new SplitLogic(this, attributes.supervisionDecider, subscriptionTimeoutOf(attributes));
  }
}

class SplitLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private current: SubSourceOutlet<T> | null = null;
  private cancelled = false;
  private waitingToBePushed = false;
  private hasFirst = false;
  private first: T | undefined = undefined;
  /** The current substream ends right after its first element (splitAfter whose opening element matched). */
  private completeAfterFirst = false;
  private ids = 0;
  constructor(
    private readonly stage: Split<T>,
    private readonly decider: Decider,
    private readonly timeoutMs: number,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  private setCurrent(sub: SubSourceOutlet<T> | null): void {
    this.current = sub;
    // A substream outlives the stage's own ports (its first element may still be undelivered).
    this.setKeepGoing(sub !== null);
  }

  onPush(): void {
    const s = this.stage;
    const elem = this.grab(s.in);
    let split: boolean;
    if (this.current === null && s.decision === 'when') {
      split = false; // the first element always opens the first substream
    } else {
      try {
        split = s.p(elem);
      } catch (e) {
        if (decide(this.decider, e) === 'stop') return this.failAll(e);
        return this.pullForCurrent();
      }
    }
    if (this.current === null) return this.openSubstream(elem, split);
    if (s.decision === 'when') {
      if (!split) return this.feed(elem);
      if (!this.cancelled) this.current.complete();
      return this.openSubstream(elem, false);
    }
    // after
    if (!split) return this.feed(elem);
    if (!this.cancelled) {
      this.current.push(elem);
      this.current.complete();
    }
    this.setCurrent(null);
    if (this.isClosed(s.out)) return this.completeStage(); // nobody takes substreams any more
    this.pull(s.in);
  }

  private feed(elem: T): void {
    if (this.cancelled)
      this.pullForCurrent(); // draining
    else this.current!.push(elem);
  }

  /** Pulls upstream again if the current substream (or draining) is waiting for an element. */
  private pullForCurrent(): void {
    const inlet = this.stage.in;
    if (this.isClosed(inlet) || this.hasBeenPulled(inlet)) return;
    if (this.current === null ? this.isAvailable(this.stage.out) : this.cancelled || this.current.isAvailable()) this.pull(inlet);
  }

  private openSubstream(first: T, completeAfterFirst: boolean): void {
    if (this.isClosed(this.stage.out)) return this.completeStage(); // nobody takes substreams any more
    const sub = new SubSourceOutlet<T>(this, `${this.stage.decision === 'when' ? 'SplitWhen' : 'SplitAfter'}.substream${++this.ids}`);
    sub.setHandler(this.substreamHandler(sub));
    this.setCurrent(sub);
    this.cancelled = false;
    this.hasFirst = true;
    this.first = first;
    this.completeAfterFirst = completeAfterFirst;
    if (this.isAvailable(this.stage.out)) this.emitSubstream();
    else this.waitingToBePushed = true;
  }

  private emitSubstream(): void {
    const sub = this.current!;
    this.waitingToBePushed = false;
    this.push(this.stage.out, sub.source);
    sub.scheduleTimeout(this.timeoutMs, (timeout) => {
      if (this.current === sub) this.substreamCancelled(timeout);
    });
  }

  private substreamHandler(sub: SubSourceOutlet<T>): OutHandler {
    return {
      onPull: () => {
        if (sub !== this.current) return;
        if (!this.hasFirst) return this.pullForCurrent();
        const first = this.first as T;
        this.hasFirst = false;
        this.first = undefined;
        sub.push(first);
        const upstreamDone = this.isClosed(this.stage.in);
        if (this.completeAfterFirst || upstreamDone) {
          sub.complete();
          this.setCurrent(null);
          if (upstreamDone || this.isClosed(this.stage.out)) this.completeStage();
          else this.pull(this.stage.in);
        }
      },
      onDownstreamFinish: (cause) => {
        if (sub === this.current) this.substreamCancelled(cause);
      },
    };
  }

  private substreamCancelled(cause: unknown): void {
    this.cancelled = true;
    this.hasFirst = false;
    this.first = undefined;
    if (this.completeAfterFirst) {
      // The substream was a single element: the next element starts a new one.
      this.setCurrent(null);
      if (this.isClosed(this.stage.in) || this.isClosed(this.stage.out)) return this.completeStage();
      return this.pullForCurrent();
    }
    if (this.propagates(cause) || this.isClosed(this.stage.in)) return this.cancelStage(cause);
    if (this.isClosed(this.stage.out) && this.waitingToBePushed) return this.cancelStage(cause);
    this.pullForCurrent(); // drain until the next split
  }

  /** Whether a substream's cancellation cancels the whole stage: as given, or as supervision decides. */
  private propagates(cause: unknown): boolean {
    const strategy = this.stage.cancelStrategy;
    if (strategy !== undefined) return strategy === 'propagate';
    return decide(this.decider, cause) === 'stop';
  }

  onPull(): void {
    if (this.current === null) this.pullForCurrent();
    else if (this.waitingToBePushed) this.emitSubstream();
  }

  onDownstreamFinish(cause: unknown): void {
    if (this.current === null || this.waitingToBePushed || this.cancelled) this.cancelStage(cause);
    // otherwise the current substream is still being fed
  }

  onUpstreamFinish(): void {
    const sub = this.current;
    if (sub === null) return this.completeStage();
    if (this.hasFirst) return; // completes once the substream took its first element
    if (!this.cancelled) sub.complete();
    this.completeStage();
  }

  onUpstreamFailure(error: unknown): void {
    this.failAll(error);
  }

  private failAll(error: unknown): void {
    if (this.current !== null && !this.cancelled) this.current.fail(error);
    this.failStage(error);
  }
}
