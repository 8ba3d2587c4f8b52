import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { IllegalStateError } from './IllegalStateError.js';
import { describe, requireFunction, requirePositiveInt } from './validate.js';

/**
 * `MergeSequence(n, extractSequence)` (Akka's): merges inputs whose elements together carry the
 * sequence numbers 0, 1, 2, … (each number exactly once, each input in increasing order) into one
 * stream in sequence order — typically the branches of a `Partition` or `Balance` whose elements were
 * numbered with `zipWithIndex` before the split.
 *
 * Each input is pulled once and its element held until its number is the next one due, so at most one
 * element per input waits. Detectable errors fail the stream with `IllegalStateError`: a number below
 * the next one due (a duplicate or a regression), and a gap — every input has either completed or is
 * holding a later number, so the next one can never arrive. A sequence number that is not a
 * non-negative safe integer fails with `TypeError`, and a throwing `extractSequence` with its error
 * (supervision does not apply: dropping an element would leave a gap).
 */
export class MergeSequence<T> extends GraphStage<UniformFanInShape<T, T>> {
  readonly shape: UniformFanInShape<T, T>;
  constructor(
    readonly inputs: number,
    readonly extractSequence: (x: T) => number,
  ) {
    super();
    requirePositiveInt('MergeSequence', 'inputs', inputs);
    requireFunction('MergeSequence', 'extractSequence', extractSequence);
    this.shape = UniformFanInShape.named<T, T>('MergeSequence', inputs);
  }
  override get defaultName(): string {
    return 'MergeSequence';
  }
  createLogic(): GraphStageLogic {
    return new MergeSequenceLogic(this);
  }
}

class MergeSequenceLogic<T> extends GraphStageLogic implements OutHandler {
  private next = 0;
  /** Per input: the sequence number of the element it holds, or -1. */
  private readonly heldSeq: number[];
  private readonly held: (T | undefined)[];
  private closedInputs = 0;
  constructor(private readonly stage: MergeSequence<T>) {
    super(stage.shape);
    const n = stage.inputs;
    this.heldSeq = new Array<number>(n).fill(-1);
    this.held = new Array<T | undefined>(n).fill(undefined);
    this.setHandler(stage.shape.out, this);
    for (let i = 0; i < n; i++) this.setHandler(stage.shape.inlets[i]!, this.inHandler(i));
  }

  override preStart(): void {
    for (const inlet of this.stage.shape.inlets) this.pull(inlet);
  }

  private inHandler(i: number): InHandler {
    const inlet = this.stage.shape.inlets[i]!;
    return {
      onPush: () => {
        const x = this.grab(inlet);
        const seq = this.stage.extractSequence(x);
        if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
          throw new TypeError(`${this.stageName}: extractSequence must return a non-negative integer, got ${describe(seq)} on input ${i}`);
        }
        if (seq < this.next) {
          throw new IllegalStateError(`${this.stageName}: sequence ${seq} on input ${i} is below the next one due, ${this.next} (a duplicate or a regression)`);
        }
        const other = this.heldSeq.indexOf(seq);
        if (other >= 0)
          throw new IllegalStateError(`${this.stageName}: sequence ${seq} arrived on input ${i} while input ${other} holds it already (a duplicate)`);
        const out = this.stage.shape.out;
        if (seq === this.next && this.isAvailable(out)) {
          this.next++;
          this.push(out, x);
          this.pull(inlet);
          return;
        }
        this.heldSeq[i] = seq;
        this.held[i] = x;
        this.checkGap();
      },
      onUpstreamFinish: () => {
        this.closedInputs++;
        if (this.closedInputs === this.stage.inputs && this.heldSeq.every((s) => s < 0)) this.completeStage();
        else this.checkGap();
      },
    };
  }

  onPull(): void {
    const i = this.heldSeq.indexOf(this.next);
    if (i < 0) return;
    const x = this.held[i] as T;
    this.heldSeq[i] = -1;
    this.held[i] = undefined;
    this.next++;
    this.push(this.stage.shape.out, x);
    const inlet = this.stage.shape.inlets[i]!;
    if (!this.isClosed(inlet)) this.pull(inlet);
    else if (this.closedInputs === this.stage.inputs && this.heldSeq.every((s) => s < 0)) this.completeStage();
    else this.checkGap();
  }

  /** Fails if the next number can no longer arrive: every input has completed or holds a later one. */
  private checkGap(): void {
    const inlets = this.stage.shape.inlets;
    let lowest = Infinity;
    for (let i = 0; i < inlets.length; i++) {
      const s = this.heldSeq[i]!;
      if (s === this.next) return;
      if (s >= 0) lowest = Math.min(lowest, s);
      else if (!this.isClosed(inlets[i]!)) return;
    }
    if (lowest === Infinity) return;
    this.failStage(
      new IllegalStateError(
        `${this.stageName}: expected sequence ${this.next}, but every input has completed or holds a later one (the lowest is ${lowest}): the sequence has a gap`,
      ),
    );
  }
}
