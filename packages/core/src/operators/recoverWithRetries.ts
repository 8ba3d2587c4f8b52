import type { Attributes, Decider } from '../stage/Attributes.js';
import type { Graph } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { SourceShape } from '../stage/Shape.js';
import { materializeSubStream, SubSinkInlet } from '../stage/SubSinkInlet.js';
import { FlowStage } from './FlowStage.js';
import { applyRecovery } from './recoveryInternals.js';
import { describe, requireFunction } from './validate.js';

export type RecoverySource<T> = Graph<SourceShape<T>, unknown>;

/**
 * `recoverWithRetries(attempts, pf)` (and `recoverWith(pf)`, with unlimited attempts): when upstream
 * fails and `pf(error)` returns a source, switches to that source — materialized in this stage's island —
 * and keeps emitting from it. If the recovery source fails too, `pf` is asked again, up to `attempts`
 * times in total (-1: without limit). `pf` returning `undefined`, or no attempts left, lets the failure
 * pass on.
 */
export class RecoverWithRetries<T> extends FlowStage<T, T> {
  constructor(
    readonly attempts: number,
    readonly pf: (error: unknown) => RecoverySource<T> | undefined,
    name = 'recoverWithRetries',
  ) {
    super(name);
    if (typeof attempts !== 'number' || !(Number.isInteger(attempts) || attempts === Infinity) || attempts < -1) {
      throw new RangeError(`${name}: attempts must be an integer >= -1 (-1 = no limit), got ${describe(attempts)}`);
    }
    requireFunction(name, 'pf', pf);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new RecoverWithLogic(this, attributes.supervisionDecider);
  }
}

class RecoverWithLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private attempt = 0;
  private sub: SubSinkInlet<T> | null = null;
  constructor(
    private readonly stage: RecoverWithRetries<T>,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    this.push(this.stage.out, this.grab(this.stage.in));
  }
  onPull(): void {
    if (this.sub === null) this.pull(this.stage.in);
    else this.sub.pull();
  }
  onUpstreamFailure(error: unknown): void {
    this.recover(error);
  }
  onDownstreamFinish(cause: unknown): void {
    this.sub?.cancel(cause);
    this.cancelStage(cause);
  }

  private recover(error: unknown): void {
    const { attempts } = this.stage;
    if (attempts !== -1 && this.attempt >= attempts) return this.failStage(error);
    const r = applyRecovery(this.decider, error, this.stage.pf);
    if (!r.ok) return this.failStage(r.error);
    const source = r.value;
    if (source === undefined) return this.failStage(error);
    this.attempt++;
    this.switchTo(source);
  }

  private switchTo(source: RecoverySource<T>): void {
    const out = this.stage.out;
    const sub = new SubSinkInlet<T>(this, 'RecoverWithRetries.in');
    this.sub = sub;
    sub.setHandler({
      onPush: () => this.push(out, sub.grab()),
      onUpstreamFinish: () => this.completeStage(),
      onUpstreamFailure: (e) => {
        if (this.sub === sub) this.recover(e);
      },
    });
    materializeSubStream(this, source, sub);
    if (this.isAvailable(out)) sub.pull();
  }

  override postStop(): void {
    this.sub?.cancel();
  }
}
