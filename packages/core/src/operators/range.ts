import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { type Cursor, RangeCursor } from './cursor.js';
import { CursorSourceLogic } from './cursorSource.js';
import { composeFused, type Fusable, type FusedFn, fusedName, type FusionHost, type SyncSourceHost } from './fusion.js';
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
    readonly fn: FusedFn | null = null,
    private readonly names = 'range',
  ) {
    super('range');
    requireFiniteNumber('Source.range', 'start', start);
    requireFiniteNumber('Source.range', 'endInclusive', end);
    requireFiniteNumber('Source.range', 'step', step);
    if (step === 0) throw new RangeError('Source.range: step must not be 0');
  }
  override get defaultName(): string {
    return this.names;
  }
  createCursor(): Cursor {
    return new RangeCursor(this.start, this.end, this.step);
  }
  fuse(next: Fusable): RangeSource {
    return new RangeSource(this.start, this.end, this.step, composeFused(this.fn, next.fusedFn), fusedName(this.names, next.defaultName));
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new CursorSourceLogic(this, attributes.supervisionDecider);
  }
}
