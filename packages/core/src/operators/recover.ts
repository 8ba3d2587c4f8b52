import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { RecoveryLogic } from './recoveryInternals.js';
import { requireFunction } from './validate.js';

/**
 * `recover(pf)`: when upstream fails, emits the element `pf(error)` returns and completes; if `pf`
 * returns `undefined` (not defined for this error) the failure passes on unchanged.
 */
export class Recover<T> extends FlowStage<T, T> {
  constructor(readonly pf: (error: unknown) => T | undefined) {
    super('recover');
    requireFunction('recover', 'pf', pf);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new RecoverLogic(this, attributes.supervisionDecider);
  }
}

class RecoverLogic<T> extends RecoveryLogic<T, T | undefined> {
  constructor(stage: Recover<T>, decider: Decider) {
    super(stage, decider, stage.pf);
  }
  protected recovered(original: unknown, value: T | undefined): void {
    if (value === undefined) this.failStage(original);
    else this.emit(this.stage.out, value, () => this.completeStage());
  }
}
