/**
 * One attached inspector: samples its materializer when a page or a scrape asks (never on a timer of
 * its own), remembers what the comparison of samples needs, and watches streams end so that their last
 * state — failures included — stays visible. `close()` stops watching.
 */
import type { DetailedStreamSnapshot, Materializer } from '@tributary/core';
import { StreamTracker } from './StreamTracker.js';
import { type StreamSummary, type StreamView, summaryOf } from './StreamView.js';

/** Stage name of the inspector's own event streams, which it leaves out of what it shows. */
export const OwnStreamMarker = 'tributary-inspector';

export interface Update {
  /** The materializer's clock (ms) at the sample. */
  readonly at: number;
  readonly streams: readonly StreamSummary[];
  /** The view of the stream asked for, else of the first running one (or the latest that ended); null when there is none. */
  readonly selected: StreamView | null;
}

const isOwn = (s: DetailedStreamSnapshot): boolean => s.stages.some((stage) => stage.name === OwnStreamMarker);

export class InspectorSession {
  private readonly tracker: StreamTracker;
  private readonly stopWatching: () => void;

  constructor(
    readonly materializer: Materializer,
    readonly intervalMs: number,
    stallAfterMs: number,
    keepFinished: number,
  ) {
    this.tracker = new StreamTracker(stallAfterMs, keepFinished);
    this.stopWatching = materializer.onStreamFinished((s) => {
      if (!isOwn(s)) this.tracker.finished(materializer.scheduler.now(), s);
    });
  }

  get totals(): StreamTracker['totals'] {
    return this.tracker.totals;
  }

  /** Running streams' detailed snapshots, without the inspector's own. */
  snapshots(): DetailedStreamSnapshot[] {
    return this.materializer.detailedSnapshot().filter((s) => !isOwn(s));
  }

  /** Samples unless a sample was taken less than half an interval ago (several pages share samples). */
  private sampleIfDue(): void {
    const now = this.materializer.scheduler.now();
    if (now - this.tracker.lastSampleAt >= this.intervalMs / 2) this.tracker.sample(now, this.snapshots());
  }

  views(): StreamView[] {
    this.sampleIfDue();
    return this.tracker.views();
  }

  update(streamId: number | undefined): Update {
    const views = this.views();
    const selected =
      (streamId === undefined ? (views.find((v) => v.status === 'running' || v.status === 'stalled') ?? views[0]) : views.find((v) => v.id === streamId)) ??
      null;
    return { at: this.materializer.scheduler.now(), streams: views.map(summaryOf), selected };
  }

  close(): void {
    this.stopWatching();
  }
}
