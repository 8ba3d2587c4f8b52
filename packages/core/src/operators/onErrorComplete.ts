import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { RecoveryLogic } from './recoveryInternals.js';
import { describe } from './validate.js';

/** What `onErrorComplete` accepts: nothing (every error), an error class, or a predicate. */
export type ErrorMatcher = ((error: unknown) => boolean) | (abstract new (...args: any[]) => unknown);

function isErrorClass(f: ErrorMatcher): f is abstract new (...args: any[]) => unknown {
  return f === Error || (typeof f.prototype === 'object' && f.prototype instanceof Error);
}

/** Turns a matcher into a predicate (validated at build time). */
export function errorPredicate(op: string, matcher: ErrorMatcher | undefined): (error: unknown) => boolean {
  if (matcher === undefined) return () => true;
  if (typeof matcher !== 'function') throw new TypeError(`${op}: matcher must be an error class or a predicate function, got ${describe(matcher)}`);
  if (isErrorClass(matcher)) return (e) => e instanceof matcher;
  return matcher as (error: unknown) => boolean;
}

/**
 * `onErrorComplete(matcher?)`: completes the stream instead of failing it when the upstream error
 * matches (every error by default); other errors pass on.
 */
export class OnErrorComplete<T> extends FlowStage<T, T> {
  readonly matches: (error: unknown) => boolean;
  constructor(matcher?: ErrorMatcher) {
    super('onErrorComplete');
    this.matches = errorPredicate('onErrorComplete', matcher);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new OnErrorCompleteLogic(this, attributes.supervisionDecider);
  }
}

class OnErrorCompleteLogic<T> extends RecoveryLogic<T, boolean> {
  constructor(stage: OnErrorComplete<T>, decider: Decider) {
    super(stage, decider, stage.matches);
  }
  protected recovered(original: unknown, matched: boolean): void {
    if (matched) this.completeStage();
    else this.failStage(original);
  }
}
