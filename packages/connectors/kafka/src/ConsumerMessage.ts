/**
 * What consumer sources emit besides plain records: messages that carry their offset so it can be
 * committed after processing (at-least-once), offset batches, and transactional messages.
 */
import type { ConsumerRecord } from './ConsumerRecord.js';
import type { CommitOffset, KafkaCommitter } from './internal/KafkaCommitter.js';
import { describeValue } from './internal/validate.js';

export interface GroupTopicPartition {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

/** A consumed position: the offset of a record of `key.topic`/`key.partition`, consumed by `key.groupId`. */
export interface PartitionOffset {
  readonly key: GroupTopicPartition;
  readonly offset: number;
}

/** Something `Committer` can commit: one offset or a batch of them. */
export interface Committable {
  /** How many offsets were aggregated into it. */
  readonly batchSize: number;
}

/** The offset of one consumed record, committable through the consumer that read it. */
export interface CommittableOffset extends Committable {
  readonly partitionOffset: PartitionOffset;
}

/** A committable offset that is committed with a metadata string (`Consumer.commitWithMetadataSource`). */
export interface CommittableOffsetMetadata extends CommittableOffset {
  readonly metadata: string;
}

/** Emitted by `Consumer.committableSource`: the record and its committable offset. */
export interface CommittableMessage<K, V> {
  readonly record: ConsumerRecord<K, V>;
  readonly committableOffset: CommittableOffset;
}

/** Emitted by `Transactional.source`: the record and the offset the transactional sink commits. */
export interface TransactionalMessage<K, V> {
  readonly record: ConsumerRecord<K, V>;
  readonly partitionOffset: PartitionOffset;
}

/** @internal The committable offset emitted by the committable sources. */
export class CommittableOffsetImpl implements CommittableOffset {
  constructor(
    readonly committer: KafkaCommitter,
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    /** Committed along with the offset (Kafka's offset metadata); `undefined`: none. */
    readonly metadata?: string,
  ) {}
  get batchSize(): number {
    return 1;
  }
  get partitionOffset(): PartitionOffset {
    return { key: { groupId: this.committer.groupId, topic: this.topic, partition: this.partition }, offset: this.offset };
  }
  toString(): string {
    return `CommittableOffset(${this.committer.groupId}/${this.topic}-${this.partition}@${this.offset}${this.metadata !== undefined ? ` ${JSON.stringify(this.metadata)}` : ''})`;
  }
}

/** @internal One partition's offset in a batch. */
export interface BatchEntry {
  readonly committer: KafkaCommitter;
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string | undefined;
}

export const gtpKey = (groupId: string, topic: string, partition: number): string => `${groupId}\u0000${topic}\u0000${partition}`;

/**
 * An immutable batch of offsets: per group/topic/partition the highest offset seen. Committing it commits
 * every partition's offset through the consumer that read it (one request per consumer).
 */
export class CommittableOffsetBatch implements Committable {
  private constructor(
    /** @internal */ readonly _entries: ReadonlyMap<string, BatchEntry>,
    readonly batchSize: number,
  ) {}

  static readonly empty = new CommittableOffsetBatch(new Map(), 0);

  /** A batch of the given offsets (and batches). */
  static of(...committables: Committable[]): CommittableOffsetBatch {
    let batch = CommittableOffsetBatch.empty;
    for (const c of committables) batch = batch.updated(c);
    return batch;
  }

  get isEmpty(): boolean {
    return this._entries.size === 0;
  }

  /** A new batch with `committable` added (the higher offset wins per partition). */
  updated(committable: Committable): CommittableOffsetBatch {
    const entries = new Map(this._entries);
    addCommittable(entries, committable, 'CommittableOffsetBatch.updated');
    return new CommittableOffsetBatch(entries, this.batchSize + committable.batchSize);
  }

  /** The highest offset per group/topic/partition, in insertion order. */
  offsets(): PartitionOffset[] {
    return [...this._entries.values()].map((e) => ({ key: { groupId: e.groupId, topic: e.topic, partition: e.partition }, offset: e.offset }));
  }

  /** @internal Built by the committer stage from its accumulator. */
  static _fromEntries(entries: Map<string, BatchEntry>, batchSize: number): CommittableOffsetBatch {
    return new CommittableOffsetBatch(entries, batchSize);
  }

  /** @internal Commits the batch: one request per consumer, all at once. */
  _commit(): Promise<void> {
    return commitEntries(this._entries);
  }

  toString(): string {
    return `CommittableOffsetBatch(${this.offsets()
      .map((o) => `${o.key.groupId}/${o.key.topic}-${o.key.partition}@${o.offset}`)
      .join(', ')})`;
  }
}

/** @internal The batch entry of one committable offset. */
export function entryOf(c: CommittableOffsetImpl): BatchEntry {
  return { committer: c.committer, groupId: c.committer.groupId, topic: c.topic, partition: c.partition, offset: c.offset, metadata: c.metadata };
}

/** @internal Per partition the highest offset wins; an offset read by another consumer (a restarted source) replaces it. */
export function addEntry(entries: Map<string, BatchEntry>, key: string, e: BatchEntry): void {
  const prev = entries.get(key);
  if (prev === undefined || prev.offset < e.offset || prev.committer !== e.committer) entries.set(key, e);
}

/** @internal Calls `f` for every partition's entry of a committable (offset or batch); rejects anything else. */
export function forEachEntry(c: Committable, where: string, f: (key: string, e: BatchEntry) => void): void {
  if (c instanceof CommittableOffsetImpl) {
    f(gtpKey(c.committer.groupId, c.topic, c.partition), entryOf(c));
    return;
  }
  if (c instanceof CommittableOffsetBatch) {
    for (const [key, e] of c._entries) f(key, e);
    return;
  }
  throw new TypeError(`${where}: expected a CommittableOffset or CommittableOffsetBatch (from a committable source), got ${describeValue(c)}`);
}

/** @internal Adds a committable (offset or batch) to a mutable map of batch entries. */
export function addCommittable(entries: Map<string, BatchEntry>, c: Committable, where: string): void {
  if (c instanceof CommittableOffsetImpl) {
    addEntry(entries, gtpKey(c.committer.groupId, c.topic, c.partition), entryOf(c));
    return;
  }
  forEachEntry(c, where, (key, e) => addEntry(entries, key, e));
}

/** @internal Commits `entries` grouped by committer; resolves when every commit succeeded. */
export function commitEntries(entries: ReadonlyMap<string, BatchEntry>): Promise<void> {
  if (entries.size === 0) return Promise.resolve();
  const byCommitter = new Map<KafkaCommitter, CommitOffset[]>();
  for (const e of entries.values()) {
    let list = byCommitter.get(e.committer);
    if (list === undefined) byCommitter.set(e.committer, (list = []));
    list.push(
      e.metadata === undefined
        ? { topic: e.topic, partition: e.partition, offset: e.offset + 1 }
        : { topic: e.topic, partition: e.partition, offset: e.offset + 1, metadata: e.metadata },
    );
  }
  return Promise.all([...byCommitter].map(([committer, offsets]) => committer.commit(offsets))).then(() => undefined);
}

/** @internal The committers an accumulated batch commits through (for attach/detach). */
export function committersOf(c: Committable): KafkaCommitter[] {
  if (c instanceof CommittableOffsetImpl) return [c.committer];
  if (c instanceof CommittableOffsetBatch) return [...new Set([...c._entries.values()].map((e) => e.committer))];
  return [];
}
