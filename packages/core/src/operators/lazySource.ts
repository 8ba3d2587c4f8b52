import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceShape } from '../stage/Shape.js';
import { materializeSubStream, SubSinkInlet } from '../stage/SubSinkInlet.js';
import { LazyCreation, LazyMaterialization } from './lazyInternals.js';
import { SourceStageWithMat } from './SourceStage.js';
import { requireFunction } from './validate.js';

/**
 * `Source.lazySource(create)` and `Source.lazyPromiseSource(create)`: call `create()` and materialize
 * the source it returns (or its promise resolves to) only when downstream first pulls. Materialize a
 * promise of the inner source's materialized value, which rejects with `create`'s own error if it
 * throws or its promise rejects (the stream fails with that error), and with
 * `NeverMaterializedException` if the stream is cancelled before that.
 */
export class LazySource<T, M> extends SourceStageWithMat<T, Promise<M>> {
  constructor(
    readonly create: () => Graph<SourceShape<T>, M> | PromiseLike<Graph<SourceShape<T>, M>>,
    readonly promised: boolean = false,
  ) {
    super(promised ? 'lazyPromiseSource' : 'lazySource');
    requireFunction(promised ? 'Source.lazyPromiseSource' : 'Source.lazySource', 'create', create);
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, Promise<M>] {
    const result = new LazyMaterialization<M>();
    return [new LazySourceLogic(this, result), result.promise];
  }
}

class LazySourceLogic<T, M> extends GraphStageLogic implements OutHandler, InHandler {
  private sub: SubSinkInlet<T> | null = null;
  private creating = false;
  private readonly creation: LazyCreation<Graph<SourceShape<T>, M>>;
  constructor(
    private readonly stage: LazySource<T, M>,
    private readonly result: LazyMaterialization<M>,
  ) {
    super(stage.shape);
    this.setHandler(stage.out, this);
    this.creation = new LazyCreation<Graph<SourceShape<T>, M>>(
      this,
      SourceShape,
      'Source',
      (g) => this.materialize(g),
      (e) => this.createFailed(e),
    );
  }
  onPull(): void {
    if (this.sub !== null) return this.sub.pull();
    if (this.creating) return;
    this.creating = this.creation.start(() => this.stage.create(), this.stage.promised);
  }
  private materialize(graph: Graph<SourceShape<T>, M>): void {
    const sub = new SubSinkInlet<T>(this, 'LazySource.in');
    sub.setHandler(this);
    this.sub = sub;
    let m: M;
    try {
      m = materializeSubStream(this, graph, sub);
    } catch (e) {
      return this.createFailed(e);
    }
    this.result.materialized(m);
    if (this.isAvailable(this.stage.out)) sub.pull();
  }
  private createFailed(error: unknown): void {
    this.result.failed(error);
    this.failStage(error);
  }
  onPush(): void {
    this.push(this.stage.out, this.sub!.grab());
  }
  onUpstreamFinish(): void {
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.failStage(error);
  }
  onDownstreamFinish(cause: unknown): void {
    this.sub?.cancel(cause);
    this.cancelStage(cause);
  }
  override postStop(): void {
    this.sub?.cancel();
    this.result.never(this.stageName, 'lazy source');
  }
}
