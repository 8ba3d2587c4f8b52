import type { Attributes, Decider } from '../stage/Attributes.js';
import { FanInShape2 } from '../stage/FanInShape2.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Inlet } from '../stage/Ports.js';
import { decide } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * `ZipLatestWith(f)`: once both inputs have produced an element, emits `f(latestA, latestB)` whenever
 * downstream pulls and at least one input has produced something new since the last emission. Both
 * inputs are pulled at start and kept pulled while downstream demands. Completes when any input
 * completes (after at least one element from each, the values it has are final; before that, no
 * element can ever be emitted). Supervision: resume/restart skip the emission on which `f` threw.
 */
export class ZipLatestWith<A, B, O> extends GraphStage<FanInShape2<A, B, O>> {
  readonly shape: FanInShape2<A, B, O>;
  constructor(
    readonly f: (a: A, b: B) => O,
    readonly name = 'ZipLatestWith',
  ) {
    super();
    requireFunction(name === 'ZipLatest' ? 'zipLatest' : 'zipLatestWith', 'f', f);
    this.shape = FanInShape2.named<A, B, O>(name);
  }
  override get defaultName(): string {
    return this.name;
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new ZipLatestWithLogic(this, attributes.supervisionDecider);
  }
}

class ZipLatestWithLogic<A, B, O> extends GraphStageLogic implements OutHandler {
  private a: A | undefined = undefined;
  private b: B | undefined = undefined;
  private hasA = false;
  private hasB = false;
  /** Downstream pulled while there was nothing new to emit. */
  private waitingForTuple = false;
  /** Nothing new arrived since the last emission. */
  private stale = true;
  private willShutDown = false;
  constructor(
    private readonly stage: ZipLatestWith<A, B, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    const s = stage.shape;
    this.setHandler(s.out, this);
    this.setHandler(
      s.in0,
      this.inHandler(s.in0, (x) => {
        this.a = x;
        this.hasA = true;
      }),
    );
    this.setHandler(
      s.in1,
      this.inHandler(s.in1, (x) => {
        this.b = x;
        this.hasB = true;
      }),
    );
  }

  override preStart(): void {
    this.pull(this.stage.shape.in0);
    this.pull(this.stage.shape.in1);
  }

  private inHandler<X>(inlet: Inlet<X>, store: (x: X) => void): InHandler {
    return {
      onPush: () => {
        store(this.grab(inlet));
        this.stale = false;
        if (this.waitingForTuple && this.hasA && this.hasB) {
          this.waitingForTuple = false;
          this.pushOutput();
          if (!this.willShutDown) this.tryPullAll();
        }
      },
      onUpstreamFinish: () => {
        if (!(this.hasA && this.hasB) || this.stale) this.completeStage();
        else this.willShutDown = true;
      },
    };
  }

  private pushOutput(): void {
    this.stale = true;
    let o: O;
    try {
      o = this.stage.f(this.a as A, this.b as B);
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      this.waitingForTuple = true; // nothing went out: the pull is still to be answered
      if (this.willShutDown) this.completeStage();
      return;
    }
    this.push(this.stage.shape.out, o);
    if (this.willShutDown) this.completeStage();
  }

  private tryPullAll(): void {
    const s = this.stage.shape;
    if (!this.isClosed(s.in0) && !this.hasBeenPulled(s.in0)) this.pull(s.in0);
    if (!this.isClosed(s.in1) && !this.hasBeenPulled(s.in1)) this.pull(s.in1);
  }

  onPull(): void {
    if (this.hasA && this.hasB && !this.stale) this.pushOutput();
    else this.waitingForTuple = true;
    if (!this.willShutDown && !this.isClosed(this.stage.shape.out)) this.tryPullAll();
  }
}
