import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cancellable, Materializer, type Scheduler, SystemScheduler } from '@tributary/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScoredRecord } from '../src/domain/ScoredRecord.js';
import type { SensorRecord } from '../src/domain/SensorRecord.js';
import { SensorGenerator } from '../src/generator/SensorGenerator.js';
import { type EmbeddedOptions, startEmbedded } from '../src/pipeline/runEmbedded.js';
import { shippedModelsDir } from '../src/shippedModelsDir.js';
import { RecordingLogger } from './scoringProbes.js';

/** The records a seed generates, without their creation times (which depend on when they ran). */
function expectedReadings(seed: number, count: number): Omit<SensorRecord, 'ts'>[] {
  const g = new SensorGenerator(seed);
  return Array.from({ length: count }, () => withoutTs(g.next(0)));
}

function withoutTs({ ts: _ts, ...readings }: SensorRecord): Omit<SensorRecord, 'ts'> {
  return readings;
}

async function run(options: Omit<EmbeddedOptions, 'print' | 'logger' | 'onScored'>) {
  const lines: string[] = [];
  const logger = new RecordingLogger();
  const out: ScoredRecord[] = [];
  const started = await startEmbedded({ rate: 50_000, progressIntervalMs: 20, ...options, print: (l) => lines.push(l), logger, onScored: (r) => out.push(r) });
  return { started, lines, logger, out };
}

/** The real scheduler, counting the timers that are still pending. */
class TrackingScheduler implements Scheduler {
  private readonly system = new SystemScheduler();
  pending = 0;
  scheduled = 0;
  now(): number {
    return this.system.now();
  }
  scheduleOnce(delayMs: number, task: () => void): Cancellable {
    this.pending++;
    this.scheduled++;
    const handle = this.system.scheduleOnce(delayMs, () => {
      this.pending--;
      task();
    });
    return {
      cancel: () => {
        const cancelled = handle.cancel();
        if (cancelled) this.pending--;
        return cancelled;
      },
    };
  }
}

const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('embedded model-serving run', () => {
  it('every generated record comes out exactly once, in order, and each later model scores better', async () => {
    const { started, lines, logger, out } = await run({ records: 6000, seed: 42 });
    const { stats, table } = await started.done;

    expect(out.map((r) => withoutTs(r.record))).toEqual(expectedReadings(42, 6000));
    expect(stats).toMatchObject({ scored: 6000, unscored: 0, badRecords: 0, modelsAccepted: 3, modelsRejected: 0 });
    // The models arrive at the start, a third and two thirds of the way through: 2,000 records each.
    expect(stats.models.map((m) => [m.name, m.scored])).toEqual([
      ['basic-logistic', 2000],
      ['full-logistic', 2000],
      ['boosted-trees', 2000],
    ]);
    expect(out[1999]!.model?.name).toBe('basic-logistic');
    expect(out[2000]!.model?.name).toBe('full-logistic');
    const [first, second, third] = stats.models.map((m) => m.accuracy!);
    expect(first).toBeLessThan(second!);
    expect(second).toBeLessThan(third!);
    expect(third).toBeGreaterThan(0.88);
    for (const r of out) expect(r.scoredTs).toBeGreaterThanOrEqual(r.createdTs);

    expect(table).toMatch(/scored/);
    for (const name of ['basic-logistic', 'full-logistic', 'boosted-trees']) expect(table).toContain(name);
    expect(table).toContain('6,000 scored, 0 unscored, 0 bad records skipped; models: 3 accepted, 0 rejected');
    expect(lines.at(-1)).toBe(table);
    expect(lines.some((l) => /^\[\d+\.\d s\] [\d,]+ scored · 0 unscored · [\d,]+ records\/s · model "/.test(l))).toBe(true);
    expect(logger.lines.filter((l) => l.level === 'info').map((l) => l.message)).toEqual([
      'ModelScoringStage: now scoring with "basic-logistic" v1 (logistic-regression)',
      'ModelScoringStage: now scoring with "full-logistic" v1 (logistic-regression)',
      'ModelScoringStage: now scoring with "boosted-trees" v1 (tree-ensemble)',
    ]);
  });

  it('the same seed gives the same scores', async () => {
    const a = await run({ records: 900, seed: 5 });
    const b = await run({ records: 900, seed: 5 });
    await Promise.all([a.started.done, b.started.done]);
    expect(a.out.map((r) => [r.model?.name, r.score])).toEqual(b.out.map((r) => [r.model?.name, r.score]));
  });

  it('--serve keeps generating past --records until stopped, then drains: nothing lost or repeated', async () => {
    const scheduler = new TrackingScheduler();
    const { started, out } = await run({ records: 300, seed: 9, serve: true, rate: 20_000, materializer: new Materializer({ scheduler }) });
    while (out.length < 1500) await new Promise<void>((r) => setTimeout(r, 5));
    started.stop();
    const { stats } = await started.done;
    expect(out.length).toBeGreaterThanOrEqual(1500);
    expect(stats.scored).toBe(out.length);
    expect(out.map((r) => withoutTs(r.record))).toEqual(expectedReadings(9, out.length));
    expect(stats.models.map((m) => m.scored)).toEqual([100, 100, out.length - 200]);
    expect(scheduler.scheduled).toBeGreaterThan(10);
    expect(scheduler.pending).toBe(0); // the throttle's and the progress line's timers are gone
  });

  it('a bad model file is rejected with its reason and counted; the run goes on with the others', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'model-serving-'));
    tempDirs.push(dir);
    await copyFile(join(shippedModelsDir, '1-basic-logistic.json'), join(dir, '1-basic-logistic.json'));
    await writeFile(join(dir, '2-broken.json'), JSON.stringify({ type: 'random-forest', name: 'broken', version: 1 }));
    await copyFile(join(shippedModelsDir, '3-boosted-trees.json'), join(dir, '3-boosted-trees.json'));
    const { started, logger, out } = await run({ records: 3000, seed: 1, modelsDir: dir });
    const { stats, table } = await started.done;
    expect(out).toHaveLength(3000);
    expect(stats).toMatchObject({ modelsAccepted: 2, modelsRejected: 1, modelsRejectedByReason: { 'unknown-type': 1 } });
    expect(stats.models.map((m) => [m.name, m.scored])).toEqual([
      ['basic-logistic', 2000],
      ['boosted-trees', 1000],
    ]);
    expect(logger.warnings()).toEqual([expect.stringMatching(/rejected a model \(unknown-type\).*"random-forest".*still scoring with "basic-logistic" v1/)]);
    expect(table).toContain('models: 2 accepted, 1 rejected');
  });

  it('fails clearly when the models directory has no model documents', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'model-serving-'));
    tempDirs.push(dir);
    await expect(startEmbedded({ records: 10, seed: 1, modelsDir: dir, print: () => {} })).rejects.toThrow(
      `ModelDropSchedule: no model documents (*.json) in ${dir}`,
    );
  });
});
