/**
 * The law of committing with offset context, property-tested without a broker: an offset is committed
 * only once every element that carries it — or an earlier offset of its partition — and that will ever
 * reach the committer has reached it; and when the stream completes, each partition's committed offset is
 * the one after the last element that reached it. Elements are filtered (their context goes with them)
 * and fanned out by `mapConcat` (the context repeated on every copy); with several copies per offset that
 * law needs `CommitWhen.NextOffsetObserved`, with at most one `OffsetFirstObserved` suffices.
 */

import { Source, SourceWithContext } from '@tributary/core';
import { Committer, CommitterSettings, type CommitWhen, ConsumerResultFactory } from '@tributary/kafka';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

interface Rec {
  readonly partition: number;
  readonly offset: number;
  readonly keep: boolean;
  readonly copies: number;
}

/** Runs the stream; returns the violations of the law (none expected). */
async function violationsOf(recs: readonly Omit<Rec, 'offset'>[], maxBatch: number, when: CommitWhen): Promise<string[]> {
  const next = [0, 0, 0];
  const msgs: Rec[] = recs.map((r) => ({ ...r, offset: next[r.partition]!++ }));
  const passed: Rec[] = [];
  const violations: string[] = [];
  const committed = new Map<number, number>();
  const committer = ConsumerResultFactory.committer('g', async (offsets) => {
    for (const c of offsets) {
      const eventually = msgs.filter((m) => m.partition === c.partition && m.offset < c.offset && m.keep).reduce((a, m) => a + m.copies, 0);
      const already = passed.filter((m) => m.partition === c.partition && m.offset < c.offset).length;
      if (already !== eventually) violations.push(`partition ${c.partition} committed ${c.offset} after ${already} of ${eventually} elements before it passed`);
      if ((committed.get(c.partition) ?? 0) > c.offset) violations.push(`partition ${c.partition} went back from ${committed.get(c.partition)} to ${c.offset}`);
      committed.set(c.partition, c.offset);
    }
  });
  await SourceWithContext.fromTuples(Source.from(msgs.map((m) => [m, ConsumerResultFactory.committableOffset(committer, 't', m.partition, m.offset)] as const)))
    .filter((m) => m.keep)
    .mapConcat((m) => Array.from({ length: m.copies }, () => m))
    .map((m) => {
      passed.push(m);
      return m;
    })
    .runWith(Committer.sinkWithOffsetContext(CommitterSettings.create().withMaxBatch(maxBatch).withCommitWhen(when)));
  for (const p of [0, 1, 2]) {
    const last = passed.filter((m) => m.partition === p).reduce((a, m) => Math.max(a, m.offset), -1);
    if (committed.get(p) !== (last >= 0 ? last + 1 : undefined))
      violations.push(`partition ${p} ended at ${committed.get(p)}, its last element passed at ${last}`);
  }
  return violations;
}

async function check(recs: readonly Omit<Rec, 'offset'>[], maxBatch: number, when: CommitWhen): Promise<void> {
  expect(await violationsOf(recs, maxBatch, when)).toEqual([]);
}

const rec = (maxCopies: number) => fc.record({ partition: fc.integer({ min: 0, max: 2 }), keep: fc.boolean(), copies: fc.integer({ min: 0, max: maxCopies }) });

describe('committing with offset context (property)', () => {
  it('NextOffsetObserved: with fan-out, an offset is committed only after every element carrying it passed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rec(3), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (recs, maxBatch) => check(recs, maxBatch, 'NextOffsetObserved')),
      {
        numRuns: 150,
      },
    );
  });

  it('OffsetFirstObserved: with at most one element per offset, the same law holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rec(1), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (recs, maxBatch) => check(recs, maxBatch, 'OffsetFirstObserved')),
      {
        numRuns: 150,
      },
    );
  });

  it('OffsetFirstObserved with fan-out breaks the law — the reason NextOffsetObserved exists', async () => {
    const recs = [
      { partition: 0, keep: true, copies: 3 },
      { partition: 0, keep: true, copies: 1 },
    ];
    expect(await violationsOf(recs, 1, 'OffsetFirstObserved')).toContain('partition 0 committed 1 after 1 of 3 elements before it passed');
    expect(await violationsOf(recs, 1, 'NextOffsetObserved')).toEqual([]);
  });
});
