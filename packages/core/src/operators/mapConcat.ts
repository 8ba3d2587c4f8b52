import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * `mapConcat(f)`: maps each element to an iterable and emits its elements one by one, on demand
 * (the iterable is consumed lazily, so it may be large or infinite).
 */
export class MapConcat<I, O> extends FlowStage<I, O> {
  constructor(readonly f: (x: I) => Iterable<O>) {
    super('mapConcat');
    requireFunction('mapConcat', 'f', f);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MapConcatLogic(this, attributes.supervisionDecider);
  }
}

class MapConcatLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private current: Iterator<O> | null = null;
  private upstreamDone = false;
  constructor(
    private readonly stage: MapConcat<I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  onPush(): void {
    const s = this.stage;
    try {
      const it = s.f(this.grab(s.in));
      if (it === null || typeof it !== 'object' || typeof (it as Iterable<O>)[Symbol.iterator] !== 'function') {
        throw new TypeError(`${this.stageName}: f must return an iterable, got ${it === null ? 'null' : typeof it}`);
      }
      this.current = it[Symbol.iterator]();
    } catch (e) {
      this.onError(e);
      return;
    }
    this.emitNext();
  }

  onPull(): void {
    if (this.current !== null) this.emitNext();
    else this.pull(this.stage.in);
  }

  onUpstreamFinish(): void {
    this.upstreamDone = true;
    if (this.current === null) this.completeStage();
  }

  private emitNext(): void {
    const s = this.stage;
    let r: IteratorResult<O>;
    try {
      r = this.current!.next();
    } catch (e) {
      this.onError(e);
      return;
    }
    if (r.done) {
      this.current = null;
      if (this.upstreamDone) this.completeStage();
      else this.pull(s.in);
    } else {
      this.push(s.out, r.value);
    }
  }

  private onError(e: unknown): void {
    this.current = null;
    if (decide(this.decider, e) === 'stop') this.failStage(e);
    else if (this.upstreamDone) this.completeStage();
    else this.pull(this.stage.in);
  }
}
