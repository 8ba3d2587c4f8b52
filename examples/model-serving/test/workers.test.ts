import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import type { ScoredRecord } from '../src/domain/ScoredRecord.js';
import type { SensorRecord } from '../src/domain/SensorRecord.js';
import { SensorGenerator } from '../src/generator/SensorGenerator.js';
import { startEmbedded } from '../src/pipeline/runEmbedded.js';
import { shippedModelsDir } from '../src/shippedModelsDir.js';
import { workerScoringGraph } from '../src/workers/workerScoringGraph.js';
import { activeResources, expectNoLeaks } from './realClients.js';
import { RecordingLogger } from './scoringProbes.js';

type Readings = Omit<SensorRecord, 'ts'>;
const withoutTs = ({ ts: _ts, ...readings }: SensorRecord): Readings => readings;

/** Records grouped by device, each device's in the order they came. */
function byDevice(records: readonly Readings[]): Map<string, Readings[]> {
  const m = new Map<string, Readings[]>();
  for (const r of records) {
    const list = m.get(r.deviceId) ?? [];
    list.push(r);
    m.set(r.deviceId, list);
  }
  return new Map([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function expectedReadings(seed: number, count: number): Readings[] {
  const g = new SensorGenerator(seed);
  return Array.from({ length: count }, () => withoutTs(g.next(0)));
}

describe('--workers: scoring on worker threads', () => {
  it('every record comes out exactly once, each device in order; each model scores its third, better and better; no thread left', async () => {
    const before = activeResources();
    const out: ScoredRecord[] = [];
    const logger = new RecordingLogger();
    const run = await startEmbedded({ records: 3000, seed: 21, rate: 50_000, workers: 2, print: () => {}, logger, onScored: (r) => out.push(r) });
    const { stats } = await run.done;

    expect(byDevice(out.map((r) => withoutTs(r.record)))).toEqual(byDevice(expectedReadings(21, 3000)));
    expect(stats).toMatchObject({ scored: 3000, unscored: 0, badRecords: 0, modelsAccepted: 3, modelsRejected: 0 });
    expect(stats.models.map((m) => [m.name, m.scored])).toEqual([
      ['basic-logistic', 1000],
      ['full-logistic', 1000],
      ['boosted-trees', 1000],
    ]);
    // The record's model is the one current when it was generated: the k-th record by its third.
    const modelOfRecord = new Map(out.map((r) => [JSON.stringify(withoutTs(r.record)), r.model?.name]));
    const expected = expectedReadings(21, 3000);
    for (const [i, name] of [
      [999, 'basic-logistic'],
      [1000, 'full-logistic'],
      [1999, 'full-logistic'],
      [2000, 'boosted-trees'],
    ] as const) {
      expect(modelOfRecord.get(JSON.stringify(expected[i]))).toBe(name);
    }
    const [first, second, third] = stats.models.map((m) => m.accuracy!);
    expect(first).toBeLessThan(second!);
    expect(second).toBeLessThan(third!);
    expect(logger.lines.filter((l) => l.level === 'info').map((l) => l.message)).toEqual([
      'ModelScoringStage: now scoring with "basic-logistic" v1 (logistic-regression) on 2 worker threads',
      'ModelScoringStage: now scoring with "full-logistic" v1 (logistic-regression) on 2 worker threads',
      'ModelScoringStage: now scoring with "boosted-trees" v1 (tree-ensemble) on 2 worker threads',
    ]);
    await expectNoLeaks(before);
  }, 60_000);

  it('the main thread rejects a bad model before it reaches the workers; the others are still used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'model-serving-workers-'));
    try {
      await copyFile(join(shippedModelsDir, '1-basic-logistic.json'), join(dir, '1-basic-logistic.json'));
      await writeFile(
        join(dir, '2-broken.json'),
        '{"type": "logistic-regression", "name": "broken", "version": 1, "features": ["humidity"], "weights": [1], "bias": 0}',
      );
      await copyFile(join(shippedModelsDir, '3-boosted-trees.json'), join(dir, '3-boosted-trees.json'));
      const out: ScoredRecord[] = [];
      const logger = new RecordingLogger();
      const run = await startEmbedded({
        records: 1200,
        seed: 3,
        rate: 50_000,
        workers: 3,
        modelsDir: dir,
        print: () => {},
        logger,
        onScored: (r) => out.push(r),
      });
      const { stats } = await run.done;
      expect(out).toHaveLength(1200);
      expect(stats).toMatchObject({ modelsAccepted: 2, modelsRejected: 1, modelsRejectedByReason: { 'wrong-features': 1 } });
      expect(stats.models.map((m) => [m.name, m.scored])).toEqual([
        ['basic-logistic', 800],
        ['boosted-trees', 400],
      ]);
      expect(logger.warnings()).toEqual([expect.stringMatching(/rejected a model \(wrong-features\).*still scoring with "basic-logistic" v1/)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('workerScoringGraph with any ends: bad records are counted in the main thread, records before the first model go out unscored', async () => {
    const records = expectedReadings(5, 400).map((r, i) => ({ ...r, ts: i }));
    const inputs: unknown[] = [...records.slice(0, 200), '{"deviceId": "d"}', 'not json', ...records.slice(200)];
    const model = await readFile(join(shippedModelsDir, '3-boosted-trees.json'));
    const logger = new RecordingLogger();
    const graph = workerScoringGraph(
      {
        data: Source.from(inputs),
        models: Source.from([model]),
        scored: Sink.seq<ScoredRecord>(),
        scoring: { logger, clock: () => 1000 },
      },
      2,
    );
    const { scoring, scored, workers } = graph.run();
    const out = await scored;
    await workers.terminated;
    expect(workers.threadIds).toEqual([]);
    expect(byDevice(out.map((r) => withoutTs(r.record)))).toEqual(byDevice(records.map(withoutTs)));
    const stats = scoring.stats();
    expect(stats.scored + stats.unscored).toBe(400);
    expect(stats).toMatchObject({ badRecords: 2, badRecordsByKind: { 'missing-field': 1, unparseable: 1 }, modelsAccepted: 1 });
    expect(out.filter((r) => r.model !== null).every((r) => r.model!.name === 'boosted-trees')).toBe(true);
    expect(logger.warnings()).toHaveLength(2);
    expect(() => graph.run()).toThrow(/this graph was already run/);
    expect(() => workerScoringGraph({ data: Source.empty(), models: Source.empty(), scored: Sink.ignore() }, 0)).toThrow(
      'workerScoringGraph: threads must be a positive integer, got 0',
    );
  }, 60_000);
});
