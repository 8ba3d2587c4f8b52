import type { Attributes } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { type Cursor, iterableCursor } from './cursor.js';
import { cursorSourceLogic } from './cursorSource.js';
import { CREATE_CURSOR, extendChain, FUSE, type Fusable, type FusedChain, type FusionHost, fusedName, type SyncSourceHost } from './fusion.js';
import { SourceStage } from './SourceStage.js';

/**
 * `Source.from(iterable)`: emits the iterable's elements on demand. Each materialization iterates
 * afresh (arrays by index, other iterables through a new iterator); cancelling calls the iterator's
 * `return()` so generators run their `finally` blocks. A fusion host for map/filter/collect.
 */
export class IterableSource<T> extends SourceStage<T> implements FusionHost, SyncSourceHost {
  constructor(
    readonly iterable: Iterable<T>,
    readonly chain: FusedChain | null = null,
    private readonly names = 'from',
  ) {
    super('from');
  }
  /** Arrays are iterated by index (an `ArrayCursor`); other iterables' iterators must see every step. */
  get boundable(): boolean {
    return Array.isArray(this.iterable);
  }
  override get defaultName(): string {
    return this.names;
  }
  [CREATE_CURSOR](): Cursor {
    return iterableCursor(this.iterable);
  }
  [FUSE](next: Fusable): IterableSource<unknown> | null {
    const chain = extendChain(this.chain, next);
    return chain === null ? null : new IterableSource(this.iterable, chain, fusedName(this.names, next.defaultName));
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return cursorSourceLogic(this, attributes.supervisionDecider);
  }
}
