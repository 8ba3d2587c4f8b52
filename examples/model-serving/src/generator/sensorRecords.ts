import { Source } from '@tributary/core';
import { epochNow } from '../domain/epochNow.js';
import type { SensorRecord } from '../domain/SensorRecord.js';
import { DEFAULT_DEVICE_COUNT, SensorGenerator } from './SensorGenerator.js';

export interface SensorRecordsOptions {
  readonly seed: number;
  /** How many records; omitted = endless (until the stream is stopped). */
  readonly count?: number;
  /** At most this many records per second (core's `throttle`); omitted = as fast as downstream pulls. */
  readonly rate?: number;
  /** Creation timestamps, epoch milliseconds. Default: the process clock with sub-ms resolution. */
  readonly clock?: () => number;
  readonly devices?: number;
}

/**
 * Generated telemetry as a source: deterministic readings and labels for a seed (see
 * `SensorGenerator`), each record stamped with its creation time when it is generated — which is
 * on demand, after the throttle, so waiting for the rate never counts as latency. Each
 * materialization starts the sequence afresh.
 *
 * - **Emits when** downstream pulls (and, with a rate, the rate allows).
 * - **Backpressures when** never: it is a source; it generates only what is pulled.
 * - **Completes when** `count` records were emitted.
 * - **Cancels when** downstream cancels.
 */
export function sensorRecords(options: SensorRecordsOptions): Source<SensorRecord> {
  const { seed, count, rate, clock = epochNow, devices = DEFAULT_DEVICE_COUNT } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`sensorRecords: seed must be a safe integer, got ${seed}`);
  if (count !== undefined && !(Number.isSafeInteger(count) && count >= 0))
    throw new RangeError(`sensorRecords: count must be a non-negative integer, got ${count}`);
  if (rate !== undefined && !(Number.isSafeInteger(rate) && rate > 0))
    throw new RangeError(`sensorRecords: rate must be a positive integer (records per second), got ${rate}`);
  if (!Number.isInteger(devices) || devices <= 0) throw new RangeError(`sensorRecords: devices must be a positive integer, got ${devices}`);
  const ticks: Source<number> = count === undefined ? Source.repeat(0) : count === 0 ? Source.empty<number>() : Source.range(1, count);
  // A small bucket (10 ms of records) keeps the pace even: throttle's default would let 100 ms of
  // records out in one burst at the start, before the first model had a chance to arrive.
  const paced = rate === undefined ? ticks : ticks.throttle(rate, 1000, { maximumBurst: Math.ceil(rate / 100) });
  return paced.statefulMap(
    () => new SensorGenerator(seed, devices),
    (generator, _tick: number) => [generator, generator.next(clock())] as const,
  );
}
