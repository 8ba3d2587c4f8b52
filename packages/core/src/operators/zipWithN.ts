import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { decide } from './FlowStage.js';
import { requireFunction, requirePositiveInt } from './validate.js';

/** Copies its argument; the combiner behind `ZipN`. */
export const toArray = <T>(xs: readonly T[]): T[] => xs.slice();

/**
 * `ZipWithN(f, n)`: waits for one element on each of `n` inputs and emits `f([x0, …, xn-1])` (the
 * array is reused between calls: copy it if you keep it). All inputs are pulled at start and again
 * after each emission. Completes as soon as an input completes with no element left waiting.
 * Supervision: resume/restart drop the tuple on which `f` threw.
 */
export class ZipWithN<T, O> extends GraphStage<UniformFanInShape<T, O>> {
  readonly shape: UniformFanInShape<T, O>;
  constructor(
    readonly f: (xs: readonly T[]) => O,
    readonly inputs: number,
    readonly name = 'ZipWithN',
  ) {
    super();
    const op = name === 'ZipN' ? 'zipN' : 'zipWithN';
    requireFunction(op, 'f', f);
    requirePositiveInt(op, 'inputs', inputs);
    this.shape = UniformFanInShape.named<T, O>(name, inputs);
  }
  override get defaultName(): string {
    return this.name;
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new ZipWithNLogic(this, attributes.supervisionDecider);
  }
}

class ZipWithNLogic<T, O> extends GraphStageLogic implements OutHandler {
  private willShutDown = false;
  private readonly values: T[];
  constructor(
    private readonly stage: ZipWithN<T, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.values = new Array<T>(stage.inputs);
    this.setHandler(stage.shape.out, this);
    for (const inlet of stage.shape.inlets) {
      const h: InHandler = {
        onPush: () => {
          if (this.isAvailable(stage.shape.out)) this.tryPushAll();
        },
        onUpstreamFinish: () => {
          if (!this.isAvailable(inlet)) this.completeStage();
          this.willShutDown = true;
        },
      };
      this.setHandler(inlet, h);
    }
  }

  override preStart(): void {
    for (const inlet of this.stage.shape.inlets) this.pull(inlet);
  }

  private tryPushAll(): void {
    const ins = this.stage.shape.inlets;
    for (let i = 0; i < ins.length; i++) if (!this.isAvailable(ins[i]!)) return;
    const vs = this.values;
    for (let i = 0; i < ins.length; i++) vs[i] = this.grab(ins[i]!);
    let o: O;
    try {
      o = this.stage.f(vs);
    } catch (e) {
      if (decide(this.decider, e) === 'stop') return this.failStage(e);
      return this.next();
    }
    this.push(this.stage.shape.out, o);
    this.next();
  }

  private next(): void {
    if (this.willShutDown) return this.completeStage();
    for (const inlet of this.stage.shape.inlets) this.pull(inlet);
  }

  onPull(): void {
    this.tryPushAll();
  }
}
