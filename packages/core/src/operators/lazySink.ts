import { linear } from '../impl/Module.js';
import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import { SinkShape } from '../stage/Shape.js';
import { materializeIntoParent, SubSourceOutlet } from '../stage/SubSourceOutlet.js';
import { LazyCreation, LazyMaterialization } from './lazyInternals.js';
import { SinkStage } from './SinkStage.js';
import { requireFunction } from './validate.js';

/**
 * `Sink.lazySink(create)` and `Sink.lazyPromiseSink(create)` (Akka's lazySink / lazyFutureSink): the first
 * element triggers `create()`; the sink it returns (or its promise resolves to) is materialized inside
 * this stage's island and receives that element and everything after it. Until then one element is
 * requested. The materialized promise settles as described in lazyInternals.ts; if the stream ends
 * before the first element, the inner sink is never created.
 */
export class LazySink<T, M> extends SinkStage<T, Promise<M>> {
  constructor(
    readonly create: () => Graph<SinkShape<T>, M> | PromiseLike<Graph<SinkShape<T>, M>>,
    readonly promised: boolean,
  ) {
    super(promised ? 'lazyPromiseSink' : 'lazySink');
    requireFunction(promised ? 'Sink.lazyPromiseSink' : 'Sink.lazySink', 'create', create);
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, Promise<M>] {
    const result = new LazyMaterialization<M>();
    return [new LazySinkLogic(this, result), result.promise];
  }
}

class LazySinkLogic<T, M> extends GraphStageLogic implements InHandler {
  private subSource: SubSourceOutlet<T> | null = null;
  /** The element that triggered creation, until the inner sink pulls it. */
  private first: { readonly value: T } | null = null;
  private upstreamFinished = false;
  private readonly creation: LazyCreation<Graph<SinkShape<T>, M>>;

  constructor(
    private readonly stage: LazySink<T, M>,
    private readonly result: LazyMaterialization<M>,
  ) {
    super(stage.shape);
    this.setHandler(stage.in, this);
    this.creation = new LazyCreation<Graph<SinkShape<T>, M>>(
      this,
      SinkShape,
      'Sink',
      (g) => this.materialize(g),
      (e) => this.createFailed(e),
    );
  }

  override preStart(): void {
    this.pull(this.stage.in);
  }

  onPush(): void {
    const x = this.grab(this.stage.in);
    if (this.subSource !== null) return this.subSource.push(x);
    this.first = { value: x };
    // Upstream may finish before creation is done or before the inner sink takes the first element:
    // the stage stays alive until the element is handed over.
    this.setKeepGoing(true);
    this.creation.start(() => this.stage.create(), this.stage.promised);
  }

  onUpstreamFinish(): void {
    this.upstreamFinished = true;
    if (this.subSource !== null) {
      if (this.first === null) this.subSource.complete();
    } else if (this.first === null) {
      this.result.never(this.stageName, 'lazy sink');
      this.completeStage();
    }
  }

  onUpstreamFailure(error: unknown): void {
    if (this.subSource !== null) {
      this.subSource.fail(error);
      return this.failStage(error);
    }
    this.result.never(this.stageName, 'lazy sink', error);
    this.failStage(error);
  }

  private createFailed(error: unknown): void {
    this.result.failed(error);
    this.failStage(error);
  }

  private materialize(sink: Graph<SinkShape<T>, M>): void {
    const inlet = this.stage.in;
    const subSource = new SubSourceOutlet<T>(this, 'LazySink.source');
    subSource.setHandler({
      onPull: () => {
        const first = this.first;
        if (first !== null) {
          this.first = null;
          subSource.push(first.value);
          if (this.upstreamFinished) this.finish();
          else this.setKeepGoing(false);
        } else if (!this.isClosed(inlet) && !this.hasBeenPulled(inlet)) {
          this.pull(inlet);
        }
      },
      onDownstreamFinish: (cause) => {
        this.first = null;
        this.cancelStage(cause);
      },
    });
    this.subSource = subSource;
    let m: M;
    try {
      m = materializeIntoParent(this, linear(subSource.source.module, sink.module, keepRight)) as M;
    } catch (e) {
      return this.createFailed(e);
    }
    this.result.materialized(m);
  }

  /** Upstream finished and the first element went in: completes the inner sink; this stage is done. */
  private finish(): void {
    this.subSource!.complete();
    this.completeStage();
  }

  override postStop(): void {
    if (this.subSource !== null && !this.subSource.isClosed()) this.subSource.complete();
    this.result.never(this.stageName, 'lazy sink');
  }
}

const keepRight = (_: unknown, right: unknown): unknown => right;
