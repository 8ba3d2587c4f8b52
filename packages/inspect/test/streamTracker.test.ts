/** StreamTracker: successive samples → rates, stall timing, hold-up vote, ended streams and their totals. */

import type { DetailedStreamSnapshot } from '@tributary/core';
import { HoldUpWindow, StreamTracker } from '@tributary/inspect';
import { describe, expect, it } from 'vitest';

function snap(id: number, elements: number, opts: { holdUp?: number; finished?: boolean; failedSink?: boolean } = {}): DetailedStreamSnapshot {
  const failure = opts.failedSink === true ? { message: 'Error: sink broke', origin: 'work' } : undefined;
  return {
    id,
    islands: opts.finished === true ? 0 : 1,
    stages: [
      { id: 0, name: 'source', state: opts.finished === true ? 'completed' : 'waiting for demand', elementsIn: 0, elementsOut: elements, substream: false },
      {
        id: 1,
        name: 'work',
        state: opts.finished === true ? 'completed' : 'waiting for element',
        elementsIn: elements,
        elementsOut: elements,
        substream: false,
        ...(failure === undefined ? {} : { failure }),
      },
      {
        id: 2,
        name: 'sink',
        state: opts.finished === true ? 'completed' : 'waiting for element',
        elementsIn: elements,
        elementsOut: 0,
        substream: false,
        ...(failure === undefined ? {} : { failure }),
      },
    ],
    connections: [
      { from: 'source.out', to: 'work.in', fromStage: 0, toStage: 1, state: 'idle', elements },
      { from: 'work.out', to: 'sink.in', fromStage: 1, toStage: 2, state: 'pulled', elements },
    ],
    progress: elements,
    holdUp: opts.holdUp === undefined ? undefined : { stage: opts.holdUp, reason: 'demand without element' },
    finished: opts.finished === true,
  };
}

describe('StreamTracker', () => {
  it('computes rates between samples and notices when progress stops', () => {
    const t = new StreamTracker(3000, 5);
    t.sample(0, [snap(1, 0, { holdUp: 1 })]);
    expect(t.views()[0]!.edges.map((e) => e.rate)).toEqual([0, 0]);
    t.sample(1000, [snap(1, 50, { holdUp: 1 })]);
    const [moving] = t.views();
    expect(moving!.edges.map((e) => e.rate)).toEqual([50, 50]);
    expect(moving!.stages.find((s) => s.name === 'work')!.holdingUp).toBe(true);
    t.sample(2000, [snap(1, 50, { holdUp: 2 })]);
    expect(t.views()[0]).toMatchObject({ status: 'running', idleMs: 1000 });
    t.sample(4000, [snap(1, 50, { holdUp: 2 })]);
    // 3000 ms without progress: stalled, and the stage named now is the one marked.
    expect(t.views()[0]).toMatchObject({ status: 'stalled', idleMs: 3000, holdUp: { name: 'sink', share: 1 } });
    t.sample(5000, [snap(1, 51, { holdUp: 2 })]);
    expect(t.views()[0]).toMatchObject({ status: 'running', idleMs: 0 });
  });

  it(`votes over the last ${HoldUpWindow} samples`, () => {
    const t = new StreamTracker(60_000, 5);
    const named = [1, 1, 1, 2, 2, 2, 2];
    const marked: (string | undefined)[] = [];
    named.forEach((stage, i) => {
      t.sample(i * 1000, [snap(1, i, { holdUp: stage })]);
      marked.push(t.views()[0]!.holdUp?.name);
    });
    // 1,1,1 → work; then 1,1,1,2 (75%) → work; 1,1,1,2,2 (60%) → work; 1,1,2,2,2 → sink …
    expect(marked).toEqual(['work', 'work', 'work', 'work', 'work', 'sink', 'sink']);
  });

  it('keeps the most recent ended streams and counts their outcomes', () => {
    const t = new StreamTracker(5000, 2);
    t.sample(0, [snap(1, 0), snap(2, 0), snap(3, 0)]);
    t.finished(10, snap(1, 5, { finished: true }));
    t.finished(20, snap(2, 5, { finished: true, failedSink: true }));
    t.finished(30, snap(3, 5, { finished: true }));
    t.sample(40, []);
    expect(t.views().map((v) => [v.id, v.status])).toEqual([
      [3, 'completed'],
      [2, 'failed'],
    ]);
    expect(t.views()[1]!.failures.map((f) => [f.name, f.origin])).toEqual([
      ['work', 'work'],
      ['sink', 'work'],
    ]);
    expect(t.totals.completed).toBe(2);
    expect(t.totals.failed).toBe(1);
    expect([...t.totals.failuresByOrigin]).toEqual([['work', 1]]);
  });

  it('drops streams that left without a final snapshot, and keeps none when keepFinished is 0', () => {
    const t = new StreamTracker(5000, 0);
    t.sample(0, [snap(1, 0), snap(2, 0)]);
    t.sample(1000, [snap(2, 3)]);
    expect(t.views().map((v) => v.id)).toEqual([2]);
    t.finished(1500, snap(2, 4, { finished: true }));
    expect(t.views()).toEqual([]);
    expect(t.totals.completed).toBe(1);
  });
});
