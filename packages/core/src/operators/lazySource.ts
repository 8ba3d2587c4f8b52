import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { materializeSubStream, SubSinkInlet } from '../stage/SubSinkInlet.js';
import { SourceStageWithMat } from './SourceStage.js';
import { requireFunction } from './validate.js';

/**
 * `Source.lazySource(create)`: calls `create()` and materializes the source it returns only when
 * downstream first pulls. Materializes a promise of the inner source's materialized value, which rejects
 * if the stream ends before that (or `create` throws).
 */
export class LazySource<T, M> extends SourceStageWithMat<T, Promise<M>> {
  constructor(readonly create: () => Graph<SourceShape<T>, M>) {
    super('lazySource');
    requireFunction('Source.lazySource', 'create', create);
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, Promise<M>] {
    let resolve!: (m: M) => void;
    let reject!: (e: unknown) => void;
    const p = new Promise<M>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    p.catch(() => {}); // observed through the materialized value, if the user cares
    return [new LazySourceLogic(this, resolve, reject), p];
  }
}

class LazySourceLogic<T, M> extends GraphStageLogic implements OutHandler, InHandler {
  private sub: SubSinkInlet<T> | null = null;
  private settled = false;
  constructor(
    private readonly stage: LazySource<T, M>,
    private readonly resolve: (m: M) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }
  onPull(): void {
    if (this.sub !== null) return this.sub.pull();
    const sub = new SubSinkInlet<T>(this, 'LazySource.in');
    sub.setHandler(this);
    this.sub = sub;
    let m: M;
    try {
      m = materializeSubStream(this, this.stage.create(), sub);
    } catch (e) {
      this.settle(e);
      throw e;
    }
    this.settled = true;
    this.resolve(m);
    sub.pull();
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
  private settle(e: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(e);
  }
  override postStop(): void {
    this.sub?.cancel();
    this.settle(new Error(`${this.stageName}: the stream ended before the lazy source was materialized`));
  }
}
