import type { Attributes, Decider } from '../stage/Attributes.js';
import { FanInShape2 } from '../stage/FanInShape2.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Inlet, Outlet } from '../stage/Ports.js';
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
  willShutDown = false;
  private readonly in0: Inlet<A>;
  private readonly in1: Inlet<B>;
  private readonly out: Outlet<O>;
  constructor(
    private readonly stage: ZipWith<A, B, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    const s = stage.shape;
    this.in0 = s.in0;
    this.in1 = s.in1;
    this.out = s.out;
    this.setHandler(s.out, this);
    this.setHandler(s.in0, new ZipInput(this, s.in0));
    this.setHandler(s.in1, new ZipInput(this, s.in1));
  }

  override preStart(): void {
    this.pull(this.in0);
    this.pull(this.in1);
  }

  /** An element arrived on either input. */
  onInput(): void {
    if (this.isAvailable(this.out)) this.tryPushAll();
  }

  private tryPushAll(): void {
    const in0 = this.in0;
    const in1 = this.in1;
    if (!this.isAvailable(in0) || !this.isAvailable(in1)) return;
    const a = this.grab(in0);
    const b = this.grab(in1);
    let o: O;
    try {
      o = this.stage.f(a, b);
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      return this.next();
    }
    this.push(this.out, o);
    this.next();
  }

  private next(): void {
    if (this.willShutDown) return this.completeStage();
    this.pull(this.in0);
    this.pull(this.in1);
  }

  onPull(): void {
    this.tryPushAll();
  }
}

/**
 * The handler of one input: a class rather than a closure per materialization, so the interpreter's
 * dispatch sees one shared `onPush` (stable call feedback, nothing per-stream for the JIT to learn).
 */
class ZipInput<A, B, O> implements InHandler {
  constructor(
    private readonly logic: ZipWithLogic<A, B, O>,
    private readonly inlet: Inlet<A> | Inlet<B>,
  ) {}

  onPush(): void {
    this.logic.onInput();
  }

  onUpstreamFinish(): void {
    const logic = this.logic;
    if (!logic.isAvailable(this.inlet)) logic.completeStage();
    logic.willShutDown = true;
  }
}
