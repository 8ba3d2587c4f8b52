import type { Decider } from '../stage/Attributes.js';

/**
 * Supervision deciders, set with `.withAttributes(Attributes.supervisionStrategy(decider))`. Every
 * operator that calls user code consults the decider when that code throws:
 * - `stop`: fail the stream with the error (the default);
 * - `resume`: drop the element and go on;
 * - `restart`: drop the element, reset the operator's state, and go on.
 * A custom decider is any `(error) => 'stop' | 'resume' | 'restart'`.
 */
export const Supervision = {
  stop: (() => 'stop') as Decider,
  resume: (() => 'resume') as Decider,
  restart: (() => 'restart') as Decider,
  /** Aliases with Akka's names. */
  stoppingDecider: (() => 'stop') as Decider,
  resumingDecider: (() => 'resume') as Decider,
  restartingDecider: (() => 'restart') as Decider,
} as const;
