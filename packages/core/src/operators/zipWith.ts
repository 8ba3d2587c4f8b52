import type { Attributes, Decider } from '../stage/Attributes.js';
import { FanInShape2 } from '../stage/FanInShape2.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide } from './FlowStage.js';
import { requireFunction } from './validate.js';

/** Pairs its arguments; the combiner behind `Zip`. */
export const pair = <A, B>(a: A, b: B): [A, B] => [a, b];

/**
 * `ZipWith(f)`: waits for one element on each input and emits `f(a, b)`. Both inputs are pulled at
 * start and again after each emitted pair (a one-element prefetch on each side, as in Akka).
 * Completes as soon as an input completes and no element of it is left waiting.
 * Supervision: resume/restart drop the pair on which `f` threw.
 */
export class ZipWith<A, B, O> extends GraphStage<FanInShape2<A, B, O>> {
  readonly shape: FanInShape2<A, B, O>;
  constructor(
    readonly f: (a: A, b: B) => O,
    readonly name = 'ZipWith',
  ) {
    super();
    requireFunction(name === 'Zip' ? 'zip' : 'zipWith', 'f', f);
    this.shape = FanInShape2.named<A, B, O>(name);
  }
  override get defaultName(): string {
    return this.name;
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new ZipWithLogic(this, attributes.supervisionDecider);
  }
}

class ZipWithLogic<A, B, O> extends GraphStageLogic implements OutHandler {
  /** An input completed: finish once the pair in progress (if any) has gone out. */
  private willShutDown = false;
  constructor(
    private readonly stage: ZipWith<A, B, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    const s = stage.shape;
    this.setHandler(s.out, this);
    this.setHandler(s.in0, this.inHandler(s.in0));
    this.setHandler(s.in1, this.inHandler(s.in1));
  }

  override preStart(): void {
    this.pull(this.stage.shape.in0);
    this.pull(this.stage.shape.in1);
  }

  private inHandler(inlet: FanInShape2<A, B, O>['in0'] | FanInShape2<A, B, O>['in1']): InHandler {
    return {
      onPush: () => {
        if (this.isAvailable(this.stage.shape.out)) this.tryPushAll();
      },
      onUpstreamFinish: () => {
        if (!this.isAvailable(inlet)) this.completeStage();
        this.willShutDown = true;
      },
    };
  }

  private tryPushAll(): void {
    const s = this.stage.shape;
    if (!this.isAvailable(s.in0) || !this.isAvailable(s.in1)) return;
    const a = this.grab(s.in0);
    const b = this.grab(s.in1);
    let o: O;
    try {
      o = this.stage.f(a, b);
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      return this.next();
    }
    this.push(s.out, o);
    this.next();
  }

  private next(): void {
    if (this.willShutDown) return this.completeStage();
    this.pull(this.stage.shape.in0);
    this.pull(this.stage.shape.in1);
  }

  onPull(): void {
    this.tryPushAll();
  }
}
