import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { RecoveryLogic } from './recoveryInternals.js';
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

class MapErrorLogic<T> extends RecoveryLogic<T, unknown> {
  constructor(stage: MapError<T>, decider: Decider) {
    super(stage, decider, stage.pf);
  }
  protected recovered(original: unknown, value: unknown): void {
    this.failStage(value === undefined ? original : value);
  }
}
