import type { Attributes, Decider } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { SubSourceOutlet, subscriptionTimeoutOf } from '../stage/SubSourceOutlet.js';
import { decide, FlowStage } from './FlowStage.js';
import { describe, requireFunction, requirePositiveIntOrInfinity } from './validate.js';

/** `groupBy` was asked to open more substreams than `maxSubstreams` allows. */
export class TooManySubstreamsOpenException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TooManySubstreamsOpenException';
  }
}

type SubstreamSource<T> = Graph<SourceShape<T>, unknown>;

class Substream<T, K> {
  readonly outlet: SubSourceOutlet<T>;
  hasFirst = true;
  /** Pulled, and nothing could be pushed yet. */
  demanding = false;
  constructor(
    logic: GraphStageLogic,
    readonly key: K,
    public first: T | undefined,
    id: number,
  ) {
    this.outlet = new SubSourceOutlet<T>(logic, `GroupBy.substream${id}`);
  }
}

/**
 * `groupBy(maxSubstreams, keyFor)`: routes each element to the substream of its key, opening a new
 * substream (emitted as a source on the output) for the first element of each new key. An element
 * waits while its substream has not pulled, holding back all others (the slowest substream sets the
 * pace). Elements whose substream was cancelled (or timed out) are dropped, unless
 * `allowClosedSubstreamRecreation`, in which case a new substream opens for the key. Opening more than
 * `maxSubstreams` substreams — counting closed ones unless recreation is allowed — fails with
 * `TooManySubstreamsOpenException`, and a key that is `null` or `undefined` with a `TypeError` naming
 * the element's position (both subject to supervision, like an exception from `keyFor`, as in Pekko).
 * A substream source that is not materialized within the subscription timeout is closed and its
 * elements dropped.
 */
export class GroupBy<T, K> extends FlowStage<T, SubstreamSource<T>> {
  constructor(
    readonly maxSubstreams: number,
    readonly keyFor: (x: T) => K,
    readonly allowClosedSubstreamRecreation = false,
  ) {
    super('groupBy');
    requirePositiveIntOrInfinity('groupBy', 'maxSubstreams', maxSubstreams);
    requireFunction('groupBy', 'keyFor', keyFor);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new GroupByLogic(this, attributes.supervisionDecider, subscriptionTimeoutOf(attributes));
  }
}

class GroupByLogic<T, K> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly active = new Map<K, Substream<T, K>>();
  private readonly closed = new Set<K>();
  /** A substream opened while downstream had not asked for one. */
  private waitingToBePushed: Substream<T, K> | null = null;
  /** An element whose substream has not pulled yet. */
  private hasNext = false;
  private nextKey: K | undefined = undefined;
  private nextElem: T | undefined = undefined;
  /** Substreams whose first element has not gone out yet. */
  private firstPushCounter = 0;
  private demandingSubs = 0;
  private ids = 0;
  /** Position in the stream (from 0) of the element being routed, for error messages. */
  private elementIndex = -1;
  constructor(
    private readonly stage: GroupBy<T, K>,
    private readonly decider: Decider,
    private readonly timeoutMs: number,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  private needToPull(): boolean {
    const inlet = this.stage.in;
    return !(this.hasBeenPulled(inlet) || this.isClosed(inlet) || this.hasNext || this.waitingToBePushed !== null);
  }

  /** Pulls upstream if anyone (downstream or a substream) is waiting for an element. */
  private pullIfDemanded(): void {
    if (this.needToPull() && (this.demandingSubs > 0 || this.isAvailable(this.stage.out))) this.pull(this.stage.in);
  }

  private clearNext(): void {
    this.hasNext = false;
    this.nextKey = undefined;
    this.nextElem = undefined;
  }

  private updateKeepGoing(): void {
    // Substreams outlive the stage's own ports: keep running while any is open.
    this.setKeepGoing(this.active.size > 0);
  }

  onPush(): void {
    const s = this.stage;
    const elem = this.grab(s.in);
    this.elementIndex++;
    let key: K;
    try {
      key = s.keyFor(elem);
      if (key === null || key === undefined) {
        throw new TypeError(
          `${this.stageName}: key function returned ${String(key)} for element #${this.elementIndex} (counting from 0); a key must not be null or undefined`,
        );
      }
      const sub = this.active.get(key);
      if (sub !== undefined) {
        if (sub.outlet.isAvailable()) this.pushTo(sub, elem);
        else {
          this.hasNext = true;
          this.nextKey = key;
          this.nextElem = elem;
        }
        return this.pullIfDemanded();
      }
      if (this.closed.has(key)) return this.pullIfDemanded(); // its substream was cancelled: dropped
      if (this.active.size + this.closed.size >= s.maxSubstreams) {
        const closedNote = this.closed.size > 0 ? ` (${this.active.size} open, ${this.closed.size} closed and not reopenable)` : '';
        throw new TooManySubstreamsOpenException(
          `${this.stageName}: cannot open a substream for key ${describe(key)}: maxSubstreams is ${s.maxSubstreams}${closedNote}`,
        );
      }
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failAll(e);
      return this.pullIfDemanded();
    }
    this.runSubstream(key, elem);
  }

  private pushTo(sub: Substream<T, K>, elem: T): void {
    if (sub.demanding) {
      sub.demanding = false;
      this.demandingSubs--;
    }
    sub.outlet.push(elem);
  }

  private runSubstream(key: K, elem: T): void {
    const sub = new Substream<T, K>(this, key, elem, ++this.ids);
    sub.outlet.setHandler(this.substreamHandler(sub));
    this.active.set(key, sub);
    this.firstPushCounter++;
    this.updateKeepGoing();
    if (this.isAvailable(this.stage.out)) this.emitSubstream(sub);
    else this.waitingToBePushed = sub;
  }

  private emitSubstream(sub: Substream<T, K>): void {
    this.waitingToBePushed = null;
    this.push(this.stage.out, sub.outlet.source);
    sub.outlet.scheduleTimeout(this.timeoutMs, () => this.timedOut(sub));
  }

  private timedOut(sub: Substream<T, K>): void {
    if (this.active.get(sub.key) !== sub) return;
    if (this.hasNext && this.nextKey === sub.key) this.clearNext();
    this.closeSubstream(sub);
    if (this.isClosed(this.stage.in)) this.tryCompleteAll();
    else this.pullIfDemanded();
  }

  /** Forgets a substream (its key is closed for good unless recreation is allowed). */
  private closeSubstream(sub: Substream<T, K>): void {
    if (sub.hasFirst) {
      sub.hasFirst = false;
      sub.first = undefined;
      this.firstPushCounter--;
    }
    if (sub.demanding) {
      sub.demanding = false;
      this.demandingSubs--;
    }
    this.active.delete(sub.key);
    if (!this.stage.allowClosedSubstreamRecreation) this.closed.add(sub.key);
    this.updateKeepGoing();
  }

  private substreamHandler(sub: Substream<T, K>): OutHandler {
    return {
      onPull: () => {
        if (sub.hasFirst) {
          const first = sub.first as T;
          sub.hasFirst = false;
          sub.first = undefined;
          this.firstPushCounter--;
          sub.outlet.push(first);
        } else if (this.hasNext && this.nextKey === sub.key) {
          const x = this.nextElem as T;
          this.clearNext();
          sub.outlet.push(x);
        } else {
          sub.demanding = true;
          this.demandingSubs++;
        }
        if (this.isClosed(this.stage.in) && !(this.hasNext && this.nextKey === sub.key)) {
          sub.outlet.complete();
          this.closeSubstream(sub);
          this.tryCompleteAll();
        } else {
          this.pullIfDemanded();
        }
      },
      onDownstreamFinish: (cause) => {
        if (this.hasNext && this.nextKey === sub.key) {
          // An element was waiting for this substream: it opens a new one if allowed, else it is dropped.
          const elem = this.nextElem as T;
          this.clearNext();
          this.closeSubstream(sub);
          if (this.stage.allowClosedSubstreamRecreation && !this.isClosed(this.stage.out)) return this.runSubstream(sub.key, elem);
        } else {
          this.closeSubstream(sub);
        }
        if (this.isClosed(this.stage.out) && this.tryCancel(cause)) return;
        if (this.isClosed(this.stage.in)) this.tryCompleteAll();
        else this.pullIfDemanded();
      },
    };
  }

  onPull(): void {
    const waiting = this.waitingToBePushed;
    if (waiting !== null) return this.emitSubstream(waiting);
    this.pullIfDemanded();
  }

  onUpstreamFinish(): void {
    // Substreams with nothing left to deliver end now (they may be what the stages downstream wait
    // for, e.g. concatSubstreams); the others end once their waiting element went out.
    for (const sub of this.active.values()) {
      if (sub.hasFirst || (this.hasNext && this.nextKey === sub.key)) continue;
      sub.outlet.complete();
      this.closeSubstream(sub);
    }
    this.tryCompleteAll();
  }

  onUpstreamFailure(error: unknown): void {
    this.failAll(error);
  }

  onDownstreamFinish(cause: unknown): void {
    this.tryCancel(cause);
  }

  /** Completes every substream and the stage, unless some substream still has an element to deliver. */
  private tryCompleteAll(): boolean {
    if (this.active.size === 0 || (!this.hasNext && this.firstPushCounter === 0)) {
      for (const sub of this.active.values()) sub.outlet.complete();
      this.active.clear();
      this.completeStage();
      return true;
    }
    return false;
  }

  /** Cancels the stage when no substream is left that still wants elements. */
  private tryCancel(cause: unknown): boolean {
    const w = this.waitingToBePushed;
    if (this.active.size === 0 || (this.active.size === 1 && w !== null && this.active.get(w.key) === w)) {
      this.cancelStage(cause);
      return true;
    }
    return false;
  }

  private failAll(error: unknown): void {
    for (const sub of this.active.values()) sub.outlet.fail(error);
    this.active.clear();
    this.failStage(error);
  }
}
