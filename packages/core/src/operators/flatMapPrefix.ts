import { linear } from '../impl/Module.js';
import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowShape } from '../stage/Shape.js';
import { SubSinkInlet } from '../stage/SubSinkInlet.js';
import { materializeIntoParent, SubSourceOutlet } from '../stage/SubSourceOutlet.js';
import { FlowStage } from './FlowStage.js';
import { describe, requireFiniteNonNegativeInt, requireFunction } from './validate.js';

/**
 * `flatMapPrefix(n, f)`: collects the first `n` elements (fewer if upstream completes first), calls
 * `f(prefix)` to get a flow, and runs the rest of the stream through that flow (inside this stage's
 * island). The prefix elements are not passed to the flow; `f` decides what to do with them.
 * Supervision does not apply to `f`: there is no element to skip, so a throwing `f` always fails the
 * stream with its error.
 */
export class FlatMapPrefix<I, O> extends FlowStage<I, O> {
  constructor(
    readonly n: number,
    readonly f: (prefix: I[]) => Graph<FlowShape<I, O>, unknown>,
  ) {
    super('flatMapPrefix');
    requireFiniteNonNegativeInt('flatMapPrefix', 'n', n);
    requireFunction('flatMapPrefix', 'f', f);
  }
  createLogic(): GraphStageLogic {
    return new FlatMapPrefixLogic(this);
  }
}

class FlatMapPrefixLogic<I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private prefix: I[] | null = [];
  private subSource: SubSourceOutlet<I> | null = null;
  private subSink: SubSinkInlet<O> | null = null;
  constructor(private readonly stage: FlatMapPrefix<I, O>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    if (this.stage.n === 0) this.materializeFlow();
  }

  onPush(): void {
    const x = this.grab(this.stage.in);
    if (this.subSource !== null) {
      this.subSource.push(x);
      return;
    }
    this.prefix!.push(x);
    if (this.prefix!.length === this.stage.n) this.materializeFlow();
    else this.pull(this.stage.in);
  }

  onUpstreamFinish(): void {
    if (this.subSource !== null) this.subSource.complete();
    else this.materializeFlow();
  }

  onUpstreamFailure(error: unknown): void {
    if (this.subSource !== null) this.subSource.fail(error);
    else this.failStage(error);
  }

  onPull(): void {
    if (this.subSink !== null) this.subSink.pull();
    else if (!this.hasBeenPulled(this.stage.in) && !this.isClosed(this.stage.in)) this.pull(this.stage.in);
  }

  onDownstreamFinish(cause: unknown): void {
    if (this.subSink !== null) this.subSink.cancel(cause);
    else this.cancelStage(cause);
  }

  private materializeFlow(): void {
    const prefix = this.prefix!;
    this.prefix = null;
    let flow: Graph<FlowShape<I, O>, unknown>;
    try {
      flow = this.stage.f(prefix);
      if (flow === null || typeof flow !== 'object' || !(flow.shape instanceof FlowShape)) {
        throw new TypeError(
          `${this.stageName}: f must return a Flow (a graph with a FlowShape), got ${(flow as { shape?: object } | null)?.shape?.constructor.name ?? describe(flow)}`,
        );
      }
    } catch (e) {
      return this.failStage(e);
    }
    const inlet = this.stage.in;
    const subSource = new SubSourceOutlet<I>(this, 'FlatMapPrefix.source');
    subSource.setHandler({
      onPull: () => {
        if (!this.isClosed(inlet) && !this.hasBeenPulled(inlet)) this.pull(inlet);
      },
      onDownstreamFinish: (cause) => {
        if (!this.isClosed(inlet)) this.cancel(inlet, cause);
      },
    });
    const subSink = new SubSinkInlet<O>(this, 'FlatMapPrefix.sink');
    subSink.setHandler({
      onPush: () => this.push(this.stage.out, subSink.grab()),
      onUpstreamFinish: () => this.completeStage(),
    });
    this.subSource = subSource;
    this.subSink = subSink;
    materializeIntoParent(this, linear(linear(subSource.source.module, flow.module, null), subSink.sink.module, null));
    if (this.isClosed(inlet)) subSource.complete();
    if (this.isAvailable(this.stage.out)) subSink.pull();
  }

  override postStop(): void {
    this.subSink?.cancel();
    if (this.subSource !== null && !this.subSource.isClosed()) this.subSource.complete();
  }
}
