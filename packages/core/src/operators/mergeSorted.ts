import type { Attributes, Decider } from '../stage/Attributes.js';
import { FanInShape2 } from '../stage/FanInShape2.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide } from './FlowStage.js';
import { requireFunction } from './validate.js';

/** The natural order of numbers, strings and bigints (`<`). */
export function naturalOrder(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (b as number) < (a as number) ? 1 : 0;
}

/**
 * `MergeSorted(compare)`: merges two sorted inputs into one sorted output. It waits until both inputs
 * have an element, emits the smaller (the right one on ties, as Akka does), and once one input has
 * completed passes the rest of the other through. Supervision: if `compare` throws and the decider
 * says resume or restart, the left element is dropped.
 */
export class MergeSorted<T> extends GraphStage<FanInShape2<T, T, T>> {
  readonly shape = FanInShape2.named<T, T, T>('MergeSorted');
  constructor(readonly compare: (a: T, b: T) => number = naturalOrder) {
    super();
    requireFunction('mergeSorted', 'compare', compare);
  }
  override get defaultName(): string {
    return 'MergeSorted';
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MergeSortedLogic(this, attributes.supervisionDecider);
  }
}

class MergeSortedLogic<T> extends GraphStageLogic implements OutHandler {
  private left: T | undefined = undefined;
  private right: T | undefined = undefined;
  private hasLeft = false;
  private hasRight = false;
  constructor(
    private readonly stage: MergeSorted<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    const s = stage.shape;
    this.setHandler(s.out, this);
    this.setHandler(s.in0, {
      onPush: () => {
        this.left = this.grab(s.in0);
        this.hasLeft = true;
        this.dispatch();
      },
      onUpstreamFinish: () => this.dispatch(),
    });
    this.setHandler(s.in1, {
      onPush: () => {
        this.right = this.grab(s.in1);
        this.hasRight = true;
        this.dispatch();
      },
      onUpstreamFinish: () => this.dispatch(),
    });
  }

  override preStart(): void {
    this.pull(this.stage.shape.in0);
    this.pull(this.stage.shape.in1);
  }

  onPull(): void {
    this.dispatch();
  }

  private takeLeft(): void {
    const x = this.left as T;
    this.left = undefined;
    this.hasLeft = false;
    this.push(this.stage.shape.out, x);
    this.tryPull(this.stage.shape.in0);
  }

  private takeRight(): void {
    const x = this.right as T;
    this.right = undefined;
    this.hasRight = false;
    this.push(this.stage.shape.out, x);
    this.tryPull(this.stage.shape.in1);
  }

  private dispatch(): void {
    const s = this.stage.shape;
    const leftDone = !this.hasLeft && this.isClosed(s.in0);
    const rightDone = !this.hasRight && this.isClosed(s.in1);
    if (leftDone && rightDone) return this.completeStage();
    if (!this.isAvailable(s.out)) return;
    if (this.hasLeft && this.hasRight) {
      let c: number;
      try {
        c = this.stage.compare(this.left as T, this.right as T);
      } catch (e) {
        if (decide(this.decider, e) === 'stop') return this.failStage(e);
        this.left = undefined;
        this.hasLeft = false;
        this.tryPull(s.in0);
        return this.dispatch();
      }
      if (c < 0) this.takeLeft();
      else this.takeRight();
    } else if (this.hasLeft && rightDone) {
      this.takeLeft();
    } else if (this.hasRight && leftDone) {
      this.takeRight();
    }
    if (!this.hasLeft && this.isClosed(s.in0) && !this.hasRight && this.isClosed(s.in1)) this.completeStage();
  }
}
