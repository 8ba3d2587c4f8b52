import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Inlet, Outlet } from '../stage/Ports.js';
import { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { requirePositiveInt } from './validate.js';

/**
 * `Merge(n)`: emits elements from any input as they arrive, in the order they arrived (inputs that
 * pushed while downstream was busy are served first come, first served). Every input is pulled at
 * start and again after each of its elements went out, so each input has at most one element waiting.
 * Completes when all inputs completed, or — with `eagerComplete` — when any did (elements already
 * waiting are still emitted first).
 */
export class Merge<T> extends GraphStage<UniformFanInShape<T, T>> {
  readonly shape: UniformFanInShape<T, T>;
  constructor(
    readonly inputs: number,
    readonly eagerComplete = false,
  ) {
    super();
    requirePositiveInt('Merge', 'inputs', inputs);
    this.shape = UniformFanInShape.named<T, T>('Merge', inputs);
  }
  override get defaultName(): string {
    return 'Merge';
  }
  createLogic(): GraphStageLogic {
    return new MergeLogic(this);
  }
}

class MergeLogic<T> extends GraphStageLogic implements OutHandler {
  /** Ring buffer of inputs holding an element, in arrival order. */
  private readonly queue: number[];
  private head = 0;
  private count = 0;
  private running: number;
  private readonly ins: readonly Inlet<T>[];
  private readonly out: Outlet<T>;
  constructor(private readonly stage: Merge<T>) {
    super(stage.shape);
    const n = stage.inputs;
    this.queue = new Array<number>(n).fill(0);
    this.running = n;
    this.ins = stage.shape.inlets;
    this.out = stage.shape.out;
    this.setHandler(stage.shape.out, this);
    for (let i = 0; i < n; i++) this.setHandler(this.ins[i]!, new MergeInput(this, i));
  }

  override preStart(): void {
    const ins = this.ins;
    for (let i = 0; i < ins.length; i++) this.tryPull(ins[i]!);
  }

  /** Input `i` delivered an element. */
  onInput(i: number): void {
    if (this.count === 0 && this.isAvailable(this.out)) {
      // The inlet just delivered, so we have not closed it: it is pulled again (the interpreter ignores
      // the pull if its upstream has completed meanwhile), or cancelled once an eager merge is done.
      if (this.running > 0) this._forwardAndPull(i, 0);
      else {
        const inlet = this.ins[i]!;
        this.push(this.out, this.grab(inlet));
        this.cancel(inlet);
      }
    } else {
      const q = this.queue;
      let k = this.head + this.count;
      if (k >= q.length) k -= q.length;
      q[k] = i;
      this.count++;
    }
  }

  /** An input completed. */
  onInputFinish(): void {
    if (this.stage.eagerComplete) {
      this.running = 0;
      // Inputs with an element waiting stay open until it has gone out.
      const ins = this.ins;
      for (let k = 0; k < ins.length; k++) if (!this.isClosed(ins[k]!) && !this.isAvailable(ins[k]!)) this.cancel(ins[k]!);
    } else {
      this.running--;
    }
    if (this.running === 0 && this.count === 0) this.completeStage();
  }

  onPull(): void {
    const q = this.queue;
    while (this.count > 0) {
      const i = q[this.head]!;
      if (++this.head === q.length) this.head = 0;
      this.count--;
      // This inlet may have completed while its element waited: it is pulled again only if open.
      if (this.running > 0) {
        if (this._forwardAndPull(i, 0)) return;
        continue;
      }
      const inlet = this.ins[i]!;
      if (!this.isAvailable(inlet)) continue;
      this.push(this.out, this.grab(inlet));
      if (!this.isClosed(inlet)) this.cancel(inlet);
      if (this.count === 0) this.completeStage();
      return;
    }
    if (this.running === 0) this.completeStage();
  }
}

/** The handler of input `i`: one class for all inputs and streams (no closures per materialization). */
class MergeInput<T> implements InHandler {
  constructor(
    private readonly logic: MergeLogic<T>,
    private readonly i: number,
  ) {}
  onPush(): void {
    this.logic.onInput(this.i);
  }
  onUpstreamFinish(): void {
    this.logic.onInputFinish();
  }
}
