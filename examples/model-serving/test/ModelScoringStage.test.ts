import { Attributes, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { BadRecordError } from '../src/domain/BadRecordError.js';
import { record, runScoringProbes, temperatureModel } from './scoringProbes.js';

describe('ModelScoringStage', () => {
  it('scores records with a model that arrived first', async () => {
    const { data, models, out, state } = runScoringProbes();
    models.sendNext(temperatureModel('hot', 1));
    out.request(2);
    data.sendNext(record({ temperature: 90, label: 1 })).sendNext(record({ temperature: 60, label: 1 }));
    const hot = await out.expectNext();
    const cold = await out.expectNext();
    expect(hot.model).toEqual({ name: 'hot', version: '1' });
    expect(hot.prediction).toBe(1);
    expect(hot.score).toBeGreaterThan(0.99);
    expect(cold.prediction).toBe(0);
    expect(cold.score).toBeLessThan(0.01);
    expect(hot.createdTs).toBe(hot.record.ts);
    expect(hot.scoredTs).toBeGreaterThanOrEqual(hot.createdTs);
    const stats = state.stats();
    expect(stats.scored).toBe(2);
    expect(stats.unscored).toBe(0);
    expect(stats.models).toHaveLength(1);
    expect(stats.models[0]).toMatchObject({ name: 'hot', version: '1', type: 'logistic-regression', scored: 2, labelled: 2, correct: 1, accuracy: 0.5 });
  });

  it('emits records that arrive before any model unscored, never drops them', async () => {
    const { data, models, out, state } = runScoringProbes();
    expect(state.current()).toBeNull();
    out.request(1);
    const r = record();
    data.sendNext(r);
    const unscored = await out.expectNext();
    expect(unscored).toMatchObject({ record: r, model: null, score: null, prediction: null, createdTs: r.ts });
    expect(state.stats()).toMatchObject({ scored: 0, unscored: 1 });
    // The first model then scores the next record.
    models.sendNext(temperatureModel('first', 1));
    await eventually(() => state.current() !== null);
    out.request(1);
    data.sendNext(record());
    expect((await out.expectNext()).model).toEqual({ name: 'first', version: '1' });
  });

  it('swaps models between two records: each record is scored by the model current when it arrives', async () => {
    const { data, models, out, state } = runScoringProbes();
    models.sendNext(temperatureModel('a', 1, 80));
    await eventually(() => state.current()?.name === 'a');
    out.request(1);
    data.sendNext(record({ temperature: 75 }));
    const first = await out.expectNext();
    expect(first.model?.name).toBe('a');
    expect(first.prediction).toBe(0);
    const sinceA = state.current()!.since;
    models.sendNext(temperatureModel('b', 2, 70));
    await eventually(() => state.current()?.name === 'b');
    expect(state.current()).toMatchObject({ name: 'b', version: '2', type: 'logistic-regression' });
    expect(state.current()!.since).toBeGreaterThanOrEqual(sinceA);
    out.request(1);
    data.sendNext(record({ temperature: 75 }));
    const second = await out.expectNext();
    expect(second.model).toEqual({ name: 'b', version: '2' });
    expect(second.prediction).toBe(1);
    expect(state.stats().models.map((m) => [m.name, m.scored])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('rejects a bad model with a logged reason, counts it and keeps the old model', async () => {
    const { data, models, out, state, log } = runScoringProbes();
    models.sendNext(temperatureModel('good', 1));
    models.sendNext({ type: 'neural-net', name: 'mystery', version: 9 });
    models.sendNext('{ not json');
    models.sendNext({ ...temperatureModel('typo', 2), features: ['temprature'] });
    await eventually(() => state.stats().modelsRejected === 3);
    expect(state.current()).toMatchObject({ name: 'good', version: '1' });
    expect(state.stats()).toMatchObject({
      modelsAccepted: 1,
      modelsRejected: 3,
      modelsRejectedByReason: { 'unknown-type': 1, unparseable: 1, 'wrong-features': 1 },
    });
    const warnings = log.warnings();
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/rejected a model \(unknown-type\).*"neural-net".*still scoring with "good" v1/);
    expect(warnings[1]).toMatch(/rejected a model \(unparseable\): ModelFactory: the model document is not valid JSON/);
    expect(warnings[2]).toMatch(/rejected a model \(wrong-features\).*features\[0\] is "temprature"/);
    out.request(1);
    data.sendNext(record());
    expect((await out.expectNext()).model).toEqual({ name: 'good', version: '1' });
  });

  it('a bad model before any model leaves records unscored', async () => {
    const { data, models, out, state, log } = runScoringProbes();
    models.sendNext({ type: 'logistic-regression', name: 'no-weights', version: 1, features: ['rpm'], bias: 0 });
    await eventually(() => state.stats().modelsRejected === 1);
    expect(log.warnings()[0]).toMatch(/\(missing-field\).*field "weights" is missing; no model yet/);
    out.request(1);
    data.sendNext(record());
    expect((await out.expectNext()).model).toBeNull();
  });

  it('skips bad records, counts them per kind and logs each kind once', async () => {
    const { data, models, out, state, log } = runScoringProbes();
    models.sendNext(temperatureModel('m', 1));
    out.request(2);
    data.sendNext({ deviceId: 'device-01', ts: 1 }); // missing-field
    data.sendNext({ deviceId: 'device-02', ts: 2 }); // missing-field again
    data.sendNext('{"deviceId":'); // unparseable
    data.sendNext({ ...record(), rpm: 'fast' }); // wrong-type
    const good = record({ deviceId: 'device-03' });
    data.sendNext(good);
    expect((await out.expectNext()).record).toEqual(good);
    expect(state.stats()).toMatchObject({ scored: 1, badRecords: 4, badRecordsByKind: { 'missing-field': 2, unparseable: 1, 'wrong-type': 1 } });
    const warnings = log.warnings();
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(
      /skipped a bad record \(missing-field\): record: field "temperature" is missing; further missing-field records are counted, not logged/,
    );
    expect(warnings[1]).toMatch(/\(unparseable\)/);
    expect(warnings[2]).toMatch(/\(wrong-type\): record: field "rpm" must be a finite number, got "fast"/);
    // Skipping pulled the next records on its own: the one outstanding demand is still there.
    data.sendNext(record({ deviceId: 'device-04' }));
    expect((await out.expectNext()).record.deviceId).toBe('device-04');
  });

  it('accepts records as JSON text and bytes', async () => {
    const { data, out } = runScoringProbes();
    out.request(2);
    const r = record();
    data.sendNext(JSON.stringify(r)).sendNext(new TextEncoder().encode(JSON.stringify(r)));
    expect((await out.expectNext()).record).toEqual(r);
    expect((await out.expectNext()).record).toEqual(r);
  });

  it('fails the stream on a bad record when the supervision strategy says stop', async () => {
    const { data, out } = runScoringProbes({}, Attributes.supervisionStrategy(Supervision.stop));
    out.request(1);
    data.sendNext({ deviceId: 'device-01' });
    const error = await out.expectError();
    expect(error).toBeInstanceOf(BadRecordError);
    expect((error as BadRecordError).kind).toBe('missing-field');
  });

  it('a model that returns something other than a probability skips the record as scoring-failed', async () => {
    const { ModelFactory } = await import('../src/model/ModelFactory.js');
    const broken = ModelFactory.standard.register('broken', (doc) => ({
      type: 'broken',
      name: doc.header.name,
      version: doc.header.version,
      threshold: 0.5,
      features: [],
      score: () => Number.NaN,
    }));
    const { data, models, out, state, log } = runScoringProbes({ factory: broken });
    models.sendNext({ type: 'broken', name: 'nan', version: 1 });
    await eventually(() => state.current() !== null);
    out.request(1);
    data.sendNext(record());
    await out.expectNoMessageWhenIdle();
    expect(state.stats().badRecordsByKind).toEqual({ 'scoring-failed': 1 });
    expect(log.warnings()[0]).toMatch(/model "nan" v1 returned NaN/);
  });

  it('pulls data only on downstream demand, one record per requested element', async () => {
    const { data, models, out } = runScoringProbes();
    models.sendNext(temperatureModel('m', 1));
    await data.expectNoMessageWhenIdle();
    out.request(2);
    expect(await data.expectRequest()).toBe(1);
    await data.expectNoMessageWhenIdle(); // one pull at a time
    data.sendNext(record());
    await out.expectNext();
    expect(await data.expectRequest()).toBe(1);
    data.sendNext(record());
    await out.expectNext();
    await data.expectNoMessageWhenIdle(); // demand used up: no more pulls
  });

  it('keeps pulling models while downstream requests nothing (a slow consumer never blocks model updates)', async () => {
    const { data, models, out, state } = runScoringProbes();
    expect(await models.expectRequest()).toBe(1); // pulled at start, before any demand
    for (let v = 1; v <= 5; v++) {
      models.sendNext(temperatureModel('m', v));
      expect(await models.expectRequest()).toBe(1);
    }
    expect(state.current()).toMatchObject({ name: 'm', version: '5' });
    // A record waiting on a consumer that has not asked for it does not hold models up either.
    out.request(1);
    data.sendNext(record());
    await out.expectNext();
    data.sendNext(record()); // not pulled yet: downstream has no demand
    models.sendNext(temperatureModel('m', 6));
    expect(await models.expectRequest()).toBe(1);
    expect(state.current()?.version).toBe('6');
    expect(state.stats().modelsAccepted).toBe(6);
    await out.expectNoMessageWhenIdle();
  });

  it('keeps scoring with the last model after the model source completes', async () => {
    const { data, models, out, state } = runScoringProbes();
    models.sendNext(temperatureModel('last', 1)).sendComplete();
    await eventually(() => state.current() !== null);
    out.request(1);
    data.sendNext(record());
    expect((await out.expectNext()).model?.name).toBe('last');
  });

  it('completes when the data source completes, and cancels the model source', async () => {
    const { data, models, out } = runScoringProbes();
    out.request(1);
    data.sendNext(record()).sendComplete();
    await out.expectNext();
    await out.expectComplete();
    await models.expectCancellation();
  });

  it('fails when the model source fails', async () => {
    const { models, out, data } = runScoringProbes();
    const broken = new Error('models directory vanished');
    models.sendError(broken);
    await out.expectError(broken);
    await data.expectCancellation();
  });

  it('cancels both sources when downstream cancels', async () => {
    const { data, models, out } = runScoringProbes();
    out.cancel();
    await data.expectCancellation();
    await models.expectCancellation();
  });

  it('measures latency from record creation to scored, per model and overall, with the given clock', async () => {
    let now = 10_000;
    const { data, models, out, state } = runScoringProbes({ clock: () => now });
    models.sendNext(temperatureModel('m', 1));
    await eventually(() => state.current() !== null);
    expect(state.current()!.since).toBe(10_000);
    out.request(100);
    for (let i = 1; i <= 100; i++) {
      now = 20_000 + i * 100; // record i is scored i ms after its creation
      data.sendNext(record({ ts: now - i }));
      await out.expectNext();
    }
    const { latency, models: perModel } = state.stats();
    expect(latency.count).toBe(100);
    expect(latency.p50Ms).toBeCloseTo(50, 0);
    expect(latency.p99Ms).toBeCloseTo(99, 0);
    expect(latency.maxMs).toBe(100);
    expect(perModel[0]!.latency).toEqual(latency);
  });

  it('shares nothing between materializations', async () => {
    const first = runScoringProbes();
    const second = runScoringProbes();
    first.models.sendNext(temperatureModel('only-first', 1));
    await eventually(() => first.state.current() !== null);
    expect(second.state.current()).toBeNull();
    expect(second.state.stats().modelsAccepted).toBe(0);
  });
});

async function eventually(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${cond.toString()}`);
    await new Promise<void>((r) => setTimeout(r, 2));
  }
}
