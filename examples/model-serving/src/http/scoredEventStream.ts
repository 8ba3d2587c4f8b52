import type { Source } from '@tributary/core';
import type { ScoredRecord } from '../domain/ScoredRecord.js';

/** What a live subscriber receives: scored records, and a note when it fell behind and some were skipped. */
export type LiveScoredItem = { readonly kind: 'scored'; readonly record: ScoredRecord } | { readonly kind: 'skipped'; readonly count: number };

/** Records a subscriber may fall behind before the newer ones are skipped (and the skip reported). */
export const LIVE_SUBSCRIBER_BACKLOG = 4096;

interface Backlog {
  readonly records: ScoredRecord[];
  skipped: number;
}

/**
 * One live subscriber's view of the scored records (`GET /scored`, `ws://…/scored`). A subscriber
 * never slows the pipeline down: what it has not taken yet waits in a backlog of at most `backlog`
 * records; records arriving while the backlog is full are skipped and the subscriber is told how many
 * (a `skipped` item after the backlog), never silently.
 *
 * - **Emits when** the subscriber pulls and records (or a skip count) are waiting.
 * - **Backpressures when** never: `live` is always pulled.
 * - **Completes when** `live` completes, after the backlog.
 * - **Cancels when** the subscriber cancels.
 */
export function scoredEventStream(live: Source<ScoredRecord>, backlog = LIVE_SUBSCRIBER_BACKLOG): Source<LiveScoredItem> {
  if (!Number.isSafeInteger(backlog) || backlog <= 0) throw new RangeError(`scoredEventStream: backlog must be a positive integer, got ${backlog}`);
  return live
    .conflateWithSeed(
      (record): Backlog => ({ records: [record], skipped: 0 }),
      (acc, record) => {
        if (acc.records.length < backlog) acc.records.push(record);
        else acc.skipped++;
        return acc;
      },
    )
    .mapConcat((acc): LiveScoredItem[] => {
      const items: LiveScoredItem[] = acc.records.map((record) => ({ kind: 'scored', record }));
      if (acc.skipped > 0) items.push({ kind: 'skipped', count: acc.skipped });
      return items;
    });
}
