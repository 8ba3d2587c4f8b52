/**
 * Keeps what successive samples of one materializer need to be compared: the previous snapshot of each
 * stream (for rates), the stages recently named as holding it up, when it last made progress, and the
 * final views of the streams that ended (the most recent `keepFinished`). Time comes from the caller, so
 * a virtual-time scheduler drives it in tests.
 */
import type { DetailedStreamSnapshot } from '@tributary/core';
import { type StreamView, streamView } from './StreamView.js';

/** How many samples the "holding the stream up" vote looks at. */
export const HoldUpWindow = 5;

interface Track {
  snapshot: DetailedStreamSnapshot;
  at: number;
  holdUps: (number | undefined)[];
  progressAt: number;
  view: StreamView;
}

export interface FinishedTotals {
  completed: number;
  failed: number;
  /** Failed streams by the stage where their failure started. */
  readonly failuresByOrigin: Map<string, number>;
}

export class StreamTracker {
  private readonly live = new Map<number, Track>();
  private readonly ended: StreamView[] = [];
  readonly totals: FinishedTotals = { completed: 0, failed: 0, failuresByOrigin: new Map() };
  private sampledAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly stallAfterMs: number,
    private readonly keepFinished: number,
  ) {}

  /** When the latest sample was taken (−Infinity before the first). */
  get lastSampleAt(): number {
    return this.sampledAt;
  }

  /** Takes in the snapshots of every running stream at time `at` (ms). */
  sample(at: number, snapshots: readonly DetailedStreamSnapshot[]): void {
    this.sampledAt = at;
    const seen = new Set<number>();
    for (const snapshot of snapshots) {
      seen.add(snapshot.id);
      this.live.set(snapshot.id, this.advance(at, snapshot, this.live.get(snapshot.id)));
    }
    for (const id of [...this.live.keys()]) if (!seen.has(id)) this.live.delete(id);
  }

  /** Takes in the final snapshot of a stream that ended. */
  finished(at: number, snapshot: DetailedStreamSnapshot): void {
    const track = this.advance(at, snapshot, this.live.get(snapshot.id));
    this.live.delete(snapshot.id);
    const view = track.view;
    if (view.status === 'failed') {
      this.totals.failed++;
      const origin = view.failures[0]?.origin ?? 'unknown';
      this.totals.failuresByOrigin.set(origin, (this.totals.failuresByOrigin.get(origin) ?? 0) + 1);
    } else {
      this.totals.completed++;
    }
    if (this.keepFinished === 0) return;
    this.ended.unshift(view);
    if (this.ended.length > this.keepFinished) this.ended.length = this.keepFinished;
  }

  /** Running streams by id, then the streams that ended, most recent first. */
  views(): StreamView[] {
    const running = [...this.live.values()].map((t) => t.view).sort((a, b) => a.id - b.id);
    return [...running, ...this.ended];
  }

  private advance(at: number, snapshot: DetailedStreamSnapshot, track: Track | undefined): Track {
    const holdUps = track === undefined ? [] : track.holdUps.slice(-(HoldUpWindow - 1));
    holdUps.push(snapshot.holdUp?.stage);
    const progressAt = track === undefined || track.snapshot.progress !== snapshot.progress ? at : track.progressAt;
    const view = streamView({
      snapshot,
      ...(track === undefined ? {} : { previous: { snapshot: track.snapshot, elapsedMs: at - track.at } }),
      recentHoldUps: holdUps,
      idleMs: at - progressAt,
      stallAfterMs: this.stallAfterMs,
    });
    return { snapshot, at, holdUps, progressAt, view };
  }
}
