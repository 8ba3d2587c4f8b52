import { linear } from '../impl/Module.js';
import type { Graph } from '../stage/GraphStage.js';
import { GraphStageWithMaterializedValue } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { Inlet, Outlet } from '../stage/Ports.js';
import { FlowShape } from '../stage/Shape.js';
import { SubSinkInlet } from '../stage/SubSinkInlet.js';
import { materializeIntoParent, SubSourceOutlet } from '../stage/SubSourceOutlet.js';
import { LazyCreation, LazyMaterialization } from './lazyInternals.js';
import { requireFunction } from './validate.js';

/**
 * `Flow.lazyFlow(create)` and `Flow.lazyPromiseFlow(create)` (Akka's lazyFlow / lazyFutureFlow): the
 * first element from upstream triggers `create()`; the flow it returns (or its promise resolves to) is
 * materialized inside this stage's island, receives that first element and everything after it, and
 * from then on the stage behaves as that flow. The materialized promise settles as described in
 * lazyInternals.ts; if the stream ends before the first element, the inner flow is never created.
 */
export class LazyFlow<I, O, M> extends GraphStageWithMaterializedValue<FlowShape<I, O>, Promise<M>> {
  readonly in = new Inlet<I>('LazyFlow.in');
  readonly out = new Outlet<O>('LazyFlow.out');
  readonly shape = new FlowShape(this.in, this.out);
  constructor(
    readonly create: () => Graph<FlowShape<I, O>, M> | PromiseLike<Graph<FlowShape<I, O>, M>>,
    readonly promised: boolean,
  ) {
    super();
    requireFunction(promised ? 'Flow.lazyPromiseFlow' : 'Flow.lazyFlow', 'create', create);
  }
  override get defaultName(): string {
    return this.promised ? 'lazyPromiseFlow' : 'lazyFlow';
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, Promise<M>] {
    const result = new LazyMaterialization<M>();
    return [new LazyFlowLogic(this, result), result.promise];
  }
}

const keepRight = (_: unknown, right: unknown): unknown => right;

class LazyFlowLogic<I, O, M> extends GraphStageLogic implements InHandler, OutHandler {
  private subSource: SubSourceOutlet<I> | null = null;
  private subSink: SubSinkInlet<O> | null = null;
  /** The element that triggered creation, until the inner flow pulls it. */
  private first: { readonly value: I } | null = null;
  private upstreamFinished = false;
  private readonly creation: LazyCreation<Graph<FlowShape<I, O>, M>>;

  constructor(
    private readonly stage: LazyFlow<I, O, M>,
    private readonly result: LazyMaterialization<M>,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
    this.creation = new LazyCreation<Graph<FlowShape<I, O>, M>>(
      this,
      FlowShape,
      'Flow',
      (g) => this.materialize(g),
      (e) => this.createFailed(e),
    );
  }

  onPush(): void {
    const x = this.grab(this.stage.in);
    if (this.subSource !== null) return this.subSource.push(x);
    this.first = { value: x };
    this.creation.start(() => this.stage.create(), this.stage.promised);
  }

  onPull(): void {
    if (this.subSink !== null) this.subSink.pull();
    else if (this.first === null && !this.hasBeenPulled(this.stage.in) && !this.isClosed(this.stage.in)) this.pull(this.stage.in);
  }

  onUpstreamFinish(): void {
    this.upstreamFinished = true;
    if (this.subSource !== null) {
      if (this.first === null) this.subSource.complete();
    } else if (this.first === null) {
      this.result.never(this.stageName, 'lazy flow');
      this.completeStage();
    }
    // Otherwise creation is under way: the first element (then completion) goes in once it is done.
  }

  onUpstreamFailure(error: unknown): void {
    if (this.subSource !== null) return this.subSource.fail(error);
    this.result.never(this.stageName, 'lazy flow', error);
    this.failStage(error);
  }

  onDownstreamFinish(cause: unknown): void {
    if (this.subSink !== null) return this.subSink.cancel(cause);
    this.result.never(this.stageName, 'lazy flow');
    this.cancelStage(cause);
  }

  private createFailed(error: unknown): void {
    this.result.failed(error);
    this.failStage(error);
  }

  private materialize(flow: Graph<FlowShape<I, O>, M>): void {
    const inlet = this.stage.in;
    const subSource = new SubSourceOutlet<I>(this, 'LazyFlow.source');
    subSource.setHandler({
      onPull: () => {
        const first = this.first;
        if (first !== null) {
          this.first = null;
          subSource.push(first.value);
          if (this.upstreamFinished) subSource.complete();
        } else if (!this.isClosed(inlet) && !this.hasBeenPulled(inlet)) {
          this.pull(inlet);
        }
      },
      onDownstreamFinish: (cause) => {
        this.first = null;
        if (!this.isClosed(inlet)) this.cancel(inlet, cause);
      },
    });
    const subSink = new SubSinkInlet<O>(this, 'LazyFlow.sink');
    subSink.setHandler({
      onPush: () => this.push(this.stage.out, subSink.grab()),
      onUpstreamFinish: () => this.completeStage(),
      onUpstreamFailure: (error) => this.failStage(error),
    });
    this.subSource = subSource;
    this.subSink = subSink;
    let m: M;
    try {
      m = materializeIntoParent(this, linear(linear(subSource.source.module, flow.module, keepRight), subSink.sink.module, null)) as M;
    } catch (e) {
      return this.createFailed(e);
    }
    this.result.materialized(m);
    if (this.isAvailable(this.stage.out)) subSink.pull();
  }

  override postStop(): void {
    this.subSink?.cancel();
    if (this.subSource !== null && !this.subSource.isClosed()) this.subSource.complete();
    this.result.never(this.stageName, 'lazy flow');
  }
}
