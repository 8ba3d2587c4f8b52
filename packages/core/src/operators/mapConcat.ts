import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * `mapConcat(f)`: maps each element to an iterable and emits its elements one by one, on demand.
 * The iterable is read one element ahead of what was emitted (so completion needs no extra demand);
 * it may be large or infinite. Cancelling mid-iterable calls the iterator's `return()`.
 */
export class MapConcat<I, O> extends FlowStage<I, O> {
  constructor(readonly f: (x: I) => Iterable<O>) {
    super('mapConcat');
    requireFunction('mapConcat', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    const f = this.f;
    return new MapConcatLogic(this, attributes.supervisionDecider, () => f);
  }
}

/**
 * Also the logic of `statefulMapConcat`, whose function comes from a factory: `createF` is called when
 * the stage starts and again on a `restart` decision (for `mapConcat` it returns the same function).
 */
export class MapConcatLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private f!: (x: I) => Iterable<O>;
  private current: Iterator<O> | null = null;
  /** The element to emit next from `current` (read one ahead). */
  private lookahead: IteratorResult<O> | null = null;
  private upstreamDone = false;
  constructor(
    private readonly stage: FlowStage<I, O>,
    private readonly decider: Decider,
    private readonly createF: () => (x: I) => Iterable<O>,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    this.f = this.createF();
  }

  onPush(): void {
    const s = this.stage;
    try {
      const it = this.f(this.grab(s.in)) as unknown;
      if (it === null || it === undefined || typeof (it as Iterable<O>)[Symbol.iterator] !== 'function') {
        throw new TypeError(`${this.stageName}: f must return an iterable, got ${it === null ? 'null' : typeof it}`);
      }
      this.current = (it as Iterable<O>)[Symbol.iterator]();
      this.lookahead = this.current.next();
    } catch (e) {
      this.onError(e);
      return;
    }
    if (this.lookahead.done) this.nextIterable();
    else this.emitNext();
  }

  onPull(): void {
    if (this.current !== null) this.emitNext();
    else this.pull(this.stage.in);
  }

  onUpstreamFinish(): void {
    this.upstreamDone = true;
    if (this.current === null) this.completeStage();
  }

  /** Pushes the looked-ahead element and reads the next one. */
  private emitNext(): void {
    const value = this.lookahead!.value as O;
    this.push(this.stage.out, value);
    try {
      this.lookahead = this.current!.next();
    } catch (e) {
      this.current = null;
      this.onErrorAfterPush(e);
      return;
    }
    if (this.lookahead.done) {
      this.current = null;
      this.lookahead = null;
      if (this.upstreamDone) this.completeStage();
    }
  }

  private nextIterable(): void {
    this.current = null;
    this.lookahead = null;
    if (this.upstreamDone) this.completeStage();
    else this.pull(this.stage.in);
  }

  private onError(e: unknown): void {
    this.current = null;
    this.lookahead = null;
    if (this.supervise(e)) this.nextIterable();
  }

  /** An iterator failed right after an element went out: downstream has not pulled again yet. */
  private onErrorAfterPush(e: unknown): void {
    this.lookahead = null;
    if (this.supervise(e) && this.upstreamDone) this.completeStage();
  }

  /** Applies the supervision decision for `e`; false if the stage failed. */
  private supervise(e: unknown): boolean {
    const d = decide(this.decider, e);
    if (d === 'stop') {
      this.failStage(e);
      return false;
    }
    if (d === 'restart') {
      try {
        this.f = this.createF();
      } catch (e2) {
        this.failStage(e2);
        return false;
      }
    }
    return true;
  }

  override postStop(): void {
    const it = this.current;
    this.current = null;
    if (it !== null && typeof it.return === 'function') {
      try {
        it.return();
      } catch {
        // cleanup must not mask how the stream ended
      }
    }
  }
}
