import { VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../src/pipeline/ProgressReporter.js';
import { summaryTable } from '../src/pipeline/summaryTable.js';
import type { CurrentModel, ScoringState, ScoringStats } from '../src/scoring/ScoringState.js';

const emptyStats: ScoringStats = {
  scored: 0,
  unscored: 0,
  badRecords: 0,
  badRecordsByKind: {},
  modelsAccepted: 0,
  modelsRejected: 0,
  modelsRejectedByReason: {},
  latency: { count: 0, p50Ms: null, p99Ms: null, maxMs: 0 },
  models: [],
};

class FakeState implements ScoringState {
  stats_: ScoringStats = emptyStats;
  current_: CurrentModel | null = null;
  current(): CurrentModel | null {
    return this.current_;
  }
  stats(): ScoringStats {
    return this.stats_;
  }
}

describe('ProgressReporter', () => {
  it('prints a line per interval with the rate over that interval and the current model, until stopped', async () => {
    const scheduler = new VirtualScheduler();
    const state = new FakeState();
    const lines: string[] = [];
    const progress = new ProgressReporter(scheduler, 1000, state, (l) => lines.push(l));
    progress.start();
    await scheduler.advance(999);
    expect(lines).toEqual([]);
    state.stats_ = { ...emptyStats, scored: 4000, unscored: 12 };
    await scheduler.advance(1);
    expect(lines).toEqual(['[1.0 s] 4,000 scored · 12 unscored · 4,012 records/s · no model yet']);
    state.stats_ = { ...emptyStats, scored: 6000, unscored: 12, badRecords: 3 };
    state.current_ = { name: 'm', version: '2', type: 'tree-ensemble', since: 0 };
    await scheduler.advance(1000);
    expect(lines[1]).toBe('[2.0 s] 6,000 scored · 12 unscored · 3 bad · 2,000 records/s · model "m" v2');
    progress.stop();
    await scheduler.advance(5000);
    expect(lines).toHaveLength(2);
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('rejects a non-positive interval', () => {
    expect(() => new ProgressReporter(new VirtualScheduler(), 0, new FakeState(), () => {})).toThrow(/intervalMs must be a positive number, got 0/);
  });
});

describe('summaryTable', () => {
  it('has a row per model with scored, accuracy and p50/p99 latency, an unscored row and totals', () => {
    const stats: ScoringStats = {
      ...emptyStats,
      scored: 13_000,
      unscored: 61,
      badRecords: 2,
      modelsAccepted: 2,
      modelsRejected: 1,
      latency: { count: 13_061, p50Ms: 0.0123, p99Ms: 4.5, maxMs: 9 },
      models: [
        {
          name: 'basic-logistic',
          version: '1',
          type: 'logistic-regression',
          since: 0,
          scored: 6500,
          labelled: 6500,
          correct: 4745,
          accuracy: 0.73,
          latency: { count: 6500, p50Ms: 0.0123, p99Ms: 0.5, maxMs: 1 },
        },
        {
          name: 'boosted-trees',
          version: '7',
          type: 'tree-ensemble',
          since: 0,
          scored: 6500,
          labelled: 0,
          correct: 0,
          accuracy: null,
          latency: { count: 6500, p50Ms: 12.34, p99Ms: 130.55, maxMs: 200 },
        },
      ],
    };
    expect(summaryTable(stats, 2000).split('\n')).toEqual([
      'model           version  type                      scored  accuracy  p50 latency  p99 latency',
      '--------------  -------  -------------------  -----------  --------  -----------  -----------',
      'basic-logistic  1        logistic-regression        6,500     73.0%     0.012 ms     0.500 ms',
      'boosted-trees   7        tree-ensemble              6,500         -      12.3 ms     130.6 ms',
      '(no model yet)  -        -                    61 unscored         -            -            -',
      '',
      '13,061 records out in 2.0 s (6,531 records/s): 13,000 scored, 61 unscored, 2 bad records skipped; models: 2 accepted, 1 rejected; latency p50 0.012 ms, p99 4.50 ms',
    ]);
  });
});
