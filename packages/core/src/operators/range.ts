import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { type Cursor, RangeCursor } from './cursor.js';
import { cursorSourceLogic } from './cursorSource.js';
import { CREATE_CURSOR, extendChain, FUSE, type Fusable, type FusedChain, type FusionHost, fusedName, type SyncSourceHost } from './fusion.js';
import { SourceStage } from './SourceStage.js';
import { requireFiniteNumber } from './validate.js';

/**
 * `Source.range(start, endInclusive, step)`: start, start+step, … up to and including `endInclusive`.
 * A fusion host: following map/filter/collect operators run inside its pull loop.
 */
export class RangeSource extends SourceStage<number> implements FusionHost, SyncSourceHost {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly step: number,
    readonly chain: FusedChain | null = null,
    private readonly names = 'range',
  ) {
    super('range');
    requireFiniteNumber('Source.range', 'start', start);
    requireFiniteNumber('Source.range', 'endInclusive', end);
    requireFiniteNumber('Source.range', 'step', step);
    if (step === 0) throw new RangeError('Source.range: step must not be 0');
  }
  get boundable(): boolean {
    return true;
  }
  override get defaultName(): string {
    return this.names;
  }
  [CREATE_CURSOR](): Cursor {
    return new RangeCursor(this.start, this.end, this.step);
  }
  [FUSE](next: Fusable): RangeSource | null {
    const chain = extendChain(this.chain, next);
    return chain === null ? null : new RangeSource(this.start, this.end, this.step, chain, fusedName(this.names, next.defaultName));
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return cursorSourceLogic(this, attributes.supervisionDecider);
  }
}
