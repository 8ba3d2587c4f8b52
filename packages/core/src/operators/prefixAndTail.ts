import type { Attributes } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { SubSourceOutlet, subscriptionTimeoutOf } from '../stage/SubSourceOutlet.js';
import { FlowStage } from './FlowStage.js';
import { EmptySource } from './simpleSources.js';
import { requireFiniteNonNegativeInt } from './validate.js';

/** Wraps a raw source graph in the DSL's `Source` class (supplied by the DSL, which owns that class). */
export type SourceWrapper<S> = (graph: Graph<SourceShape<unknown>, unknown>) => S;

/**
 * `prefixAndTail(n)`: collects the first `n` elements and emits one pair `[prefix, tail]`, where `tail`
 * is a source of the remaining elements; then the output completes and the stage keeps feeding the
 * tail. If upstream completes first, the prefix is what arrived and the tail is empty.
 *
 * The tail must be run within the subscription timeout (default 5 s, `subscriptionTimeout(ms)`);
 * otherwise upstream is cancelled, the stage completes, and running the tail later fails with
 * `SubscriptionTimeoutException`.
 */
export class PrefixAndTail<T, S> extends FlowStage<T, [T[], S]> {
  constructor(
    readonly n: number,
    readonly wrap: SourceWrapper<S>,
  ) {
    super('prefixAndTail');
    requireFiniteNonNegativeInt('prefixAndTail', 'n', n);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new PrefixAndTailLogic(this, subscriptionTimeoutOf(attributes));
  }
}

class PrefixAndTailLogic<T, S> extends GraphStageLogic implements InHandler, OutHandler {
  private prefix: T[] | null = [];
  private tail: SubSourceOutlet<T> | null = null;
  constructor(
    private readonly stage: PrefixAndTail<T, S>,
    private readonly timeoutMs: number,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  private openTail(): S {
    const tail = new SubSourceOutlet<T>(this, 'PrefixAndTail.tail');
    this.tail = tail;
    tail.setHandler({
      onPull: () => this.pull(this.stage.in),
      onDownstreamFinish: (cause) => this.cancelStage(cause),
    });
    tail.scheduleTimeout(this.timeoutMs, () => this.completeStage());
    return this.stage.wrap(tail.source as Graph<SourceShape<unknown>, unknown>);
  }

  private emitPrefix(): void {
    const prefix = this.prefix!;
    this.prefix = null;
    this.push(this.stage.out, [prefix, this.openTail()]);
    this.complete(this.stage.out);
  }

  onPush(): void {
    const x = this.grab(this.stage.in);
    if (this.prefix === null) {
      this.tail!.push(x);
      return;
    }
    this.prefix.push(x);
    if (this.prefix.length === this.stage.n) this.emitPrefix();
    else this.pull(this.stage.in);
  }

  onPull(): void {
    if (this.prefix!.length === this.stage.n) this.emitPrefix();
    else this.pull(this.stage.in);
  }

  onUpstreamFinish(): void {
    if (this.prefix !== null) {
      const prefix = this.prefix;
      this.prefix = null;
      this.emit(this.stage.out, [prefix, this.stage.wrap(new EmptySource<unknown>())], () => this.completeStage());
      return;
    }
    this.tail!.complete();
    this.completeStage();
  }

  onUpstreamFailure(error: unknown): void {
    if (this.prefix === null) this.tail!.fail(error);
    this.failStage(error);
  }

  onDownstreamFinish(cause: unknown): void {
    // Once the prefix went out, the tail is what matters: cancellation of the main output is expected.
    if (this.prefix !== null) this.cancelStage(cause);
  }
}
