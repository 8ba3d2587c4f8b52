import type { AsyncCallback } from '@tributary/core/stage';
import { _drainAndShutdown, type ConsumerMetrics, type Control } from '../Control.js';
import type { ConsumerHandle } from './ConsumerHandle.js';

/** The control of one materialized consumer source; its requests enter the stage through async callbacks. */
export class ControlImpl implements Control {
  private stopCallback: AsyncCallback<void> | null = null;
  private shutdownCallback: AsyncCallback<void> | null = null;
  private stopped = false;
  private resolveStopped!: () => void;
  private readonly stoppedPromise = new Promise<void>((resolve) => (this.resolveStopped = resolve));

  constructor(
    private readonly handle: ConsumerHandle,
    private readonly metricsOf: () => ConsumerMetrics,
  ) {}

  /** Called by the logic when it is created. */
  bind(stop: AsyncCallback<void>, shutdown: AsyncCallback<void>): void {
    this.stopCallback = stop;
    this.shutdownCallback = shutdown;
  }

  /** Called by the logic once its outlet has completed (or it stopped in any other way). */
  markStopped(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.resolveStopped();
  }

  stop(): Promise<void> {
    if (!this.stopped) this.stopCallback?.invoke(undefined);
    return this.stoppedPromise;
  }

  shutdown(): Promise<void> {
    if (!this.stopped) this.shutdownCallback?.invoke(undefined);
    // The source completes first (no record is emitted after its consumer closed), then the consumer closes.
    return this.stoppedPromise.then(() => this.handle.shutdown());
  }

  get isShutdown(): Promise<void> {
    return this.handle.isShutdown;
  }

  drainAndShutdown<T>(streamCompletion: Promise<T>): Promise<T> {
    return _drainAndShutdown(this, streamCompletion);
  }

  metrics(): ConsumerMetrics {
    return this.metricsOf();
  }
}
