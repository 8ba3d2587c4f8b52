/**
 * # Partitioned sources: one sub-source per assigned partition
 *
 * The parent stage emits `[partition, subSource]` when the group assigns a partition. A sub-source is a
 * stage of its own, materialized wherever the user runs it (often another island), so parent and sub talk
 * only through each other's async callbacks, like actors:
 *
 *   sub → parent: started (with the sub's callbacks), demand(n, emitted), cancelled(emitted), failed
 *   (`emitted`: how many records, their bytes, and the offset after the last)
 *   parent → sub: records, hold/resume (rebalance), complete (revoked / parent stopped), fail
 *
 * Each partition is back-pressured on its own: the sub asks for records in batches, the parent forwards
 * what it has, and a partition's credit is released only when the sub reports records as emitted — so
 * the records of a partition held by parent and sub together never exceed the bound; when the bound is
 * reached the fetch loop pauses that partition (mode `pause`) without holding up the others.
 *
 * On revocation the sub-source completes and drops what it has not emitted. If the user cancels a
 * sub-source, the parent seeks the partition to the record after the last one the sub-source emitted,
 * drops what it held for it, and emits a fresh sub-source for the same partition (Alpakka re-emits
 * cancelled sub-sources). `link` identity tells messages of a cancelled or revoked sub-source from those
 * of its successor.
 */
import { type Attributes, type Decider, Source } from '@tributary/core';
import {
  type AsyncCallback,
  GraphStage,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  IllegalStageUsageError,
  type OutHandler,
  Outlet,
  SourceShape,
  StreamDetachedException,
} from '@tributary/core/stage';
import type { KafkaMessage } from 'kafkajs';
import { CommittableOffsetImpl } from '../ConsumerMessage.js';
import type { TopicPartition, TopicPartitionOffset } from '../ConsumerRecord.js';
import type { ConsumerSettings } from '../ConsumerSettings.js';
import type { Control } from '../Control.js';
import type { AutoSubscription } from '../Subscriptions.js';
import { type Chunk, ConsumerHandle, tpKey } from './ConsumerHandle.js';
import { ConsumerLogicBase, type DropReason, type PartitionState } from './ConsumerLogicBase.js';
import { ControlImpl } from './ControlImpl.js';
import { decide, type HasScheduler } from './KafkaSourceStage.js';
import { messageBytes } from './PrefetchGate.js';
import { RecordReader } from './records.js';
import { describeValue } from './validate.js';

type PartitionedKind = 'plain' | 'committable';

interface SubCallbacks {
  readonly records: AsyncCallback<KafkaMessage[]>;
  readonly hold: AsyncCallback<boolean>;
  readonly complete: AsyncCallback<void>;
  readonly fail: AsyncCallback<unknown>;
}

interface ParentCallbacks {
  readonly started: AsyncCallback<{ link: SubLink; sub: SubCallbacks }>;
  readonly demand: AsyncCallback<{ link: SubLink; n: number; emitted: Emitted }>;
  readonly cancelled: AsyncCallback<{ link: SubLink; emitted: Emitted }>;
  readonly failed: AsyncCallback<{ link: SubLink; error: unknown }>;
}

/** What a sub-source reports as emitted since its last report. */
interface Emitted {
  readonly records: number;
  readonly bytes: number;
  /** Offset after the last record it ever emitted (-1: none yet). */
  readonly nextOffset: number;
}

/** Shared by a parent and one sub-source (one epoch of one partition). */
class SubLink {
  /** Set when the parent stopped or the partition was revoked: a late sub-source ends at once. */
  terminated: { readonly error?: unknown } | null = null;
  materialized = false;
  constructor(
    readonly tp: TopicPartition,
    readonly key: string,
    readonly epoch: number,
    readonly parent: ParentCallbacks,
    readonly stageName: string,
    readonly decider: Decider,
  ) {}
}

/** `…PartitionedManualOffsetSource`: start offsets come from the user when partitions are assigned. */
export interface ManualOffsets {
  readonly getOffsetsOnAssign: (partitions: readonly TopicPartition[]) => Promise<readonly TopicPartitionOffset[]>;
  readonly onRevoke: (partitions: readonly TopicPartition[]) => void;
}

export class PartitionedSourceStage<K, V, Out> extends GraphStageWithMaterializedValue<SourceShape<readonly [TopicPartition, Source<Out>]>, Control> {
  readonly out = new Outlet<readonly [TopicPartition, Source<Out>]>('PartitionedKafkaSource.out');
  readonly shape = new SourceShape(this.out);

  constructor(
    private readonly factoryName: string,
    readonly settings: ConsumerSettings<K, V>,
    readonly subscription: AutoSubscription,
    readonly kind: PartitionedKind,
    readonly manual?: ManualOffsets,
  ) {
    super();
  }

  override get defaultName(): string {
    return this.factoryName;
  }

  createLogicAndMaterializedValue(attributes: Attributes, materializer: HasScheduler): [GraphStageLogic, Control] {
    const name = attributes.name ?? this.factoryName;
    const handle = new ConsumerHandle(
      this.settings as ConsumerSettings<unknown, unknown>,
      this.subscription,
      'pause',
      false,
      `${name}(${this.subscription}, group=${this.settings.groupId ?? '-'})`,
      materializer.scheduler,
    );
    let logic: PartitionedLogic<K, V, Out> | null = null;
    const control = new ControlImpl(handle, () => logic!.metrics());
    logic = new PartitionedLogic(this, handle, control, attributes.supervisionDecider);
    return [logic, control];
  }
}

/** The parent's view of one partition's current sub-source. */
class SubState {
  link: SubLink;
  sub: SubCallbacks | null = null;
  /** Records waiting in the parent, in order. */
  chunks: KafkaMessage[][] = [];
  /** Records the sub asked for and has not been sent. */
  demand = 0;
  /** Offset of the first record sent to this sub-source (-1: none yet). */
  firstSentOffset = -1;
  constructor(link: SubLink) {
    this.link = link;
  }
}

class PartitionedLogic<K, V, Out> extends ConsumerLogicBase implements OutHandler {
  private readonly subs = new Map<string, SubState>();
  private readonly pendingEmits: (readonly [TopicPartition, Source<Out>])[] = [];
  private readonly callbacks: ParentCallbacks;
  private epochs = 0;
  private failure: unknown = undefined;
  private readonly offsetsFound = this.getAsyncCallback<{ added: readonly PartitionState[]; offsets: readonly TopicPartitionOffset[] }>(({ added, offsets }) =>
    this.startAt(added, offsets),
  );
  private readonly offsetsFailed = this.getAsyncCallback<unknown>((e) => this.failStage(e));

  constructor(
    private readonly stage: PartitionedSourceStage<K, V, Out>,
    handle: ConsumerHandle,
    control: ControlImpl,
    private readonly decider: Decider,
  ) {
    super(stage.shape, handle, control, stage.settings as ConsumerSettings<unknown, unknown>);
    this.setHandler(stage.out, this);
    this.callbacks = {
      started: this.getAsyncCallback(({ link, sub }) => this.subStarted(link, sub)),
      demand: this.getAsyncCallback(({ link, n, emitted }) => this.subDemand(link, n, emitted)),
      cancelled: this.getAsyncCallback(({ link, emitted }) => this.subCancelled(link, emitted)),
      failed: this.getAsyncCallback(({ link, error }) => {
        if (this.current(link) !== undefined) this.failStage(error);
      }),
    };
  }

  onPull(): void {
    const next = this.pendingEmits.shift();
    if (next !== undefined) this.push(this.stage.out, next);
  }

  onDownstreamFinish(cause: unknown): void {
    this.cancelStage(cause);
  }

  override failStage(error: unknown): void {
    this.failure ??= error;
    super.failStage(error);
  }

  override postStop(): void {
    const error = this.failure;
    for (const st of this.subs.values()) this.endSub(st, error);
    this.subs.clear();
    super.postStop();
  }

  // ───────────────────────────── partitions ─────────────────────────────

  protected partitionsAssigned(added: readonly PartitionState[]): void {
    const manual = this.stage.manual;
    if (manual === undefined || added.length === 0) {
      for (const ps of added) this.emitSubSource(ps);
      return;
    }
    // The sub-sources are emitted once the user's start offsets are known; until then nothing is fetched.
    for (const ps of added) ps.awaitingOffset = true;
    const tps = added.map((ps) => ps.tp);
    this.handle.pause(tps);
    let lookup: Promise<readonly TopicPartitionOffset[]>;
    try {
      lookup = manual.getOffsetsOnAssign(tps);
      if (lookup === null || typeof (lookup as { then?: unknown })?.then !== 'function') {
        throw new TypeError(`${this.stageName}: getOffsetsOnAssign must return a Promise of [{ topic, partition, offset }], got ${describeValue(lookup)}`);
      }
    } catch (e) {
      this.failStage(e);
      return;
    }
    lookup.then(
      (offsets) => this.offsetsFound.invoke({ added, offsets }),
      (e: unknown) => this.offsetsFailed.invoke(e),
    );
  }

  /** The start offsets of partitions assigned to a manual-offset source are known: seek, resume, emit. */
  private startAt(added: readonly PartitionState[], offsets: readonly TopicPartitionOffset[]): void {
    if (!Array.isArray(offsets)) {
      this.failStage(
        new TypeError(`${this.stageName}: getOffsetsOnAssign must resolve with an array of { topic, partition, offset }, got ${describeValue(offsets)}`),
      );
      return;
    }
    const byKey = new Map<string, number>();
    for (const o of offsets) {
      if (o === null || typeof o !== 'object' || !Number.isInteger(o.offset) || o.offset < 0) {
        this.failStage(
          new TypeError(
            `${this.stageName}: getOffsetsOnAssign resolved with a bad offset ${describeValue(o)}: expected { topic, partition, offset } with a non-negative integer offset`,
          ),
        );
        return;
      }
      byKey.set(tpKey(o.topic, o.partition), o.offset);
    }
    const resumed: TopicPartition[] = [];
    for (const ps of added) {
      if (this.partitions.get(ps.key) !== ps) continue; // revoked meanwhile
      ps.awaitingOffset = false;
      // Without an offset of the user's, continue where kafkajs would have (records dropped meanwhile included).
      const start = byKey.get(ps.key) ?? (ps.droppedWhileAwaiting >= 0 ? ps.droppedWhileAwaiting : -1);
      ps.droppedWhileAwaiting = -1;
      if (start >= 0) {
        ps.nextOffset = -1;
        this.seekPartition(ps, start);
      }
      resumed.push(ps.tp);
      this.emitSubSource(ps);
    }
    this.handle.resume(resumed);
  }

  protected override partitionsRevoked(partitions: readonly TopicPartition[]): void {
    const manual = this.stage.manual;
    if (manual === undefined) return;
    try {
      manual.onRevoke(partitions);
    } catch (e) {
      this.failStage(e);
    }
  }

  private emitSubSource(ps: PartitionState): void {
    const link = new SubLink(ps.tp, ps.key, ++this.epochs, this.callbacks, this.stageName, this.decider);
    const previous = this.subs.get(ps.key);
    const st = new SubState(link);
    if (previous !== undefined) st.chunks = previous.chunks;
    this.subs.set(ps.key, st);
    const source = Source.fromGraph(new SubSourceStage<K, V, Out>(link, this.stage.settings, this.stage.kind, this.handle));
    const tuple = [ps.tp, source] as const;
    if (this.pendingEmits.length === 0 && this.isAvailable(this.stage.out)) this.push(this.stage.out, tuple);
    else this.pendingEmits.push(tuple);
  }

  protected accept(ps: PartitionState, chunk: Chunk): void {
    const st = this.subs.get(ps.key);
    if (st === undefined) return;
    st.chunks.push(chunk.from === 0 && chunk.to === chunk.messages.length ? chunk.messages : chunk.messages.slice(chunk.from, chunk.to));
    this.deliver(st);
  }

  protected discard(ps: PartitionState, reason: DropReason): void {
    const st = this.subs.get(ps.key);
    if (st === undefined) return;
    st.chunks = [];
    st.demand = 0;
    if (reason === 'stopped') return; // postStop ends the sub-sources
    this.endSub(st, undefined);
    this.subs.delete(ps.key);
    // A seek keeps the partition: it gets a fresh sub-source that starts at the new position.
    if (reason === 'seek') this.emitSubSource(ps);
  }

  protected override rebalanceStarted(): void {
    for (const st of this.subs.values()) st.sub?.hold.invoke(true);
  }

  protected resumeEmitting(): void {
    for (const st of this.subs.values()) {
      st.sub?.hold.invoke(false);
      this.deliver(st);
    }
  }

  protected stopEmitting(): void {
    this.completeStage();
  }

  /** Forwards up to the sub's demand (never during a rebalance). */
  private deliver(st: SubState): void {
    if (st.sub === null || st.demand <= 0 || this.rebalancing || st.chunks.length === 0) return;
    const batch: KafkaMessage[] = [];
    while (st.demand > batch.length && st.chunks.length > 0) {
      const head = st.chunks[0]!;
      const room = st.demand - batch.length;
      if (head.length <= room) {
        for (let i = 0; i < head.length; i++) batch.push(head[i]!);
        st.chunks.shift();
      } else {
        for (let i = 0; i < room; i++) batch.push(head[i]!);
        st.chunks[0] = head.slice(room);
      }
    }
    st.demand -= batch.length;
    if (st.firstSentOffset < 0) st.firstSentOffset = Number(batch[0]!.offset);
    st.sub.records.invoke(batch);
  }

  private endSub(st: SubState, error: unknown): void {
    st.link.terminated = error === undefined ? {} : { error };
    if (st.sub !== null) {
      if (error === undefined) st.sub.complete.invoke(undefined);
      else st.sub.fail.invoke(error);
    }
    st.sub = null;
  }

  /** The current state of `link`'s partition, if `link` is still its current sub-source. */
  private current(link: SubLink): SubState | undefined {
    const st = this.subs.get(link.key);
    return st !== undefined && st.link === link ? st : undefined;
  }

  // ───────────────────────────── messages from sub-sources ─────────────────────────────

  private subStarted(link: SubLink, sub: SubCallbacks): void {
    const st = this.current(link);
    if (st === undefined) {
      sub.complete.invoke(undefined);
      return;
    }
    st.sub = sub;
    if (this.rebalancing) sub.hold.invoke(true);
  }

  private subDemand(link: SubLink, n: number, emitted: Emitted): void {
    const st = this.current(link);
    if (st === undefined) return; // its records' credit was released when it was revoked
    const ps = this.partitions.get(link.key);
    if (ps !== undefined) this.noteEmitted(ps, emitted);
    st.demand += n;
    this.deliver(st);
  }

  private noteEmitted(ps: PartitionState, emitted: Emitted): void {
    if (emitted.records > 0) {
      this.recordsEmitted += emitted.records;
      this.released(ps, emitted.records, emitted.bytes);
    }
    if (emitted.nextOffset >= 0) ps.position = emitted.nextOffset;
  }

  private subCancelled(link: SubLink, emitted: Emitted): void {
    const st = this.current(link);
    if (st === undefined) return;
    const ps = this.partitions.get(link.key);
    if (ps !== undefined) this.noteEmitted(ps, emitted);
    const nextOffset = emitted.nextOffset;
    st.sub = null;
    st.demand = 0;
    link.terminated = {};
    if (ps === undefined || this.isClosed(this.stage.out)) {
      this.subs.delete(link.key);
      return;
    }
    const position = nextOffset >= 0 ? nextOffset : st.firstSentOffset;
    if (position >= 0) {
      // What the cancelled sub-source held or had on its way is read again, from the first record it did
      // not emit; everything the parent held for the partition goes with it.
      st.chunks = [];
      this.released(ps, ps.held, ps.heldBytes);
      ps.nextOffset = -1;
      this.seekPartition(ps, position);
    }
    this.emitSubSource(ps);
  }
}

// ───────────────────────────── the sub-source ─────────────────────────────

class SubSourceStage<K, V, Out> extends GraphStage<SourceShape<Out>> {
  readonly out = new Outlet<Out>('PartitionSubSource.out');
  readonly shape = new SourceShape(this.out);
  constructor(
    readonly link: SubLink,
    readonly settings: ConsumerSettings<K, V>,
    readonly kind: PartitionedKind,
    readonly committer: ConsumerHandle,
  ) {
    super();
  }
  override get defaultName(): string {
    return `${this.link.stageName}/${this.link.tp.topic}-${this.link.tp.partition}`;
  }
  createLogic(): GraphStageLogic {
    if (this.link.materialized) {
      throw new IllegalStageUsageError(`${this.defaultName}: a partition's sub-source can only be materialized once`);
    }
    this.link.materialized = true;
    return new SubSourceLogic(this);
  }
}

class SubSourceLogic<K, V, Out> extends GraphStageLogic implements OutHandler {
  private buffer: KafkaMessage[] = [];
  private head = 0;
  /** Offset after the last record emitted (-1: none emitted yet). */
  private nextOffset = -1;
  /** Records requested from the parent and not yet received. */
  private requested = 0;
  private emitted = 0;
  private emittedBytes = 0;
  private holding = false;
  private connected = false;
  private readonly batchSize: number;
  private readonly reader: RecordReader<K, V>;
  private readonly callbacks: SubCallbacks;

  constructor(private readonly stage: SubSourceStage<K, V, Out>) {
    super(stage.shape);
    this.setHandler(stage.out, this);
    this.batchSize = Math.max(1, Math.min(stage.settings.maxBufferedRecordsPerPartition, 1000));
    this.reader = new RecordReader(stage.settings.keyDeserializer, stage.settings.valueDeserializer);
    this.callbacks = {
      records: this.getAsyncCallback((msgs) => this.onRecords(msgs)),
      hold: this.getAsyncCallback((h) => {
        this.holding = h;
        if (!h && this.isAvailable(stage.out)) this.emitNext();
      }),
      complete: this.getAsyncCallback(() => this.completeStage()),
      fail: this.getAsyncCallback((e) => this.failStage(e)),
    };
  }

  override preStart(): void {
    const link = this.stage.link;
    if (link.terminated !== null) {
      this.endAsTerminated();
      return;
    }
    link.parent.started.invokeWithFeedback({ link, sub: this.callbacks }).then(
      () => this.getAsyncCallback<void>(() => this.onConnected()).invoke(undefined),
      (e: unknown) => {
        if (e instanceof StreamDetachedException) this.getAsyncCallback<void>(() => this.endAsTerminated()).invoke(undefined);
      },
    );
  }

  private onConnected(): void {
    this.connected = true;
    this.requestMore();
  }

  private endAsTerminated(): void {
    const t = this.stage.link.terminated;
    if (t !== null && t.error !== undefined) this.failStage(t.error);
    else this.completeStage();
  }

  onPull(): void {
    this.emitNext();
  }

  onDownstreamFinish(cause: unknown): void {
    const link = this.stage.link;
    if (this.connected && link.terminated === null) {
      link.parent.cancelled.invoke({ link, emitted: this.takeEmitted() });
    }
    this.buffer = [];
    this.head = 0;
    this.cancelStage(cause);
  }

  private onRecords(msgs: KafkaMessage[]): void {
    this.requested -= msgs.length;
    if (this.head === this.buffer.length || this.head > 4096) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    if (this.buffer.length === 0) {
      this.buffer = msgs;
      this.head = 0;
    } else {
      for (let i = 0; i < msgs.length; i++) this.buffer.push(msgs[i]!);
    }
    if (this.isAvailable(this.stage.out)) this.emitNext();
  }

  private emitNext(): void {
    if (this.holding) return;
    const { link, out } = this.stage;
    while (this.head < this.buffer.length) {
      const m = this.buffer[this.head++]!;
      this.emitted++;
      this.emittedBytes += messageBytes(m);
      this.nextOffset = Number(m.offset) + 1;
      let elem: Out;
      try {
        const record = this.reader.read(link.stageName, link.tp.topic, link.tp.partition, m);
        elem = (
          this.stage.kind === 'plain'
            ? record
            : { record, committableOffset: new CommittableOffsetImpl(this.stage.committer, link.tp.topic, link.tp.partition, record.offset) }
        ) as Out;
      } catch (e) {
        if (decide(link.decider, e) === 'stop') {
          link.parent.failed.invoke({ link, error: e });
          this.failStage(e);
          return;
        }
        continue;
      }
      this.push(out, elem);
      this.requestMore();
      return;
    }
    this.requestMore();
  }

  /**
   * Asks the parent for another batch once less than half a batch is left, reporting what was emitted
   * (the parent then releases that much of the partition's credit). An emptied buffer is reported too.
   */
  private requestMore(): void {
    if (!this.connected) return;
    const available = this.buffer.length - this.head + this.requested;
    const n = available * 2 <= this.batchSize ? this.batchSize - available : 0;
    if (n === 0 && (this.emitted === 0 || this.head < this.buffer.length)) return;
    this.requested += n;
    const link = this.stage.link;
    link.parent.demand.invoke({ link, n, emitted: this.takeEmitted() });
  }

  private takeEmitted(): Emitted {
    const e: Emitted = { records: this.emitted, bytes: this.emittedBytes, nextOffset: this.nextOffset };
    this.emitted = 0;
    this.emittedBytes = 0;
    return e;
  }
}
