import { requireMillis as requireMs } from '../stage/argumentChecks.js';
import { describe, requireFunction, requireNonNegativeInt } from './validate.js';

/**
 * How `RestartSource`/`RestartFlow`/`RestartSink` (and `RetryFlow`) back off: the n-th restart (n = 0
 * for the first) waits `min(maxBackoff, minBackoff · 2ⁿ) · (1 + r · randomFactor)` ms with r uniformly
 * random in [0, 1) — exponential growth capped at `maxBackoff`, plus up to `randomFactor` of jitter (so
 * a delay may exceed `maxBackoff` by that factor). Immutable: every `with…` returns a new instance.
 *
 * The restart budget: at most `maxRestarts` restarts; the count (and with it the backoff exponent) is
 * reset when the inner stream ran for longer than `maxRestartsWithin` ms since it last started
 * (default: `minBackoff`).
 */
export class RestartSettings {
  readonly maxRestarts: number;
  readonly maxRestartsWithin: number;
  readonly restartOn: (error: unknown) => boolean;
  readonly logRestarts: boolean;

  constructor(
    readonly minBackoff: number,
    readonly maxBackoff: number,
    readonly randomFactor: number,
    options: { maxRestarts?: number; maxRestartsWithin?: number; restartOn?: (error: unknown) => boolean; logRestarts?: boolean } = {},
  ) {
    requireMs('RestartSettings', 'minBackoff', minBackoff, true);
    requireMs('RestartSettings', 'maxBackoff', maxBackoff, true);
    if (maxBackoff < minBackoff) throw new RangeError(`RestartSettings: maxBackoff (${maxBackoff}) must not be less than minBackoff (${minBackoff})`);
    if (typeof randomFactor !== 'number' || !(randomFactor >= 0 && randomFactor <= 1)) {
      throw new RangeError(`RestartSettings: randomFactor must be a number between 0 and 1, got ${describe(randomFactor)}`);
    }
    this.maxRestarts = options.maxRestarts ?? Infinity;
    this.maxRestartsWithin = options.maxRestartsWithin ?? minBackoff;
    this.restartOn = options.restartOn ?? (() => true);
    this.logRestarts = options.logRestarts ?? true;
  }

  /** `RestartSettings(minBackoff, maxBackoff, randomFactor)`: unlimited restarts, restarting on every failure. */
  static create(minBackoff: number, maxBackoff: number, randomFactor: number): RestartSettings {
    return new RestartSettings(minBackoff, maxBackoff, randomFactor);
  }

  private copy(o: {
    maxRestarts?: number;
    maxRestartsWithin?: number;
    restartOn?: (error: unknown) => boolean;
    logRestarts?: boolean;
    min?: number;
    max?: number;
    rf?: number;
  }): RestartSettings {
    return new RestartSettings(o.min ?? this.minBackoff, o.max ?? this.maxBackoff, o.rf ?? this.randomFactor, {
      maxRestarts: o.maxRestarts ?? this.maxRestarts,
      maxRestartsWithin: o.maxRestartsWithin ?? this.maxRestartsWithin,
      restartOn: o.restartOn ?? this.restartOn,
      logRestarts: o.logRestarts ?? this.logRestarts,
    });
  }

  withMinBackoff(ms: number): RestartSettings {
    return this.copy({ min: ms });
  }
  withMaxBackoff(ms: number): RestartSettings {
    return this.copy({ max: ms });
  }
  withRandomFactor(factor: number): RestartSettings {
    return this.copy({ rf: factor });
  }

  /**
   * Allows at most `count` restarts (0: none); the count starts over when the inner stream ran for
   * longer than `withinMs` since it last started.
   */
  withMaxRestarts(count: number, withinMs: number): RestartSettings {
    requireNonNegativeInt('RestartSettings.withMaxRestarts', 'count', count);
    requireMs('RestartSettings.withMaxRestarts', 'withinMs', withinMs, false);
    return this.copy({ maxRestarts: count, maxRestartsWithin: withinMs });
  }

  /** Restarts only after failures for which `predicate` holds; other failures pass on. */
  withRestartOn(predicate: (error: unknown) => boolean): RestartSettings {
    requireFunction('RestartSettings.withRestartOn', 'predicate', predicate);
    return this.copy({ restartOn: predicate });
  }

  /** Whether each restart after a failure is reported through the materializer's logger (default true). */
  withLogRestarts(enabled: boolean): RestartSettings {
    return this.copy({ logRestarts: enabled === true });
  }

  /** The delay before the restart that follows `restartCount` earlier ones; `random` in [0, 1). */
  delayFor(restartCount: number, random: number = Math.random()): number {
    const exp = this.minBackoff * 2 ** restartCount;
    const base = Number.isFinite(exp) ? Math.min(this.maxBackoff, exp) : this.maxBackoff;
    return base * (1 + random * this.randomFactor);
  }

  toString(): string {
    return `RestartSettings(minBackoff=${this.minBackoff}, maxBackoff=${this.maxBackoff}, randomFactor=${this.randomFactor}, maxRestarts=${this.maxRestarts}, maxRestartsWithin=${this.maxRestartsWithin})`;
  }
}
