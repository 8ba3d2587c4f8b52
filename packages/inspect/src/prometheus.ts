/**
 * The Prometheus text exposition of a materializer's streams, rendered by `prom-client` into a registry
 * of its own for each scrape (the values are read from snapshots, not accumulated here), so nothing
 * leaks into the application's `prom-client` default registry.
 *
 * Series are labelled by `stream` (the materializer's stream id), `stage` (its name) and `stage_id`
 * (unique within the stream: names repeat). Counters of a stream disappear when it ends; the totals of
 * ended streams are kept by a served inspector only (it watches streams end).
 */

import type { DetailedStreamSnapshot } from '@tributary/core';
import { Counter, Gauge, Registry } from 'prom-client';
import type { FinishedTotals } from './StreamTracker.js';

/** What the inspector needs of a Kafka consumer's `Control` (its `metrics()`), to report consumer lag. */
export interface KafkaConsumerMetricsSource {
  metrics(): { readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly lag: number }[] };
}

export interface MetricsOptions {
  /**
   * Kafka consumer sources to report lag for, by a name of your choice (the `consumer` label): the
   * `Control` each `Consumer` source materializes.
   */
  readonly kafkaConsumers?: Readonly<Record<string, KafkaConsumerMetricsSource>>;
}

export const PrometheusContentType = Registry.PROMETHEUS_CONTENT_TYPE;

export function validateMetricsOptions(where: string, options: MetricsOptions | undefined): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${where}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const consumers = options.kafkaConsumers;
  if (consumers === undefined) return;
  if (consumers === null || typeof consumers !== 'object')
    throw new TypeError(`${where}: kafkaConsumers must be an object of name → consumer Control, got ${consumers === null ? 'null' : typeof consumers}`);
  for (const [name, control] of Object.entries(consumers)) {
    if (control === null || typeof control !== 'object' || typeof (control as { metrics?: unknown }).metrics !== 'function') {
      throw new TypeError(
        `${where}: kafkaConsumers["${name}"] must be a consumer Control (an object with metrics()), got ${control === null ? 'null' : typeof control}`,
      );
    }
  }
}

export async function renderMetrics(snapshots: readonly DetailedStreamSnapshot[], options: MetricsOptions = {}, totals?: FinishedTotals): Promise<string> {
  const registry = new Registry();
  const stageLabels = ['stream', 'stage', 'stage_id'] as const;
  const running = new Gauge({ name: 'tributary_streams_running', help: 'Streams of the materializer that are running', registers: [registry] });
  const elementsIn = new Counter({
    name: 'tributary_stage_elements_in_total',
    help: 'Elements delivered to the stage',
    labelNames: stageLabels,
    registers: [registry],
  });
  const elementsOut = new Counter({
    name: 'tributary_stage_elements_out_total',
    help: 'Elements the stage pushed that were delivered downstream',
    labelNames: stageLabels,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'tributary_stage_failures_total',
    help: 'Stages of running streams that failed (1 per failed stage); origin is the stage where the error started',
    labelNames: [...stageLabels, 'origin'],
    registers: [registry],
  });
  const restarts = new Counter({
    name: 'tributary_stage_restarts_total',
    help: 'Inner streams restarted by a restart stage',
    labelNames: stageLabels,
    registers: [registry],
  });
  const boundaryLabels = ['stream', 'from', 'to'] as const;
  const buffered = new Gauge({
    name: 'tributary_async_boundary_buffered',
    help: 'Elements in the buffer of an async boundary',
    labelNames: boundaryLabels,
    registers: [registry],
  });
  const capacity = new Gauge({
    name: 'tributary_async_boundary_capacity',
    help: 'Size of the buffer of an async boundary',
    labelNames: boundaryLabels,
    registers: [registry],
  });

  running.set(snapshots.length);
  for (const s of snapshots) {
    const names = new Map<number, string>();
    for (const stage of s.stages) names.set(stage.id, stage.name);
    for (const stage of s.stages) {
      if (stage.boundary !== undefined) continue;
      const labels = { stream: String(s.id), stage: stage.name, stage_id: String(stage.id) };
      elementsIn.inc(labels, stage.elementsIn);
      elementsOut.inc(labels, stage.elementsOut);
      if (stage.failure !== undefined) failures.inc({ ...labels, origin: stage.failure.origin }, 1);
      if (stage.restarts !== undefined) restarts.inc(labels, stage.restarts);
    }
    // One series per boundary, named by the stages on either side of it.
    const feeding = new Map<number, string>();
    const fed = new Map<number, string>();
    for (const c of s.connections) {
      feeding.set(c.toStage, names.get(c.fromStage) ?? '?');
      fed.set(c.fromStage, names.get(c.toStage) ?? '?');
    }
    for (const stage of s.stages) {
      if (stage.boundary?.side !== 'upstream') continue;
      const labels = { stream: String(s.id), from: feeding.get(stage.id) ?? '?', to: fed.get(stage.boundary.peer) ?? '?' };
      buffered.set(labels, stage.boundary.buffered);
      capacity.set(labels, stage.boundary.capacity);
    }
  }

  if (totals !== undefined) {
    const finished = new Counter({
      name: 'tributary_streams_finished_total',
      help: 'Streams that ended while the inspector was serving, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    finished.inc({ outcome: 'completed' }, totals.completed);
    finished.inc({ outcome: 'failed' }, totals.failed);
    const failedBy = new Counter({
      name: 'tributary_stream_failures_total',
      help: 'Streams that ended with a failure, by the stage where it started',
      labelNames: ['origin'],
      registers: [registry],
    });
    for (const [origin, n] of totals.failuresByOrigin) failedBy.inc({ origin }, n);
  }

  const consumers = options.kafkaConsumers;
  if (consumers !== undefined) {
    const lag = new Gauge({
      name: 'tributary_kafka_consumer_lag',
      help: 'Records in the partition the consumer source has not emitted yet (-1: unknown)',
      labelNames: ['consumer', 'topic', 'partition'],
      registers: [registry],
    });
    for (const [name, control] of Object.entries(consumers)) {
      for (const p of control.metrics().partitions) lag.set({ consumer: name, topic: p.topic, partition: String(p.partition) }, p.lag);
    }
  }
  return registry.metrics();
}
