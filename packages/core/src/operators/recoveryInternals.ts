/** What the operators that handle an upstream failure (recover, mapError, onErrorComplete, recoverWithRetries) share. */
import type { Decider } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, type FlowStage } from './FlowStage.js';

/**
 * Runs a recovery function that is called once, when upstream has already failed. Supervision cannot
 * skip an element here, so: `stop` (the default) fails the stream with the error the function threw;
 * `resume`/`restart` ignore the throw, as if the function had not handled the failure (the stream fails
 * with the original error).
 *
 * Returns `{ ok: true, value }` or `{ ok: false, error }` (the error to fail with).
 */
export function applyRecovery<R>(decider: Decider, original: unknown, f: (e: unknown) => R): { ok: true; value: R } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: f(original) };
  } catch (thrown) {
    return { ok: false, error: decide(decider, thrown) === 'stop' ? thrown : original };
  }
}

/**
 * What recover, mapError and onErrorComplete share: elements and completion pass through untouched;
 * when upstream fails, `f(error)` runs once under `applyRecovery`, and the subclass decides what the
 * result means (emit and complete, fail differently, or complete).
 */
export abstract class RecoveryLogic<T, R> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(
    protected readonly stage: FlowStage<T, T>,
    private readonly decider: Decider,
    private readonly f: (error: unknown) => R,
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
    const r = applyRecovery(this.decider, error, this.f);
    if (!r.ok) this.failStage(r.error);
    else this.recovered(error, r.value);
  }
  /** `f(original)` returned `value` (the stage's ports are still open downstream). */
  protected abstract recovered(original: unknown, value: R): void;
}
