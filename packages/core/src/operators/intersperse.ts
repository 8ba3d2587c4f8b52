import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';

const None: unique symbol = Symbol('none');
type Opt<T> = T | typeof None;

/**
 * `intersperse(inject)` / `intersperse(start, inject, end)`: injects `inject` between elements, and
 * `start`/`end` before the first and after the last (also for an empty stream, as in Akka).
 */
export class Intersperse<T> extends FlowStage<T, T> {
  constructor(
    readonly start: Opt<T>,
    readonly inject: T,
    readonly end: Opt<T>,
  ) {
    super('intersperse');
  }
  static readonly None = None;
  createLogic(): GraphStageLogic {
    return new IntersperseLogic(this);
  }
}

class IntersperseLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private started = false;
  constructor(private readonly stage: Intersperse<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    if (!this.started) {
      this.started = true;
      if (s.start !== None) this.emitMultiple(s.out, [s.start, x]);
      else this.push(s.out, x);
    } else {
      this.emitMultiple(s.out, [s.inject, x]);
    }
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    const s = this.stage;
    const tail: T[] = [];
    if (!this.started && s.start !== None) tail.push(s.start);
    if (s.end !== None) tail.push(s.end);
    this.emitMultiple(s.out, tail, () => this.completeStage());
  }
}
