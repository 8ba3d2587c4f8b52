/** Inspector.metrics: the Prometheus exposition, read back by a strict text-format reader. */

import { Flow, Keep, Materializer, RestartSettings, RestartSource, Source } from '@tributary/core';
import { Inspector } from '@tributary/inspect';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { parseExposition, valueOf } from './exposition.js';

async function eventually(cond: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('Inspector.metrics', () => {
  it('exposes elements in/out per stream and stage, boundary buffers, restarts and failed stages', async () => {
    const mat = new Materializer({ logger: null });
    const awkward = 'say "hi"\\ to\nthem';
    const [up, down] = TestSource.probe<number>()
      .named('source')
      .async()
      .via(
        Flow.create<number>()
          .map((x) => x + 1)
          .named(awkward),
      )
      .toMat(TestSink.probe<number>().named('sink'), Keep.both)
      .run(mat);
    let starts = 0;
    const restarting = RestartSource.withBackoff(RestartSettings.create(1, 1, 0).withMaxRestarts(10, 60_000), () => {
      starts++;
      return starts < 3 ? Source.failed<number>(new Error('flaky')) : Source.never<number>();
    })
      .named('flaky')
      .runWith(TestSink.probe<number>().named('flaky-sink'), mat);
    restarting.request(1);
    down.request(2);
    up.sendNext(1).sendNext(2).sendNext(3).sendNext(4);
    await down.expectNextN([2, 3]);
    await eventually(() => starts === 3, 'two restarts');
    await eventually(() => mat.detailedSnapshot()[0]!.stages.some((s) => s.boundary?.buffered === 2), 'two elements in the boundary');

    const text = await Inspector.metrics(mat);
    const families = parseExposition(text);
    expect(families.get('tributary_stage_elements_in_total')?.type).toBe('counter');
    expect(valueOf(families, 'tributary_streams_running')).toBe(2);
    expect(valueOf(families, 'tributary_stage_elements_out_total', { stream: '1', stage: 'source' })).toBe(4);
    // The awkward name survives escaping and reads back exactly.
    expect(valueOf(families, 'tributary_stage_elements_in_total', { stream: '1', stage: awkward })).toBe(2);
    expect(valueOf(families, 'tributary_stage_elements_in_total', { stream: '1', stage: 'sink' })).toBe(2);
    expect(valueOf(families, 'tributary_async_boundary_buffered', { stream: '1', from: 'source', to: awkward })).toBe(2);
    expect(valueOf(families, 'tributary_async_boundary_capacity', { stream: '1', from: 'source', to: awkward })).toBe(16);
    expect(valueOf(families, 'tributary_stage_restarts_total', { stream: '2', stage: 'flaky' })).toBe(2);
    // Boundary halves are not stages of their own in the metrics.
    expect(families.get('tributary_stage_elements_in_total')!.samples.some((s) => s.labels.stage === 'asyncBoundary')).toBe(false);
    expect(Inspector.metricsContentType).toMatch(/^text\/plain; version=0\.0\.4/);

    down.cancel();
    restarting.cancel();
    mat.shutdown();
  });

  it('reports the lag of Kafka consumers it is given, and rejects what is not a consumer Control', async () => {
    const mat = new Materializer({ logger: null });
    const control = {
      metrics: () => ({
        partitions: [
          { topic: 'orders', partition: 0, lag: 12 },
          { topic: 'orders', partition: 1, lag: -1 },
        ],
      }),
    };
    const families = parseExposition(await Inspector.metrics(mat, { kafkaConsumers: { billing: control } }));
    expect(valueOf(families, 'tributary_kafka_consumer_lag', { consumer: 'billing', topic: 'orders', partition: '0' })).toBe(12);
    expect(valueOf(families, 'tributary_kafka_consumer_lag', { consumer: 'billing', topic: 'orders', partition: '1' })).toBe(-1);
    expect(valueOf(families, 'tributary_streams_running')).toBe(0);
    await expect(Inspector.metrics(mat, { kafkaConsumers: { billing: {} as never } })).rejects.toThrow(
      'Inspector.metrics: kafkaConsumers["billing"] must be a consumer Control (an object with metrics()), got object',
    );
    await expect(Inspector.metrics({} as never)).rejects.toThrow('Inspector.metrics: expected a Materializer, got object');
    mat.shutdown();
  });

  it('the strict reader rejects malformed expositions (so the checks above can fail)', () => {
    expect(() => parseExposition('x 1\n')).toThrow('before (or without) its TYPE');
    expect(() => parseExposition('# TYPE x counter\nx -1\n')).toThrow('non-negative');
    expect(() => parseExposition('# TYPE x gauge\nx{a="b\\q"} 1\n')).toThrow('bad escape');
    expect(() => parseExposition('# TYPE x gauge\nx{a="1"} 1\nx{a="1"} 2\n')).toThrow('series repeated');
    expect(() => parseExposition('# TYPE x gauge\nx 1')).toThrow('end with a line break');
    expect(() => parseExposition('# TYPE x gauge\nx one\n')).toThrow('bad value');
  });
});
