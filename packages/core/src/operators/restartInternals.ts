/**
 * What RestartSource, RestartFlow and RestartSink share (Akka's `RestartWithBackoffLogic`): the inner
 * stream runs *inside the restart stage's island* (sub-fused through SubSinkInlet/SubSourceOutlet), a
 * restart timer on the materializer's scheduler, the restart budget, and the handle that exposes the
 * inner stream's latest materialized value.
 *
 * Restart count and deadline: each (re)start sets a deadline `maxRestartsWithin` ms ahead. When the
 * inner stream ends after that deadline, it ran long enough: the count — which is both the budget and
 * the backoff exponent — starts over from 0.
 */
import { StreamDetachedException } from '../stage/GraphStageLogic.js';
import type { Shape } from '../stage/Shape.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { RestartSettings } from './restartSettings.js';
import { describe } from './validate.js';

/** The `settings` argument of RestartSource/RestartFlow/RestartSink; the error names the factory. */
export function requireSettings(op: string, settings: unknown): void {
  if (!(settings instanceof RestartSettings)) throw new TypeError(`${op}: settings must be RestartSettings, got ${describe(settings)}`);
}

/**
 * The materialized value of a restarting source, flow or sink. Unlike Akka (which materializes
 * `NotUsed`), it gives access to the materialized value of the inner stream that is currently running —
 * a connector's `Control`, a queue, a promise — which changes with every restart.
 */
export interface RestartHandle<M> {
  /**
   * The materialized value of the most recent inner stream; `undefined` until the first one started.
   * (A promise among them is marked as handled: an inner failure that the restart dealt with does not
   * become an unhandled rejection. It still rejects for whoever awaits it.)
   */
  latest(): M | undefined;
  /** How many inner streams were materialized so far (1 after the first start, +1 per restart). */
  readonly materializations: number;
  /**
   * Resolves with the materialized value of the next inner stream to start; rejects with
   * `StreamDetachedException` if the restart stage stops before one does.
   */
  next(): Promise<M>;
  /**
   * Calls `listener` with the materialized value of every inner stream from now on (inside the stream,
   * right after the inner stream was materialized); returns a function that removes the listener.
   */
  onMaterialized(listener: (value: M) => void): () => void;
  /** Whether the restart stage has stopped for good (no further inner stream will start). */
  readonly stopped: boolean;
}

/** @internal */
export class RestartHandleImpl<M> implements RestartHandle<M> {
  private value: M | undefined = undefined;
  private count = 0;
  private done = false;
  private waiting: { resolve: (m: M) => void; reject: (e: unknown) => void }[] = [];
  private readonly listeners = new Set<(value: M) => void>();

  constructor(
    private readonly stageName: () => string,
    private readonly report: (message: string, error: unknown) => void,
  ) {}

  latest(): M | undefined {
    return this.value;
  }
  get materializations(): number {
    return this.count;
  }
  get stopped(): boolean {
    return this.done;
  }
  next(): Promise<M> {
    if (this.done) return Promise.reject(new StreamDetachedException(this.stageName()));
    return new Promise<M>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
  onMaterialized(listener: (value: M) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('RestartHandle.onMaterialized: listener must be a function');
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** @internal */
  _set(m: M): void {
    // An inner result promise (say, Sink.foreach's) rejects when that inner stream fails — which the
    // restart handles. Nobody may be looking at it any more: it must not become an unhandled rejection.
    if (m instanceof Promise) m.catch(() => {});
    this.value = m;
    this.count++;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w.resolve(m);
    for (const l of [...this.listeners]) {
      try {
        l(m);
      } catch (e) {
        this.report(`${this.stageName()}: an onMaterialized listener threw`, e);
      }
    }
  }

  /** @internal */
  _stop(): void {
    if (this.done) return;
    this.done = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w.reject(new StreamDetachedException(this.stageName()));
    this.listeners.clear();
  }
}

const RestartTimer = 'restart';

export abstract class RestartWithBackoffLogic<M> extends TimerGraphStageLogic {
  private restartCount = 0;
  /** Never reset (unlike `restartCount`, which counts towards `maxRestarts`): read by detailed snapshots. */
  private restartsSoFar = 0;
  private resetDeadline = 0;
  /** The outer stream is ending (its upstream finished or its downstream cancelled): no more restarts. */
  protected finishing = false;

  constructor(
    shape: Shape,
    protected readonly settings: RestartSettings,
    /** Restart only when the inner stream failed (`onFailuresWithBackoff`), not when it completed. */
    protected readonly onlyOnFailures: boolean,
    protected readonly handle: RestartHandleImpl<M>,
  ) {
    super(shape);
  }

  override preStart(): void {
    this.resetDeadline = this.materializer.scheduler.now() + this.settings.maxRestartsWithin;
    this.start();
  }

  /** Materializes a fresh inner stream; returns its materialized value. */
  protected abstract startGraph(): M;
  /** Waiting for the restart timer: detach from the (ended) inner stream. */
  protected abstract backoff(): void;

  private start(): void {
    this.handle._set(this.startGraph());
  }

  protected maxRestartsReached(): boolean {
    if (this.materializer.scheduler.now() > this.resetDeadline) this.restartCount = 0;
    return this.restartCount >= this.settings.maxRestarts;
  }

  /** Whether a failure of the inner stream is restarted (rather than passed on). */
  protected restartsOn(error: unknown): boolean {
    try {
      return this.settings.restartOn(error);
    } catch (e) {
      this.materializer.logger?.(`${this.stageName}: the restartOn predicate threw; not restarting`, e);
      return false;
    }
  }

  /** Schedules the next start after the backoff delay and detaches from the ended inner stream. */
  protected scheduleRestart(failure?: { error: unknown }): void {
    const delay = this.settings.delayFor(this.restartCount);
    this.restartCount++;
    this.restartsSoFar++;
    if (failure !== undefined && this.settings.logRestarts) {
      this.materializer.logger?.(
        `${this.stageName}: restarting the inner stream in ${Math.round(delay)} ms after failure #${this.restartCount}`,
        failure.error,
      );
    }
    this.backoff();
    this.scheduleOnce(RestartTimer, delay);
  }

  _restartsTotal(): number {
    return this.restartsSoFar;
  }

  protected onTimer(): void {
    this.resetDeadline = this.materializer.scheduler.now() + this.settings.maxRestartsWithin;
    this.start();
  }

  override postStop(): void {
    this.handle._stop();
  }
}
