/**
 * Error operators of FlowOps (see ../FlowOps.ts for the pattern): declared here once with their
 * Emits / Backpressures / Completes / Cancels contract, implemented in `errorOpsImpl`, installed on
 * Source.prototype and Flow.prototype together with the basic operators.
 *
 * The area covers recovering from failures (recover, recoverWith, recoverWithRetries, mapError,
 * onErrorComplete), stopping streams from outside (withSignal) and resources that must be released
 * however a stream ends (mapWithResource). Watching a stream (watchTermination, monitor) adds a
 * materialized value: those are in ./matOps.ts.
 */
import { MapError } from '../../operators/mapError.js';
import { MapWithResource } from '../../operators/mapWithResource.js';
import { type ErrorMatcher, OnErrorComplete } from '../../operators/onErrorComplete.js';
import { Recover } from '../../operators/recover.js';
import { RecoverWithRetries, type RecoverySource } from '../../operators/recoverWithRetries.js';
import { WithSignal, type WithSignalOptions } from '../../operators/withSignal.js';
import type { Graph } from '../../stage/GraphStage.js';
import type { SourceShape } from '../../stage/Shape.js';
import type { HKT, Kind } from '../FlowOps.js';
import type { OpsTable } from './opsTable.js';

export type { ErrorMatcher } from '../../operators/onErrorComplete.js';
export type { WithSignalOptions } from '../../operators/withSignal.js';

export interface ErrorOps<Out, F extends HKT> {
  /**
   * Turns a failure into one last element: when upstream fails, emits what `pf(error)` returns and
   * completes. `pf` returning `undefined` means "not for this error": the failure passes on unchanged.
   *
   * - **Emits when** an element arrives from upstream, or upstream failed and `pf` returned an element.
   * - **Backpressures when** downstream backpressures (the recovery element waits for demand too).
   * - **Completes when** upstream completes, or upstream failed and `pf` returned an element (after it).
   * - **Cancels when** downstream cancels.
   *
   * If `pf` throws, the stream fails with what it threw (supervision `resume`/`restart`: with the
   * original error, as if `pf` had not handled it).
   *
   * @example Source.failed<number>(new Error('x')).recover(() => -1) // -1, then completes
   */
  recover<T = Out>(pf: (error: unknown) => T | undefined): Kind<F, Out | T>;

  /**
   * Switches to another source when upstream fails: `pf(error)` returns the source to continue with
   * (materialized in this stage's island), or `undefined` to let the failure pass. If that source fails
   * too, `pf` is asked again — without limit (see `recoverWithRetries` for a bounded number).
   *
   * - **Emits when** an element arrives from upstream or from the recovery source.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or the recovery source completes.
   * - **Cancels when** downstream cancels (a running recovery source is cancelled too).
   */
  recoverWith<T = Out>(pf: (error: unknown) => Graph<SourceShape<T>, unknown> | undefined): Kind<F, Out | T>;

  /**
   * Like `recoverWith`, switching to recovery sources at most `attempts` times (`-1`: without limit;
   * `0`: never — failures pass on). When the attempts are used up, the last failure passes on.
   *
   * - **Emits when** an element arrives from upstream or from the current recovery source.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or the current recovery source completes.
   * - **Cancels when** downstream cancels (a running recovery source is cancelled too).
   *
   * @example
   * Source.failed<string>(new Error('primary down')).recoverWithRetries(3, () => Source.from(['backup']))
   */
  recoverWithRetries<T = Out>(attempts: number, pf: (error: unknown) => Graph<SourceShape<T>, unknown> | undefined): Kind<F, Out | T>;

  /**
   * Transforms the failure: when upstream fails with `error`, fails downstream with `pf(error)` instead
   * (`undefined`: with the original error). Elements and completion pass through unchanged.
   *
   * - **Emits when** an element arrives from upstream.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes; **fails when** upstream fails (with the mapped error).
   * - **Cancels when** downstream cancels.
   *
   * @example flow.mapError((e) => new ServiceError('ingest failed', { cause: e }))
   */
  mapError(pf: (error: unknown) => unknown): Kind<F, Out>;

  /**
   * Completes instead of failing when upstream fails with a matching error: every error by default, or
   * those that are instances of an error class, or those for which a predicate holds. Other failures
   * pass on.
   *
   * - **Emits when** an element arrives from upstream.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or upstream fails with a matching error.
   * - **Cancels when** downstream cancels.
   *
   * @example source.onErrorComplete(TimeoutError)
   */
  onErrorComplete(matcher?: ErrorMatcher): Kind<F, Out>;

  /**
   * Passes elements through until `signal` aborts. By default an abort fails downstream with
   * `signal.reason` (an `AbortError` `DOMException` unless `abort(reason)` gave one) and cancels
   * upstream with it — the same as the platform's own APIs do; with `{ onAbort: 'complete' }` it
   * completes downstream and cancels upstream instead. A signal that is already aborted ends the stream
   * as soon as it starts. The listener is removed when the stage stops.
   *
   * - **Emits when** an element arrives from upstream.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes (or the signal aborts, with `onAbort: 'complete'`).
   * - **Cancels when** downstream cancels, or the signal aborts.
   *
   * @example
   * const ac = new AbortController();
   * const done = Source.tick(0, 1000, 'ping').withSignal(ac.signal).runForeach(console.log);
   * ac.abort(); // done rejects with the abort reason
   */
  withSignal(signal: AbortSignal, options?: WithSignalOptions): Kind<F, Out>;

  /**
   * Maps each element with a resource (Pekko's, built on `statefulMap`): `create()` opens it when the
   * stage starts, `f(resource, x)` maps every element, and `close(resource)` releases it exactly once
   * however the stream ends (completion, failure, cancellation, materializer shutdown). On completion and
   * on upstream failure the element `close` returns, unless `undefined`, is emitted last (before the
   * failure). If `close` throws, its error is the one the stream fails with.
   *
   * - **Emits when** `f` returned for an element (and, when the resource is closed with downstream still
   *   there, when `close` returned an element).
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes (after the element `close` returned, if any).
   * - **Cancels when** downstream cancels.
   *
   * Supervision when `f` throws: `resume` drops the element; `restart` drops it and replaces the
   * resource (closing the old one, emitting what `close` returned); `stop` closes the resource
   * (emitting what `close` returned) and fails with `f`'s error.
   *
   * @example Source.from(lines).mapWithResource(() => openWriter(path), (w, line) => w.write(line), (w) => w.close())
   */
  mapWithResource<R, T>(create: () => R, f: (resource: R, x: Out) => T, close: (resource: R) => T | undefined): Kind<F, T>;
}

export const errorOpsImpl: OpsTable<ErrorOps<unknown, HKT>> = {
  recover(pf: (error: unknown) => unknown) {
    return this.via(new Recover(pf));
  },
  recoverWith(pf: (error: unknown) => RecoverySource<unknown> | undefined) {
    return this.via(new RecoverWithRetries(-1, pf, 'recoverWith'));
  },
  recoverWithRetries(attempts: number, pf: (error: unknown) => RecoverySource<unknown> | undefined) {
    return this.via(new RecoverWithRetries(attempts, pf));
  },
  mapError(pf: (error: unknown) => unknown) {
    return this.via(new MapError(pf));
  },
  onErrorComplete(matcher?: ErrorMatcher) {
    return this.via(new OnErrorComplete(matcher));
  },
  withSignal(signal: AbortSignal, options?: WithSignalOptions) {
    return this.via(new WithSignal(signal, options));
  },
  mapWithResource(create: () => unknown, f: (r: unknown, x: unknown) => unknown, close: (r: unknown) => unknown) {
    return this.via(new MapWithResource(create, f, close));
  },
};
