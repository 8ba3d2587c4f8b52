import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { type Cursor, iterableCursor } from './cursor.js';
import { CursorSourceLogic } from './cursorSource.js';
import { composeFused, type Fusable, type FusedFn, fusedName, type FusionHost, type SyncSourceHost } from './fusion.js';
import { SourceStage } from './SourceStage.js';

/**
 * `Source.from(iterable)`: emits the iterable's elements on demand. Each materialization iterates
 * afresh (arrays by index, other iterables through a new iterator); cancelling calls the iterator's
 * `return()` so generators run their `finally` blocks. A fusion host for map/filter/collect.
 */
export class IterableSource<T> extends SourceStage<T> implements FusionHost, SyncSourceHost {
  constructor(
    readonly iterable: Iterable<T>,
    readonly fn: FusedFn | null = null,
    private readonly names = 'from',
  ) {
    super('from');
  }
  override get defaultName(): string {
    return this.names;
  }
  createCursor(): Cursor {
    return iterableCursor(this.iterable);
  }
  fuse(next: Fusable): IterableSource<unknown> {
    return new IterableSource(this.iterable, composeFused(this.fn, next.fusedFn), fusedName(this.names, next.defaultName));
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new CursorSourceLogic(this, attributes.supervisionDecider);
  }
}
