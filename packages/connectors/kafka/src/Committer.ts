/**
 * Committing offsets in batches (Alpakka's `Committer`). All variants aggregate offsets (the highest per
 * partition), commit when `maxBatch` offsets have arrived or `maxIntervalMs` has passed, keep at most
 * `parallelism` commits in flight, and commit the last partial batch when upstream completes or fails.
 *
 * - **Emits when** (flows) a batch has been committed (in order).
 * - **Backpressures when** a full batch waits because `parallelism` commits are in flight (or not yet emitted).
 * - **Completes when** upstream completed and every batch is committed; **fails** when a commit fails
 *   (after `ConsumerSettings.commitTimeoutMs`, retries during rebalances included) or, after committing
 *   what it has, when upstream fails.
 * - **Cancels when** downstream cancels (what is aggregated is still committed).
 */
import { Flow, FlowWithContext, Keep, type NotUsed, Sink } from '@tributary/core';
import { CommitterSettings } from './CommitterSettings.js';
import type { Committable, CommittableOffsetBatch } from './ConsumerMessage.js';
import { CommitterStage } from './internal/CommitterStage.js';
import { describeValue } from './internal/validate.js';

/** Alpakka's `Done`: what `Committer.flow` emits per committed batch. */
export type Done = 'Done';
export const Done: Done = 'Done';

function check(op: string, settings: unknown): CommitterSettings {
  if (!(settings instanceof CommitterSettings)) throw new TypeError(`${op}: settings must be CommitterSettings, got ${describeValue(settings)}`);
  return settings;
}

export const Committer = {
  /** Commits batches and emits each committed `CommittableOffsetBatch`. */
  batchFlow(settings: CommitterSettings = CommitterSettings.defaults): Flow<Committable, CommittableOffsetBatch> {
    return Flow.fromGraph(new CommitterStage(check('Committer.batchFlow', settings), 'Committer.batchFlow'));
  },

  /** Commits batches and emits `Done` per committed batch. */
  flow(settings: CommitterSettings = CommitterSettings.defaults): Flow<Committable, Done> {
    return Flow.fromGraph(new CommitterStage(check('Committer.flow', settings), 'Committer.flow')).map((): Done => Done);
  },

  /** Commits batches; the promise resolves when every offset is committed and upstream completed. */
  sink(settings: CommitterSettings = CommitterSettings.defaults): Sink<Committable, Promise<void>> {
    return Flow.fromGraph(new CommitterStage(check('Committer.sink', settings), 'Committer.sink')).toMat(Sink.ignore<CommittableOffsetBatch>(), Keep.right);
  },

  /**
   * Commits the contexts of a flow with offset context (Alpakka's `flowWithOffsetContext`): emits
   * `[NotUsed, batch]` per committed `CommittableOffsetBatch`.
   */
  flowWithOffsetContext<E>(settings: CommitterSettings = CommitterSettings.defaults): FlowWithContext<E, Committable, NotUsed, CommittableOffsetBatch> {
    const stage = new CommitterStage(check('Committer.flowWithOffsetContext', settings), 'Committer.flowWithOffsetContext');
    return FlowWithContext.fromTuples(
      Flow.create<[E, Committable]>()
        .map((pair) => pair[1])
        .via(Flow.fromGraph(stage))
        .map((batch): [NotUsed, CommittableOffsetBatch] => [undefined, batch]),
    );
  },

  /**
   * Commits the contexts of a source or flow with offset context (`Consumer.sourceWithOffsetContext`),
   * or `[element, offset]` pairs; the promise resolves once every offset is committed and upstream completed.
   */
  sinkWithOffsetContext<E>(settings: CommitterSettings = CommitterSettings.defaults): Sink<readonly [E, Committable], Promise<void>> {
    const stage = new CommitterStage(check('Committer.sinkWithOffsetContext', settings), 'Committer.sinkWithOffsetContext');
    return Flow.create<readonly [E, Committable]>()
      .map((pair) => pair[1])
      .via(Flow.fromGraph(stage))
      .toMat(Sink.ignore<CommittableOffsetBatch>(), Keep.right);
  },
} as const;
