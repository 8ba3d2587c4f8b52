import type { Scheduler } from '@tributary/core';
import type { ConsumerMetrics } from '@tributary/kafka';
import { formatCount } from '../pipeline/format.js';
import { ProgressReporter } from '../pipeline/ProgressReporter.js';
import type { ScoringState } from '../scoring/ScoringState.js';

/**
 * The Kafka mode's progress line: the embedded mode's (records out, rate, model), with the records
 * skipped before the stage counted as bad, the consumer lag on `sensor-data` (from `Control.metrics()`,
 * cheap enough to poll) and the partitions this instance holds.
 */
export function kafkaProgressReporter(
  scheduler: Scheduler,
  intervalMs: number,
  state: ScoringState,
  metrics: () => ConsumerMetrics,
  badRecords: () => number,
  print: (line: string) => void,
): ProgressReporter {
  return new ProgressReporter(scheduler, intervalMs, state, print, {
    extraBadRecords: badRecords,
    details: () => {
      const m = metrics();
      const partitions = m.assignedPartitions.map((tp) => tp.partition).sort((a, b) => a - b);
      return `lag ${formatCount(m.lag)} · partitions [${partitions.join(',')}]`;
    },
  });
}
