import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/**
 * `mapWithResource(create, f, close)`: opens a resource when the stage starts, maps every element with
 * `f(resource, x)`, and closes the resource exactly once however the stream ends. On completion the
 * element `close` returns (unless `undefined`) is emitted last.
 *
 * Supervision when `f` throws: `resume` drops the element; `restart` drops it, closes the resource
 * (emitting what `close` returns) and opens a new one; `stop` closes the resource and fails.
 */
export class MapWithResource<R, I, O> extends FlowStage<I, O> {
  constructor(
    readonly create: () => R,
    readonly f: (resource: R, x: I) => O,
    readonly close: (resource: R) => O | undefined,
  ) {
    super('mapWithResource');
    requireFunction('mapWithResource', 'create', create);
    requireFunction('mapWithResource', 'f', f);
    requireFunction('mapWithResource', 'close', close);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MapWithResourceLogic(this, attributes.supervisionDecider);
  }
}

class MapWithResourceLogic<R, I, O> extends GraphStageLogic implements InHandler, OutHandler {
  private resource!: R;
  private open = false;
  constructor(
    private readonly stage: MapWithResource<R, I, O>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  override preStart(): void {
    this.resource = this.stage.create();
    this.open = true;
  }
  /** Closes the resource once; returns what `close` returned. */
  private closeResource(): O | undefined {
    this.open = false;
    return this.stage.close(this.resource);
  }
  onPush(): void {
    const s = this.stage;
    let y: O;
    try {
      y = s.f(this.resource, this.grab(s.in));
    } catch (e) {
      const d = decide(this.decider, e);
      if (d === 'stop') {
        this.closeQuietly(e);
        return this.failStage(e);
      }
      if (d === 'restart') {
        const last = this.closeResource();
        this.resource = s.create();
        this.open = true;
        if (last !== undefined) return this.emit(s.out, last);
      }
      this.pull(s.in);
      return;
    }
    this.push(s.out, y);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    const last = this.closeResource();
    if (last === undefined) this.completeStage();
    else this.emit(this.stage.out, last, () => this.completeStage());
  }
  /** Closing after a failure: the failure wins; an error from `close` is reported, not lost. */
  private closeQuietly(cause: unknown): void {
    if (!this.open) return;
    try {
      this.closeResource();
    } catch (e) {
      if (e !== cause) this._materializer?.logger?.(`${this.stageName}: close failed while the stream was failing`, e);
    }
  }
  override postStop(): void {
    this.closeQuietly(undefined);
  }
}
