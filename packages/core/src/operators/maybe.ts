import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { SourceStageWithMat } from './SourceStage.js';

/**
 * What `Source.maybe()` materializes (Akka's `Promise[Option[T]]`): the stream emits at most one
 * element, decided from outside, once.
 *
 * - `complete(value)` emits `value` (when downstream asks) and completes the stream;
 * - `complete()` completes the stream without an element;
 * - `fail(error)` fails the stream with `error`.
 *
 * Only the first of these counts; each returns whether it was that first one. Once the stream has
 * ended without it — downstream cancelled, the materializer shut down — the handle is completed as if
 * with `complete()`: later calls return false and do nothing.
 */
export interface MaybeHandle<T> {
  complete(): boolean;
  complete(value: T): boolean;
  fail(error: unknown): boolean;
  /** Whether the outcome is decided (by a call above, or by the stream ending first). */
  readonly isCompleted: boolean;
}

type Outcome<T> = { readonly kind: 'value'; readonly value: T } | { readonly kind: 'empty' } | { readonly kind: 'error'; readonly error: unknown };
const Empty: Outcome<never> = { kind: 'empty' };

class MaybeHandleImpl<T> implements MaybeHandle<T> {
  /** @internal Set by the logic when it starts; the outcome then travels through it. */
  _deliver: AsyncCallback<Outcome<T>> | null = null;
  /** @internal The outcome, if decided before the logic started (or the one it received). */
  _outcome: Outcome<T> | null = null;

  get isCompleted(): boolean {
    return this._outcome !== null;
  }

  complete(...value: [] | [T]): boolean {
    return this.decide(value.length === 0 ? Empty : { kind: 'value', value: value[0] as T });
  }

  fail(error: unknown): boolean {
    return this.decide({ kind: 'error', error });
  }

  private decide(outcome: Outcome<T>): boolean {
    if (this._outcome !== null) return false;
    this._outcome = outcome;
    this._deliver?.invoke(outcome);
    return true;
  }
}

/**
 * `Source.maybe<T>()`: emits the element given to the materialized handle's `complete(value)`, or none
 * (`complete()`), or fails (`fail(error)`); until then it emits nothing and does not complete.
 */
export class MaybeSource<T> extends SourceStageWithMat<T, MaybeHandle<T>> {
  constructor() {
    super('maybe');
  }
  createLogicAndMaterializedValue(): [GraphStageLogic, MaybeHandle<T>] {
    const handle = new MaybeHandleImpl<T>();
    return [new MaybeLogic(this, handle), handle];
  }
}

class MaybeLogic<T> extends GraphStageLogic implements OutHandler {
  /** The element waiting for downstream demand. */
  private pending: { readonly value: T } | null = null;
  constructor(
    private readonly stage: MaybeSource<T>,
    private readonly handle: MaybeHandleImpl<T>,
  ) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }

  override preStart(): void {
    const decided = this.handle._outcome;
    if (decided !== null) return this.apply(decided);
    this.handle._deliver = this.getAsyncCallback((outcome) => this.apply(outcome));
  }

  private apply(outcome: Outcome<T>): void {
    if (outcome.kind === 'error') return this.failStage(outcome.error);
    if (outcome.kind === 'empty') return this.completeStage();
    if (this.isAvailable(this.stage.out)) this.emitAndComplete(outcome.value);
    else this.pending = { value: outcome.value };
  }

  onPull(): void {
    const p = this.pending;
    if (p !== null) this.emitAndComplete(p.value);
  }

  private emitAndComplete(value: T): void {
    this.pending = null;
    this.push(this.stage.out, value);
    this.completeStage();
  }

  override postStop(): void {
    this.handle._deliver = null;
    // The stream ended without an outcome (cancelled, shut down): as Akka, the handle counts as
    // completed empty, so a late complete(value) reports that its element went nowhere.
    if (this.handle._outcome === null) this.handle._outcome = Empty;
  }
}
