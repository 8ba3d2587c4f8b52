import { MergePreferred as MergePreferredStage } from '../operators/mergePreferred.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { MergePreferredShape } from '../stage/MergePreferredShape.js';
import { junctionFlag } from './junctionOptions.js';
import type { MergeOptions } from './Merge.js';

/**
 * Fan-in junction with `secondaryPorts` ordinary inlets `in(i)` and one `preferred` inlet: when several
 * inputs have an element, the preferred one goes first.
 *
 * - **Emits when** one of the inputs has an element available, preferring `preferred` if several have.
 * - **Backpressures when** downstream backpressures.
 * - **Completes when** all upstreams complete; with `eagerComplete`, when any upstream completes.
 * - **Cancels when** downstream cancels.
 */
export const MergePreferred = {
  create<T>(secondaryPorts: number, options: MergeOptions = {}): Graph<MergePreferredShape<T>, NotUsed> {
    return new MergePreferredStage<T>(secondaryPorts, junctionFlag('MergePreferred', options, 'eagerComplete'));
  },
};
