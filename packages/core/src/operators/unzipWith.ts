import type { Attributes, Decider } from '../stage/Attributes.js';
import { FanOutShape2 } from '../stage/FanOutShape2.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide } from './FlowStage.js';
import { describe, requireFunction } from './validate.js';

/** The splitter behind `Unzip`: the pair itself. */
export const asPair = <A, B>(x: readonly [A, B]): readonly [A, B] => x;

/**
 * `UnzipWith(f)`: splits each element with `f` into a pair and sends the halves to the two outputs.
 * Upstream is pulled only once both outputs have demanded. Completes when upstream completes;
 * cancels when either output cancels. Supervision: resume/restart drop the element on which `f` threw.
 */
export class UnzipWith<T, A, B> extends GraphStage<FanOutShape2<T, A, B>> {
  readonly shape: FanOutShape2<T, A, B>;
  constructor(
    readonly f: (x: T) => readonly [A, B],
    readonly name = 'UnzipWith',
  ) {
    super();
    requireFunction(name === 'Unzip' ? 'unzip' : 'unzipWith', 'f', f);
    this.shape = FanOutShape2.named<T, A, B>(name);
  }
  override get defaultName(): string {
    return this.name;
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new UnzipWithLogic(this, attributes.supervisionDecider);
  }
}

class UnzipWithLogic<T, A, B> extends GraphStageLogic implements InHandler {
  /** Outputs that have not pulled since the last element went out. */
  private pendingCount = 2;
  constructor(
    private readonly stage: UnzipWith<T, A, B>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    const s = stage.shape;
    this.setHandler(s.in, this);
    // Cancellation of either output stops the stage (the default reaction).
    const onPull: OutHandler = {
      onPull: () => {
        if (--this.pendingCount === 0) this.pull(this.stage.shape.in);
      },
    };
    this.setHandler(s.out0, onPull);
    this.setHandler(s.out1, onPull);
  }

  onPush(): void {
    const s = this.stage.shape;
    let pair: readonly [A, B];
    try {
      pair = this.stage.f(this.grab(s.in));
      if (!Array.isArray(pair)) throw new TypeError(`${this.stageName}: f must return a pair [a, b], got ${describe(pair)}`);
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      this.pull(s.in);
      return;
    }
    this.pendingCount = 2;
    this.push(s.out0, pair[0]);
    this.push(s.out1, pair[1]);
  }
}
