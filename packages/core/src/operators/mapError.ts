import type { Attributes, Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { applyRecovery } from './recover.js';
import { requireFunction } from './validate.js';

/**
 * `mapError(pf)`: when upstream fails, fails downstream with `pf(error)` instead; if `pf` returns
 * `undefined` the original error passes on. Elements and completion pass through unchanged.
 */
export class MapError<T> extends FlowStage<T, T> {
  constructor(readonly pf: (error: unknown) => unknown) {
    super('mapError');
    requireFunction('mapError', 'pf', pf);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new MapErrorLogic(this, attributes.supervisionDecider);
  }
}

class MapErrorLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(
    private readonly stage: MapError<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFailure(error: unknown): void {
    const r = applyRecovery(this.decider, error, this.stage.pf);
    this.failStage(!r.ok ? r.error : r.value === undefined ? error : r.value);
  }
}
