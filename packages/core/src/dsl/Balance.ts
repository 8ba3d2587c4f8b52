import { Balance as BalanceStage } from '../operators/balance.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { UniformFanOutShape } from '../stage/UniformFanOutShape.js';
import { junctionFlag } from './junctionOptions.js';

export interface BalanceOptions {
  /** Pull nothing from upstream until every output has signalled demand once. */
  readonly waitForAllDownstreams?: boolean;
  /** Cancel as soon as any output cancels (default: only when all have). */
  readonly eagerCancel?: boolean;
}

/**
 * Fan-out junction: emits each element to exactly one output, the first one that has demand (a
 * worker pool: `Balance` + one flow per worker + `Merge`).
 *
 * - **Emits when** any of the outputs stops backpressuring; the element goes to the first available output.
 * - **Backpressures when** all of the outputs backpressure.
 * - **Completes when** upstream completes.
 * - **Cancels when** all downstreams cancel; with `eagerCancel`, when any downstream cancels.
 */
export const Balance = {
  create<T>(outputs: number, options: BalanceOptions = {}): Graph<UniformFanOutShape<T, T>, NotUsed> {
    return new BalanceStage<T>(outputs, junctionFlag('Balance', options, 'waitForAllDownstreams'), junctionFlag('Balance', options, 'eagerCancel'));
  },
};
