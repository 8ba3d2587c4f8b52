import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Materializer, Sink, Source } from '@tributary/core';
import { TestSink, VirtualScheduler } from '@tributary/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScoredRecord } from '../src/domain/ScoredRecord.js';
import { sensorRecords } from '../src/generator/sensorRecords.js';
import { ModelDropSchedule } from '../src/pipeline/ModelDropSchedule.js';
import { modelServingGraph } from '../src/pipeline/modelServingGraph.js';
import { RecordingLogger, record, temperatureModel } from './scoringProbes.js';

const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function modelsDir(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'model-drops-'));
  tempDirs.push(dir);
  // Written out of order: the schedule goes by name.
  for (let i = count; i >= 1; i--) await writeFile(join(dir, `${i}-model.json`), JSON.stringify(temperatureModel(`model-${i}`, i)));
  await writeFile(join(dir, 'README.txt'), 'not a model');
  return dir;
}

describe('modelServingGraph', () => {
  it('wires any data source, model source and sink through the scoring stage, handing back every materialized value', async () => {
    const logger = new RecordingLogger();
    const { data, models, scoring, scored } = modelServingGraph({
      data: Source.from<unknown>([record({ temperature: 90 }), 'not json', record({ temperature: 60 })]).mapMaterializedValue(() => 'data-mat'),
      models: Source.single(temperatureModel('m', 1)).mapMaterializedValue(() => 'models-mat'),
      scored: Sink.seq<ScoredRecord>(),
      scoring: { logger },
    }).run();
    expect([data, models]).toEqual(['data-mat', 'models-mat']);
    const out = await scored;
    expect(out.map((r) => r.record.temperature)).toEqual([90, 60]);
    expect(scoring.stats()).toMatchObject({ badRecords: 1, badRecordsByKind: { unparseable: 1 } });
  });
});

describe('ModelDropSchedule', () => {
  it('drops model i when the tap has counted i/n of the records, holding the record at the threshold until the model is out', async () => {
    const schedule = await ModelDropSchedule.fromDirectory(await modelsDir(3), 9);
    expect(schedule.thresholds).toEqual([0, 3, 6]);
    expect(schedule.files.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual(['1-model.json', '2-model.json', '3-model.json']);
    const log: (string | number)[] = [];
    const models = schedule.source().runWith(Sink.foreach((text: string) => log.push(JSON.parse(text).name)));
    const records = Source.from([1, 2, 3, 4, 5, 6, 7])
      .via(schedule.tap<number>())
      .runWith(Sink.foreach((n: number) => log.push(n)));
    await Promise.all([models, records]);
    expect(log).toEqual(['model-1', 1, 2, 3, 'model-2', 4, 5, 6, 'model-3', 7]);
  });

  it('emits nothing before its first threshold is reached', async () => {
    const schedule = await ModelDropSchedule.fromDirectory(await modelsDir(2), 10);
    const models = schedule.source().runWith(TestSink.probe<string>());
    models.request(2);
    await models.expectNoMessage(50); // the tap has not seen a record yet
    const records = Source.from([1, 2, 3, 4, 5]).via(schedule.tap<number>()).runWith(Sink.seq());
    expect(JSON.parse(await models.expectNext()).name).toBe('model-1');
    expect(await records).toEqual([1, 2, 3, 4, 5]);
    await models.expectNoMessage(50); // the second model is due at record 5 of 10: never reached
    models.cancel();
  });

  it('refuses a negative record count', async () => {
    await expect(ModelDropSchedule.fromDirectory(await modelsDir(1), -1)).rejects.toThrow(/totalRecords must be a non-negative integer, got -1/);
  });
});

describe('sensorRecords', () => {
  it('emits `count` records, created on demand with the given clock', async () => {
    let now = 0;
    const out = await sensorRecords({ seed: 1, count: 5, clock: () => (now += 10) }).runWith(Sink.seq());
    expect(out.map((r) => r.ts)).toEqual([10, 20, 30, 40, 50]);
    expect(await sensorRecords({ seed: 1, count: 0 }).runWith(Sink.seq())).toEqual([]);
  });

  it('paces records at --rate with core throttle (virtual time), stamping each when it leaves', async () => {
    const scheduler = new VirtualScheduler();
    const probe = sensorRecords({ seed: 1, count: 1000, rate: 100, clock: () => scheduler.now() }).runWith(TestSink.probe(), new Materializer({ scheduler }));
    probe.request(1000);
    // A burst of 10 ms worth of records (1 at 100/s), then one every 10 ms.
    const first = await probe.expectNext();
    await probe.expectNoMessageWhenIdle();
    await scheduler.advance(10);
    const second = await probe.expectNext();
    await scheduler.advance(10);
    const third = await probe.expectNext();
    expect([first.ts, second.ts, third.ts]).toEqual([0, 10, 20]);
    probe.cancel();
  });

  it('an endless source without count', async () => {
    expect(
      await sensorRecords({ seed: 2 })
        .take(2500)
        .runWith(Sink.fold(0, (n) => n + 1)),
    ).toBe(2500);
  });

  it('refuses bad options with the option named', () => {
    expect(() => sensorRecords({ seed: 0.5 })).toThrow('sensorRecords: seed must be a safe integer, got 0.5');
    expect(() => sensorRecords({ seed: 1, count: -1 })).toThrow('sensorRecords: count must be a non-negative integer, got -1');
    expect(() => sensorRecords({ seed: 1, rate: 0 })).toThrow('sensorRecords: rate must be a positive integer (records per second), got 0');
  });
});
