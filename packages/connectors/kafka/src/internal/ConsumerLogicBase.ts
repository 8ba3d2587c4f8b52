/**
 * What every consumer source logic shares: the kafkajs side (a `ConsumerHandle`) wired in through async
 * callbacks, per-partition state that follows rebalances, the rebalance listener, the Control's requests,
 * and metrics. Subclasses decide where accepted records go (one outlet, or one sub-source per partition).
 *
 * ## Rebalances and revoked partitions
 *
 * kafkajs rebalances eagerly: `REBALANCING` (every partition is about to be revoked) is followed by
 * `GROUP_JOIN` with the new assignment. Between the two nothing is emitted, and at `GROUP_JOIN` the
 * records already fetched for partitions this consumer lost are dropped — never emitted — because their
 * new owner reads them again from the committed offset. Partitions kept across the rebalance keep their
 * buffered records; kafkajs would re-read them from the committed offset, so the logic seeks each kept
 * partition to the offset after the last record it received, and drops any record below that offset that
 * still arrives (a duplicate of one already buffered or emitted).
 */
import { type AsyncCallback, GraphStageLogic, type Shape } from '@tributary/core/stage';
import type { TopicPartition } from '../ConsumerRecord.js';
import type { ConsumerSettings } from '../ConsumerSettings.js';
import type { ConsumerMetrics, PartitionMetrics } from '../Control.js';
import type { RebalanceListener, RestrictedConsumer } from '../Subscriptions.js';
import { type Chunk, type ConsumerEvents, type ConsumerHandle, tpKey } from './ConsumerHandle.js';
import type { ControlImpl } from './ControlImpl.js';
import { type Credit, messagesBytes } from './PrefetchGate.js';

export type DropReason = 'revoked' | 'lost' | 'stopped' | 'seek';

export class PartitionState {
  /** Offset after the last record received (-1: unknown); lower offsets that still arrive are duplicates. */
  nextOffset = -1;
  /** The last record emitted (its offset + 1 is the stream's position in the partition), or the position itself. */
  lastEmitted: { readonly offset: string } | null = null;
  private positionValue = -1;
  /** Offset after the last record emitted (-1: none yet). */
  get position(): number {
    return this.lastEmitted !== null ? Number(this.lastEmitted.offset) + 1 : this.positionValue;
  }
  set position(offset: number) {
    this.lastEmitted = null;
    this.positionValue = offset;
  }
  /** Paused by the fetch loop for lack of credit (pause mode); resumed once half the credit is back. */
  paused = false;
  /** Records received by the stage and not yet emitted (their credit is still taken). */
  held = 0;
  /** Their bytes. */
  heldBytes = 0;
  /** Chunks with `seq` up to this were fetched before the last seek of this partition: dropped. */
  barrier = 0;
  /** Manual-offset sources: the start offset is being looked up; records fetched meanwhile are dropped. */
  awaitingOffset = false;
  /** The first offset dropped while awaiting (−1: none): where to seek back to if no start offset is given. */
  droppedWhileAwaiting = -1;
  constructor(
    readonly tp: TopicPartition,
    readonly key: string,
    readonly credit: Credit,
  ) {}
}

export abstract class ConsumerLogicBase extends GraphStageLogic {
  protected readonly partitions = new Map<string, PartitionState>();
  /** True from REBALANCING (or a crash) until the next assignment: nothing is emitted meanwhile. */
  protected rebalancing = true;
  protected recordsEmitted = 0;
  protected recordsDropped = 0;
  private rebalances = 0;
  private readonly listener: RebalanceListener | undefined;
  private readonly restricted: RestrictedConsumer;
  protected readonly events: ConsumerEvents;
  private readonly startedCallback: AsyncCallback<void>;

  constructor(
    shape: Shape,
    protected readonly handle: ConsumerHandle,
    protected readonly control: ControlImpl,
    protected readonly settings: ConsumerSettings<unknown, unknown>,
  ) {
    super(shape);
    this.listener = handle.subscription.rebalanceListener;
    this.restricted = {
      seek: (tp, offset) => {
        const ps = this.partitions.get(tpKey(tp.topic, tp.partition));
        if (ps === undefined) throw new RangeError(`${this.stageName}: cannot seek ${tp.topic}-${tp.partition}: it is not assigned to this consumer`);
        if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`${this.stageName}: seek offset must be a non-negative integer, got ${offset}`);
        this.dropRecords(ps, 'seek');
        ps.nextOffset = -1;
        this.seekPartition(ps, offset);
      },
    };
    const records = this.getAsyncCallback<Chunk>((c) => this.onRecords(c));
    const rebalancing = this.getAsyncCallback<void>(() => this.onRebalancing());
    const assigned = this.getAsyncCallback<TopicPartition[]>((tps) => this.onAssigned(tps));
    const crashed = this.getAsyncCallback<{ error: unknown; restart: boolean }>((c) => this.onCrashed(c.error, c.restart));
    const paused = this.getAsyncCallback<string>((key) => this.onPaused(key));
    const startFailed = this.getAsyncCallback<unknown>((e) => this.failStage(e));
    this.startedCallback = this.getAsyncCallback<void>(() => this.onStarted());
    this.events = {
      started: () => this.startedCallback.invoke(undefined),
      startFailed: (e) => startFailed.invoke(e),
      records: (c) => records.invoke(c),
      rebalancing: () => rebalancing.invoke(undefined),
      assigned: (tps) => assigned.invoke(tps),
      crashed: (c) => crashed.invoke(c),
      paused: (key) => paused.invoke(key),
    };
    control.bind(
      this.getAsyncCallback<void>(() => this.stopByControl()),
      this.getAsyncCallback<void>(() => this.stopByControl()),
    );
  }

  override preStart(): void {
    this.handle.start(this.events);
  }

  private stoppedByControl = false;

  private stopByControl(): void {
    this.stoppedByControl = true;
    this.stopEmitting();
  }

  override postStop(): void {
    const tps = [...this.partitions.values()].map((ps) => ps.tp);
    for (const ps of this.partitions.values()) this.dropRecords(ps, 'stopped');
    this.partitions.clear();
    if (tps.length > 0) this.callListener('onStop', tps, true);
    this.control.markStopped();
    this.handle.release(this.stoppedByControl ? 'stopped' : 'terminated');
  }

  // ───────────────────────────── hooks for subclasses ─────────────────────────────

  /** Accepted records of `ps` (duplicates already removed). */
  protected abstract accept(ps: PartitionState, chunk: Chunk): void;
  /** Forgets every record of `ps` the subclass holds (the base class gives their credit back). */
  protected abstract discard(ps: PartitionState, reason: DropReason): void;
  /** The partitions were assigned (after revocations were handled). */
  protected abstract partitionsAssigned(added: readonly PartitionState[]): void;
  /** Emission may continue (a rebalance finished). */
  protected abstract resumeEmitting(): void;
  /** Control.stop / shutdown: complete the outlet(s). */
  protected abstract stopEmitting(): void;
  /** kafkajs has joined the group for the first time. */
  protected onStarted(): void {}
  /** The partitions were revoked in a rebalance (after the rebalance listener's `onRevoke`). */
  protected partitionsRevoked(_partitions: readonly TopicPartition[]): void {}

  // ───────────────────────────── events from the handle ─────────────────────────────

  private onRecords(chunk: Chunk): void {
    const ps = this.partitions.get(chunk.credit.key);
    if (ps === undefined || this.handle.gate.closed || chunk.seq <= ps.barrier) {
      // Fetched for a partition that is no longer ours (revoked while the chunk was on its way).
      chunk.credit.release(chunk.size, chunk.bytes);
      this.recordsDropped += chunk.size;
      return;
    }
    const msgs = chunk.messages;
    if (ps.awaitingOffset) {
      if (ps.droppedWhileAwaiting < 0) ps.droppedWhileAwaiting = Number(msgs[chunk.from]!.offset);
      chunk.credit.release(chunk.size, chunk.bytes);
      return;
    }
    if (ps.nextOffset >= 0) {
      let from = chunk.from;
      while (from < chunk.to && Number(msgs[from]!.offset) < ps.nextOffset) from++;
      if (from > chunk.from) {
        const bytes = messagesBytes(msgs, chunk.from, from);
        ps.credit.release(from - chunk.from, bytes);
        chunk.bytes -= bytes;
        chunk.from = from;
        chunk.unreleased = from;
        if (chunk.size === 0) {
          this.maybeResume(ps);
          return;
        }
      }
    }
    ps.nextOffset = Number(msgs[chunk.to - 1]!.offset) + 1;
    ps.held += chunk.size;
    ps.heldBytes += chunk.bytes;
    this.accept(ps, chunk);
  }

  private onRebalancing(): void {
    this.rebalancing = true;
    this.rebalanceStarted();
  }

  /** A rebalance began: hold emission until the next assignment. */
  protected rebalanceStarted(): void {}

  private onAssigned(tps: readonly TopicPartition[]): void {
    this.rebalances++;
    const keys = new Set(tps.map((tp) => tpKey(tp.topic, tp.partition)));
    const revoked: PartitionState[] = [];
    for (const ps of this.partitions.values()) if (!keys.has(ps.key)) revoked.push(ps);
    for (const ps of revoked) {
      this.dropRecords(ps, 'revoked');
      this.partitions.delete(ps.key);
    }
    if (revoked.length > 0) {
      this.callListener(
        'onRevoke',
        revoked.map((ps) => ps.tp),
        false,
      );
      this.partitionsRevoked(revoked.map((ps) => ps.tp));
    }
    const added: PartitionState[] = [];
    for (const tp of tps) {
      const key = tpKey(tp.topic, tp.partition);
      const kept = this.partitions.get(key);
      if (kept !== undefined) {
        // Continue where this consumer was instead of re-reading from the committed offset.
        if (kept.nextOffset >= 0) this.seekPartition(kept, kept.nextOffset);
        if (kept.paused) {
          kept.paused = false;
          this.maybeResume(kept);
        }
        continue;
      }
      const ps = new PartitionState({ topic: tp.topic, partition: tp.partition }, key, this.handle.gate.credit(key));
      this.partitions.set(key, ps);
      added.push(ps);
    }
    this.rebalancing = false;
    this.partitionsAssigned(added);
    if (added.length > 0)
      this.callListener(
        'onAssign',
        added.map((ps) => ps.tp),
        false,
      );
    this.resumeEmitting();
  }

  private onCrashed(error: unknown, restart: boolean): void {
    if (!restart) {
      this.failStage(error);
      return;
    }
    // kafkajs re-creates its group membership: every partition is lost until the next assignment.
    const lost = [...this.partitions.values()];
    for (const ps of lost) this.dropRecords(ps, 'lost');
    this.partitions.clear();
    this.rebalancing = true;
    if (lost.length > 0)
      this.callListener(
        'onLost',
        lost.map((ps) => ps.tp),
        false,
      );
  }

  private onPaused(key: string): void {
    const ps = this.partitions.get(key);
    if (ps === undefined) return;
    ps.paused = true;
    this.maybeResume(ps);
  }

  // ───────────────────────────── helpers ─────────────────────────────

  /** Drops the records of `ps` held by the stage (and its sub-source), releasing their credit. */
  protected dropRecords(ps: PartitionState, reason: DropReason): void {
    this.discard(ps, reason);
    const n = ps.held;
    if (n === 0) return;
    ps.credit.release(n, ps.heldBytes);
    ps.held = 0;
    ps.heldBytes = 0;
    if (reason === 'revoked' || reason === 'lost') this.recordsDropped += n;
  }

  /** Makes the next fetch of `ps` start at `offset`; chunks fetched before are dropped when they arrive. */
  protected seekPartition(ps: PartitionState, offset: number): void {
    ps.barrier = this.handle.chunkSeq;
    this.handle.seek(ps.tp.topic, ps.tp.partition, offset);
  }

  /** `n` records of `ps` left the stage (emitted or skipped): give their credit back, resume if paused. */
  protected released(ps: PartitionState, n: number, bytes: number): void {
    ps.held -= n;
    ps.heldBytes -= bytes;
    ps.credit.release(n, bytes);
    if (ps.paused) this.maybeResume(ps);
  }

  private maybeResume(ps: PartitionState): void {
    if (ps.paused && ps.credit.halfEmpty) {
      ps.paused = false;
      this.handle.resume([ps.tp]);
    }
  }

  private callListener(method: keyof RebalanceListener, tps: TopicPartition[], inPostStop: boolean): void {
    const f = this.listener?.[method];
    if (f === undefined) return;
    try {
      f.call(this.listener, tps, this.restricted);
    } catch (e) {
      if (inPostStop) this.materializer.logger?.(`${this.stageName}: rebalance listener ${method} failed while stopping`, e);
      else this.failStage(e);
    }
  }

  metrics(): ConsumerMetrics {
    const gate = this.handle.gate;
    const partitions: PartitionMetrics[] = [];
    let lag = 0;
    for (const ps of this.partitions.values()) {
      const committedOffset = this.handle.committedOffsets.get(ps.key) ?? -1;
      const endOffset = this.handle.endOffsets.get(ps.key) ?? -1;
      // Nothing emitted yet: the partition is read from its committed offset, or else from where the offset reset points.
      const from = ps.position >= 0 ? ps.position : committedOffset >= 0 ? committedOffset : (this.handle.resetOffsets.get(ps.key) ?? -1);
      const partitionLag = endOffset >= 0 && from >= 0 ? Math.max(0, endOffset - from) : -1;
      if (partitionLag > 0) lag += partitionLag;
      partitions.push({
        topic: ps.tp.topic,
        partition: ps.tp.partition,
        position: ps.position,
        committedOffset,
        endOffset,
        lag: partitionLag,
        bufferedRecords: ps.credit.outstanding,
        bufferedBytes: ps.credit.outstandingBytes,
      });
    }
    return {
      assignedPartitions: [...this.partitions.values()].map((ps) => ps.tp),
      pausedPartitions: [...this.partitions.values()].filter((ps) => ps.paused).map((ps) => ps.tp),
      partitions,
      lag,
      bufferedRecords: gate.outstanding,
      bufferedBytes: gate.outstandingBytes,
      maxBufferedRecordsObserved: gate.highWater,
      maxBufferedBytesObserved: gate.highWaterBytes,
      maxBufferedRecordsPerPartition: gate.bound,
      maxBufferedBytesPerPartition: gate.boundBytes,
      recordsEmitted: this.recordsEmitted,
      recordsDroppedOnRevoke: this.recordsDropped,
      rebalances: this.rebalances,
    };
  }
}
