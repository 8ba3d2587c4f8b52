import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide } from './FlowStage.js';
import { SourceStage } from './SourceStage.js';
import { requireFunction } from './validate.js';

/**
 * `Source.unfoldResource(create, read, close)`: opens a resource when the stream starts, emits what
 * `read(resource)` returns on each pull until it returns `undefined`, then closes the resource and
 * completes. The resource is closed exactly once, however the stream ends.
 *
 * Supervision when `read` throws: `resume` skips and reads again; `restart` closes the resource, opens
 * a new one and reads from it; `stop` closes the resource and fails with the error.
 */
export class UnfoldResourceSource<R, T> extends SourceStage<T> {
  constructor(
    readonly create: () => R,
    readonly read: (resource: R) => T | undefined,
    readonly close: (resource: R) => void,
  ) {
    super('unfoldResource');
    requireFunction('Source.unfoldResource', 'create', create);
    requireFunction('Source.unfoldResource', 'read', read);
    requireFunction('Source.unfoldResource', 'close', close);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new UnfoldResourceLogic(this, attributes.supervisionDecider);
  }
}

class UnfoldResourceLogic<R, T> extends GraphStageLogic implements OutHandler {
  private resource!: R;
  private open = false;
  constructor(
    private readonly stage: UnfoldResourceSource<R, T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }
  override preStart(): void {
    this.resource = this.stage.create();
    this.open = true;
  }
  private closeResource(): void {
    this.open = false;
    this.stage.close(this.resource);
  }
  onPull(): void {
    for (;;) {
      let x: T | undefined;
      try {
        x = this.stage.read(this.resource);
      } catch (e) {
        const d = decide(this.decider, e);
        if (d === 'stop') {
          this.closeAfterFailure(e);
          return this.failStage(e);
        }
        if (d === 'restart') {
          this.closeResource();
          this.resource = this.stage.create();
          this.open = true;
        }
        continue;
      }
      if (x === undefined) {
        this.closeResource();
        return this.completeStage();
      }
      return this.push(this.stage.out, x);
    }
  }
  private closeAfterFailure(cause: unknown): void {
    if (!this.open) return;
    try {
      this.closeResource();
    } catch (e) {
      if (e !== cause) this._materializer?.logger?.(`${this.stageName}: close failed while the stream was failing`, e);
    }
  }
  override postStop(): void {
    this.closeAfterFailure(undefined);
  }
}
