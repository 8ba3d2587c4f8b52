import type { Cancellable, Scheduler } from '@tributary/core';
import type { ConsumerMetrics } from '@tributary/kafka';
import { formatCount } from '../pipeline/format.js';
import type { ScoringState } from '../scoring/ScoringState.js';

/**
 * The Kafka mode's progress line, at a fixed interval on a scheduler: records out so far, the rate over
 * the last interval, the consumer lag on `sensor-data` (from `Control.metrics()`, cheap enough to poll),
 * the partitions this instance holds and the current model.
 */
export class KafkaProgressReporter {
  private timer: Cancellable | null = null;
  private lastOut = 0;
  private lastAt: number;
  private readonly startedAt: number;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly intervalMs: number,
    private readonly state: ScoringState,
    private readonly metrics: () => ConsumerMetrics,
    private readonly badRecords: () => number,
    private readonly print: (line: string) => void,
  ) {
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError(`KafkaProgressReporter: intervalMs must be a positive number, got ${intervalMs}`);
    this.startedAt = scheduler.now();
    this.lastAt = this.startedAt;
  }

  start(): void {
    this.timer = this.scheduler.scheduleOnce(this.intervalMs, () => this.tick());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private tick(): void {
    const now = this.scheduler.now();
    const stats = this.state.stats();
    const out = stats.scored + stats.unscored;
    const rate = ((out - this.lastOut) * 1000) / Math.max(now - this.lastAt, 1);
    const metrics = this.metrics();
    const partitions = metrics.assignedPartitions.map((tp) => tp.partition).sort((a, b) => a - b);
    const current = this.state.current();
    const model = current === null ? 'no model yet' : `model "${current.name}" v${current.version}`;
    const badCount = stats.badRecords + this.badRecords();
    const bad = badCount > 0 ? ` · ${formatCount(badCount)} bad` : '';
    this.print(
      `[${((now - this.startedAt) / 1000).toFixed(1)} s] ${formatCount(stats.scored)} scored · ${formatCount(stats.unscored)} unscored${bad} · ` +
        `${formatCount(Math.round(rate))} records/s · lag ${formatCount(metrics.lag)} · partitions [${partitions.join(',')}] · ${model}`,
    );
    this.lastOut = out;
    this.lastAt = now;
    this.start();
  }
}
