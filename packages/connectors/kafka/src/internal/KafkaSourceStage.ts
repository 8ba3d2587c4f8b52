/**
 * The single-outlet consumer source behind `plainSource`, `committableSource`, `sourceWithOffsetContext`
 * and `Transactional.source`. Records are emitted in the order their chunks arrived from the fetch loop
 * (per partition: offset order), one per pull, deserialized at emission time.
 */
import type { Attributes, Decider, Scheduler } from '@tributary/core';
import { type GraphStageLogic, GraphStageWithMaterializedValue, type OutHandler, Outlet, SourceShape } from '@tributary/core/stage';
import type { KafkaMessage } from 'kafkajs';
import { CommittableOffsetImpl } from '../ConsumerMessage.js';
import type { ConsumerRecord } from '../ConsumerRecord.js';
import type { ConsumerSettings } from '../ConsumerSettings.js';
import type { Control } from '../Control.js';
import type { Subscription } from '../Subscriptions.js';
import { type Chunk, ConsumerHandle } from './ConsumerHandle.js';
import { ConsumerLogicBase, type PartitionState } from './ConsumerLogicBase.js';
import { ControlImpl } from './ControlImpl.js';
import { RecordReader } from './records.js';
import { describeValue } from './validate.js';

/** Records emitted between two releases of their credit (see `emitNext`). */
const RELEASE_SLICE = 64;

export type SourceKind = 'plain' | 'committable' | 'offsetContext' | 'transactional';

/** What the materializer hands a stage: its scheduler drives every timer of the connector. */
export interface HasScheduler {
  readonly scheduler: Scheduler;
}

export class KafkaSourceStage<K, V, Out> extends GraphStageWithMaterializedValue<SourceShape<Out>, Control> {
  readonly out: Outlet<Out>;
  readonly shape: SourceShape<Out>;

  constructor(
    private readonly factoryName: string,
    readonly settings: ConsumerSettings<K, V>,
    readonly subscription: Subscription,
    readonly kind: SourceKind,
    /** `commitWithMetadataSource`: the metadata string committed with each record's offset. */
    readonly metadataOf?: (record: ConsumerRecord<K, V>) => string,
  ) {
    super();
    this.out = new Outlet<Out>('KafkaSource.out');
    this.shape = new SourceShape(this.out);
  }

  override get defaultName(): string {
    return this.factoryName;
  }

  createLogicAndMaterializedValue(attributes: Attributes, materializer: HasScheduler): [GraphStageLogic, Control] {
    const name = attributes.name ?? this.factoryName;
    const description = `${name}(${this.subscription}, group=${this.settings.groupId ?? '-'})`;
    const handle = new ConsumerHandle(
      this.settings as ConsumerSettings<unknown, unknown>,
      this.subscription,
      'wait',
      this.kind === 'transactional',
      description,
      materializer.scheduler,
    );
    let logic: KafkaSourceLogic<K, V, Out> | null = null;
    const control = new ControlImpl(handle, () => logic!.metrics());
    logic = new KafkaSourceLogic(this, handle, control, attributes.supervisionDecider);
    return [logic, control];
  }
}

class KafkaSourceLogic<K, V, Out> extends ConsumerLogicBase implements OutHandler {
  // Chunks in arrival order, with the partition each belongs to; consumed from `head`.
  private chunks: (Chunk | undefined)[] = [];
  private owners: (PartitionState | undefined)[] = [];
  private head = 0;
  private readonly reader: RecordReader<K, V>;
  private readonly out: Outlet<Out>;
  private readonly kind: SourceKind;
  private readonly metadataOf: ((record: ConsumerRecord<K, V>) => string) | undefined;

  constructor(
    stage: KafkaSourceStage<K, V, Out>,
    handle: ConsumerHandle,
    control: ControlImpl,
    private readonly decider: Decider,
  ) {
    super(stage.shape, handle, control, stage.settings as ConsumerSettings<unknown, unknown>);
    this.out = stage.out;
    this.kind = stage.kind;
    this.metadataOf = stage.metadataOf;
    this.reader = new RecordReader(stage.settings.keyDeserializer, stage.settings.valueDeserializer);
    this.setHandler(stage.out, this);
  }

  onPull(): void {
    this.emitNext();
  }

  onDownstreamFinish(cause: unknown): void {
    this.cancelStage(cause);
  }

  protected accept(ps: PartitionState, chunk: Chunk): void {
    this.chunks.push(chunk);
    this.owners.push(ps);
    if (!this.rebalancing && this.isAvailable(this.out)) this.emitNext();
  }

  protected discard(ps: PartitionState): void {
    const chunks: (Chunk | undefined)[] = [];
    const owners: (PartitionState | undefined)[] = [];
    for (let i = this.head; i < this.chunks.length; i++) {
      if (this.owners[i] === ps) continue;
      chunks.push(this.chunks[i]);
      owners.push(this.owners[i]);
    }
    this.chunks = chunks;
    this.owners = owners;
    this.head = 0;
  }

  protected partitionsAssigned(): void {}

  protected resumeEmitting(): void {
    if (this.isAvailable(this.out)) this.emitNext();
  }

  protected stopEmitting(): void {
    this.completeStage();
  }

  /** Pushes the next record (skipping undeserializable ones if supervision says so). */
  private emitNext(): void {
    if (this.rebalancing) return;
    const chunks = this.chunks;
    while (this.head < chunks.length) {
      const c = chunks[this.head]!;
      if (c.from >= c.to) {
        chunks[this.head] = undefined;
        this.owners[this.head] = undefined;
        this.head++;
        if (this.head === chunks.length) {
          this.chunks = [];
          this.owners = [];
          this.head = 0;
          return;
        }
        continue;
      }
      const ps = this.owners[this.head]!;
      const m = c.messages[c.from++]!;
      // Credit goes back in slices (bytes in proportion), so that the fetch loop is woken while a long
      // chunk is still being emitted, without a size computation per record.
      if (c.from === c.to || c.from - c.unreleased >= RELEASE_SLICE) this.releaseSlice(ps, c);
      let elem: Out;
      try {
        elem = this.build(c, m, ps);
      } catch (e) {
        ps.lastEmitted = m;
        if (decide(this.decider, e) === 'stop') {
          this.failStage(e);
          return;
        }
        continue;
      }
      this.recordsEmitted++;
      this.push(this.out, elem);
      return;
    }
  }

  private releaseSlice(ps: PartitionState, c: Chunk): void {
    const n = c.from - c.unreleased;
    const bytes = c.from === c.to ? c.bytes : Math.floor((c.bytes * n) / (c.to - c.unreleased));
    c.unreleased = c.from;
    c.bytes -= bytes;
    this.released(ps, n, bytes);
  }

  private build(c: Chunk, m: KafkaMessage, ps: PartitionState): Out {
    const record = this.reader.read(this.stageName, c.topic, c.partition, m);
    ps.lastEmitted = m;
    switch (this.kind) {
      case 'plain':
        return record as Out;
      case 'committable': {
        const metadata = this.metadataOf === undefined ? undefined : this.metadataOf(record);
        if (metadata !== undefined && typeof metadata !== 'string') {
          throw new TypeError(`${this.stageName}: the offset metadata function must return a string, got ${describeValue(metadata)}`);
        }
        return { record, committableOffset: new CommittableOffsetImpl(this.handle, c.topic, c.partition, record.offset, metadata) } as Out;
      }
      case 'offsetContext':
        return [record, new CommittableOffsetImpl(this.handle, c.topic, c.partition, record.offset)] as Out;
      case 'transactional':
        return { record, partitionOffset: { key: { groupId: this.handle.groupId, topic: c.topic, partition: c.partition }, offset: record.offset } } as Out;
    }
  }
}

/** Asks a supervision decider; a decider that throws means stop. */
export function decide(decider: Decider, error: unknown): 'stop' | 'resume' | 'restart' {
  try {
    return decider(error);
  } catch {
    return 'stop';
  }
}
