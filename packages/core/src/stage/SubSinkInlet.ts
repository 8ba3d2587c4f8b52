/**
 * Lets a running stage consume a nested stream (flatMapConcat, lazySource, …) inside its own island:
 * the stage materializes `source.to(subInlet.sink)` with `materializeSubStream`, and then drives the
 * nested stream through this handle — `pull`, `grab`, `cancel` — while its events arrive at the
 * handler set with `setHandler`, running as the parent stage (an exception fails the parent).
 */
import { IllegalStageUsageError, NoMoreElementsNeeded, Running } from '../impl/GraphInterpreter.js';
import { linear } from '../impl/Module.js';
import { type Graph, GraphStage, type NotUsed } from './GraphStage.js';
import { GraphStageLogic, type InHandler } from './GraphStageLogic.js';
import { Inlet } from './Ports.js';
import { SinkShape, type SourceShape } from './Shape.js';

export class SubSinkInlet<T> {
  /** @internal */ _logic: SubSinkLogic<T> | null = null;
  private handler: InHandler | null = null;
  private readonly stage: SubSinkStage<T>;

  constructor(
    /** @internal */ readonly _parent: GraphStageLogic,
    readonly name: string,
  ) {
    this.stage = new SubSinkStage(this);
  }

  setHandler(handler: InHandler): void {
    this.handler = handler;
  }

  /** @internal */ get _handler(): InHandler {
    if (this.handler === null) throw new IllegalStageUsageError(`SubSinkInlet ${this.name} of ${this._parent.stageName} has no handler`);
    return this.handler;
  }

  /** The sink to attach to the nested stream. It may be materialized once. */
  get sink(): Graph<SinkShape<T>, NotUsed> {
    return this.stage;
  }

  private logic(op: string): SubSinkLogic<T> {
    if (this._logic === null) throw new IllegalStageUsageError(`${op}: SubSinkInlet ${this.name} of ${this._parent.stageName} is not materialized`);
    return this._logic;
  }

  pull(): void {
    const l = this.logic('pull');
    l.pull(l.in);
  }
  grab(): T {
    const l = this.logic('grab');
    return l.grab(l.in);
  }
  isAvailable(): boolean {
    return this._logic !== null && this._logic.isAvailable(this._logic.in);
  }
  hasBeenPulled(): boolean {
    return this._logic !== null && this._logic._phase === Running && this._logic.hasBeenPulled(this._logic.in);
  }
  isClosed(): boolean {
    return this._logic === null || this._logic._phase !== Running || this._logic.isClosed(this._logic.in);
  }
  cancel(cause: unknown = NoMoreElementsNeeded): void {
    const l = this._logic;
    if (l !== null && l._phase === Running && !l.isClosed(l.in)) l.cancel(l.in, cause);
  }
}

class SubSinkStage<T> extends GraphStage<SinkShape<T>> {
  readonly in = new Inlet<T>('SubSink.in');
  readonly shape = new SinkShape(this.in);
  constructor(readonly handle: SubSinkInlet<T>) {
    super();
  }
  override get defaultName(): string {
    return `${this.handle._parent.stageName}/${this.handle.name}`;
  }
  createLogic(): GraphStageLogic {
    if (this.handle._logic !== null) throw new IllegalStageUsageError(`SubSinkInlet ${this.handle.name} can only be materialized once`);
    const logic = new SubSinkLogic(this);
    this.handle._logic = logic;
    return logic;
  }
}

class SubSinkLogic<T> extends GraphStageLogic implements InHandler {
  readonly in: Inlet<T>;
  constructor(private readonly stage: SubSinkStage<T>) {
    super(stage.shape);
    this.in = stage.in;
    this.setHandler(stage.in, this);
  }
  /** Runs parent code; its failures belong to the parent stage. */
  private asParent(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.stage.handle._parent.failStage(e);
    }
  }
  onPush(): void {
    this.asParent(() => this.stage.handle._handler.onPush());
  }
  onUpstreamFinish(): void {
    const h = this.stage.handle._handler;
    this.asParent(() => h.onUpstreamFinish?.());
  }
  onUpstreamFailure(error: unknown): void {
    const h = this.stage.handle._handler;
    if (h.onUpstreamFailure !== undefined) this.asParent(() => h.onUpstreamFailure!(error));
    else this.stage.handle._parent.failStage(error);
  }
}

/**
 * Materializes `source` into `parent`'s island, feeding `subInlet`; returns the source's materialized
 * value. The nested stages start immediately; their events interleave with the parent's. As in Pekko,
 * they inherit `parent`'s attributes (supervision, subscription timeout, input buffer, custom ones; not
 * its name), under the source's own.
 */
export function materializeSubStream<T, M>(parent: GraphStageLogic, source: Graph<SourceShape<T>, M>, subInlet: SubSinkInlet<T>): M {
  const interpreter = parent._interpreter;
  if (interpreter === null) throw new IllegalStageUsageError(`${parent.stageName}: cannot materialize a substream before the stage runs`);
  const module = linear(source.module, subInlet.sink.module, null);
  return parent.materializer.materializeInto(module, interpreter, () => {}, parent.attributes.inheritedByInnerStreams) as M;
}
