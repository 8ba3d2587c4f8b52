/**
 * # ProducerStage — `Producer.flexiFlow` / `plainSink` and `Transactional.flow` / `sink`
 *
 * kafkajs sends one produce request per `send` call and does no batching of its own, so this stage
 * batches for it, the way the Java client's accumulator does: records that arrive while a request is in
 * flight are collected and sent together in the next request (at most `maxBatchRecords` records and
 * `maxBatchBytes` bytes); one request is in flight at a time, so records reach each partition in the order
 * they arrived. At most `parallelism` records are unacknowledged; beyond that the stage stops pulling.
 * The per-record bookkeeping is one object (`Pending`, which is also the record's `Outgoing`) so that the
 * hot path allocates little beyond what kafkajs needs; `plainSink` feeds records straight in and gets
 * no results built.
 *
 * Results are emitted in the order of the envelopes, each once all its records are acknowledged. A record
 * without an explicit partition gets its partition from kafkajs' default (Java-compatible) partitioner,
 * wrapped so the chosen partition is written into the message; with the per-partition base offsets of the
 * response, every record's offset is known.
 *
 * ## Transactions (Alpakka's TransactionalProducerStage)
 *
 * In transactional mode the records go into a kafkajs transaction. Every `eosCommitIntervalMs` — and when
 * upstream completes — the stage stops pulling, waits for the requests in flight, adds the consumed
 * offsets (the pass-through `PartitionOffset`s) to the transaction with `sendOffsets`, commits it and
 * begins the next. When the stream fails, or is torn down abruptly, the open transaction is aborted, so
 * consumers reading `read_committed` never see its records and its offsets are not committed.
 */
import type { Attributes } from '@tributary/core';
import { FlowShape, GraphStage, type GraphStageLogic, type InHandler, Inlet, type OutHandler, Outlet, TimerGraphStageLogic } from '@tributary/core/stage';
import type { Message as KafkaJsMessage, Producer as KafkaJsProducer, Transaction } from 'kafkajs';
import type { PartitionOffset } from '../ConsumerMessage.js';
import type { Envelope, MultiResultPart, ProducerRecord, RecordMetadata, Results } from '../ProducerMessage.js';
import type { ProducerSettings } from '../ProducerSettings.js';
import { createKafka } from './clients.js';
import { compressionType, createProducer, sizeOf, toKafkaMessage } from './producerInternals.js';
import { describeValue } from './validate.js';

export type ProducerMode = 'plain' | 'transactional';
/** `envelopes`: takes envelopes, emits results. `records`: takes plain records, emits `Done` (for sinks). */
export type ProducerInput = 'envelopes' | 'records';

export class ProducerStage<K, V, P> extends GraphStage<FlowShape<Envelope<K, V, P>, Results<K, V, P>>> {
  readonly in = new Inlet<Envelope<K, V, P>>('Producer.in');
  readonly out = new Outlet<Results<K, V, P>>('Producer.out');
  readonly shape = new FlowShape(this.in, this.out);

  constructor(
    readonly settings: ProducerSettings<K, V>,
    private readonly name: string,
    readonly mode: ProducerMode,
    readonly input: ProducerInput = 'envelopes',
  ) {
    super();
  }

  override get defaultName(): string {
    return this.name;
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new ProducerLogic(this);
  }
}

/** One record on its way: the kafkajs message (its `partition` is filled in by the partitioner). */
interface Outgoing {
  readonly owner: Pending;
  readonly topic: string;
  readonly message: KafkaJsMessage;
  /** Approximate encoded size in bytes. */
  readonly size: number;
  /** Where it was written, once acknowledged. */
  partition: number;
  offset: number;
}

const RECORD = 0;
const MESSAGE = 1;
const MULTI = 2;
const PASS_THROUGH = 3;

/**
 * One accepted input, waiting for its records' acknowledgements. A single-record input is its own
 * `Outgoing` (one object per record on the hot path); a multi-message has one `Part` per record.
 */
class Pending implements Outgoing {
  remaining = 1;
  partition = -1;
  offset = -1;
  parts: Part[] | null = null;
  readonly owner: Pending = this;
  constructor(
    readonly kind: number,
    readonly input: unknown,
    readonly topic: string,
    readonly message: KafkaJsMessage,
    readonly size: number,
  ) {}
}

class Part implements Outgoing {
  partition = -1;
  offset = -1;
  constructor(
    readonly owner: Pending,
    readonly topic: string,
    readonly message: KafkaJsMessage,
    readonly size: number,
  ) {}
}

const noMessage: KafkaJsMessage = { value: null };

interface SendResult {
  readonly topicName: string;
  readonly partition: number;
  readonly baseOffset?: string;
  readonly errorCode: number;
}

const CommitTimer = 'eos-commit';

class ProducerLogic<K, V, P> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private readonly recordsIn: boolean;
  private producer: KafkaJsProducer | null = null;
  private connected = false;
  // Accepted envelopes in order, consumed from `head` (Array#shift is O(n) on long arrays).
  private queue: Pending[] = [];
  private head = 0;
  private accumulating: Outgoing[] = [];
  private requestInFlight = false;
  private unacked = 0;
  private upstreamDone = false;
  private readonly settings: ProducerSettings<K, V>;
  private readonly transactional: boolean;
  // transactional state
  private tx: Transaction | null = null;
  private committing = false;
  /** Consumed offsets of the open transaction: group → "topic:partition" → next offset. */
  private txOffsets = new Map<string, Map<string, { topic: string; partition: number; offset: number }>>();
  private txHasData = false;

  private readonly onConnected = this.getAsyncCallback<void>(() => this.connectedNow());
  private readonly onSent = this.getAsyncCallback<{ batch: Outgoing[]; results: SendResult[] }>((r) => this.sent(r.batch, r.results));
  private readonly onFailure = this.getAsyncCallback<unknown>((e) => this.failWith(e));
  private readonly onTxBegun = this.getAsyncCallback<Transaction>((tx) => this.txBegun(tx));
  private readonly onTxCommitted = this.getAsyncCallback<void>(() => this.txCommitted());

  constructor(private readonly stage: ProducerStage<K, V, P>) {
    super(stage.shape);
    this.settings = stage.settings;
    this.transactional = stage.mode === 'transactional';
    this.recordsIn = stage.input === 'records';
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    const s = this.settings;
    const kafka = createKafka(s);
    this.producer = createProducer(kafka, s as ProducerSettings<unknown, unknown>, this.transactional);
    const producer = this.producer;
    producer.connect().then(
      () => this.onConnected.invoke(undefined),
      (e: unknown) => this.onFailure.invoke(e),
    );
    if (this.transactional) this.scheduleWithFixedDelay(CommitTimer, s.eosCommitIntervalMs, s.eosCommitIntervalMs);
  }

  private connectedNow(): void {
    this.connected = true;
    if (this.transactional) this.beginTransaction();
    else this.pullIfRoom();
  }

  // ───────────────────────────── input ─────────────────────────────

  onPush(): void {
    const input = this.grab(this.stage.in);
    let pending: Pending;
    try {
      pending = this.recordsIn ? this.fromRecord(RECORD, input as unknown as ProducerRecord<K, V>, input) : this.fromEnvelope(input);
    } catch (e) {
      this.failWith(e);
      return;
    }
    this.queue.push(pending);
    if (this.transactional) this.recordOffset(input.passThrough);
    const parts = pending.parts;
    if (parts === null) {
      if (pending.kind !== PASS_THROUGH) {
        this.accumulating.push(pending);
        this.unacked++;
      }
    } else {
      for (let i = 0; i < parts.length; i++) this.accumulating.push(parts[i]!);
      this.unacked += parts.length;
    }
    this.maybeSend();
    this.emitReady();
    this.pullIfRoom();
  }

  onUpstreamFinish(): void {
    this.upstreamDone = true;
    this.maybeSend();
    this.finishIfDone();
  }

  onUpstreamFailure(error: unknown): void {
    this.failWith(error);
  }

  onPull(): void {
    this.emitReady();
    this.pullIfRoom();
    this.finishIfDone();
  }

  private fromRecord(kind: number, r: ProducerRecord<K, V>, input: unknown): Pending {
    const message = this.toMessage(r);
    return new Pending(kind, input, r.topic, message, sizeOf(message));
  }

  private fromEnvelope(envelope: Envelope<K, V, P>): Pending {
    switch (envelope?.kind) {
      case 'message':
        return this.fromRecord(MESSAGE, envelope.record, envelope);
      case 'multi': {
        const pending = new Pending(MULTI, envelope, '', noMessage, 0);
        const records = envelope.records;
        const parts: Part[] = new Array<Part>(records.length);
        for (let i = 0; i < records.length; i++) {
          const message = this.toMessage(records[i]!);
          parts[i] = new Part(pending, records[i]!.topic, message, sizeOf(message));
        }
        pending.parts = parts;
        pending.remaining = parts.length;
        return pending;
      }
      case 'passThrough': {
        const pending = new Pending(PASS_THROUGH, envelope, '', noMessage, 0);
        pending.remaining = 0;
        return pending;
      }
      default:
        return badEnvelope(this.stageName, envelope);
    }
  }

  private toMessage(r: ProducerRecord<K, V>): KafkaJsMessage {
    return toKafkaMessage(this.stageName, this.settings, r);
  }

  private pullIfRoom(): void {
    const inlet = this.stage.in;
    if (!this.connected || this.upstreamDone || this.committing || (this.transactional && this.tx === null)) return;
    if (this.isClosed(inlet) || this.hasBeenPulled(inlet)) return;
    const limit = this.settings.parallelism;
    if (this.unacked >= limit || this.queue.length - this.head >= limit) return;
    this.pull(inlet);
  }

  // ───────────────────────────── sending ─────────────────────────────

  private maybeSend(): void {
    if (this.requestInFlight || this.accumulating.length === 0 || !this.connected) return;
    if (this.transactional && this.tx === null) return;
    const maxRecords = this.settings.maxBatchRecords;
    const maxBytes = this.settings.maxBatchBytes;
    const acc = this.accumulating;
    let count = 0;
    let bytes = 0;
    while (count < acc.length && count < maxRecords) {
      const size = acc[count]!.size;
      if (count > 0 && bytes + size > maxBytes) break;
      bytes += size;
      count++;
    }
    let batch: Outgoing[];
    if (count === acc.length) {
      batch = acc;
      this.accumulating = [];
    } else {
      batch = acc.slice(0, count);
      this.accumulating = acc.slice(count);
    }
    const byTopic = new Map<string, KafkaJsMessage[]>();
    for (let i = 0; i < batch.length; i++) {
      const o = batch[i]!;
      let list = byTopic.get(o.topic);
      if (list === undefined) byTopic.set(o.topic, (list = []));
      list.push(o.message);
    }
    const request = {
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: this.settings.acks,
      timeout: this.settings.produceTimeoutMs,
      compression: compressionType(this.settings.compression),
    };
    this.requestInFlight = true;
    if (this.transactional) this.txHasData = true;
    const sender = this.transactional ? this.tx! : this.producer!;
    sender.sendBatch(request).then(
      (results) => this.onSent.invoke({ batch, results: results as SendResult[] }),
      (e: unknown) => this.onFailure.invoke(e),
    );
  }

  private sent(batch: Outgoing[], results: SendResult[]): void {
    this.requestInFlight = false;
    // Records of one partition were appended in request order from the partition's base offset.
    const next = new Map<string, number>();
    for (const r of results) next.set(`${r.topicName}:${r.partition}`, r.baseOffset !== undefined ? Number(r.baseOffset) : -1);
    for (let i = 0; i < batch.length; i++) {
      const o = batch[i]!;
      const partition = o.message.partition ?? -1;
      const key = `${o.topic}:${partition}`;
      const offset = next.get(key);
      o.partition = partition;
      if (offset !== undefined && offset >= 0) {
        o.offset = offset;
        next.set(key, offset + 1);
      }
      o.owner.remaining--;
    }
    this.unacked -= batch.length;
    this.emitReady();
    this.maybeSend();
    this.pullIfRoom();
    this.maybeCommitTransaction();
    this.finishIfDone();
  }

  // ───────────────────────────── output ─────────────────────────────

  private emitReady(): void {
    const head = this.queue[this.head];
    if (head === undefined || head.remaining > 0 || !this.isAvailable(this.stage.out)) return;
    this.queue[this.head++] = undefined as never;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.push(this.stage.out, this.recordsIn ? (Done as never) : toResults(head));
  }

  private finishIfDone(): void {
    if (!this.upstreamDone || this.queue.length > this.head || this.accumulating.length > 0 || this.requestInFlight) return;
    if (this.transactional && (this.txHasData || this.txOffsets.size > 0)) {
      this.maybeCommitTransaction(true);
      return;
    }
    if (this.transactional && this.committing) return;
    this.completeStage();
  }

  private failWith(error: unknown): void {
    const tx = this.tx;
    this.tx = null;
    if (tx !== null && tx.isActive()) {
      // Abort first, so that nothing of this transaction becomes visible, then fail.
      this.setKeepGoing(true);
      const done = this.getAsyncCallback<void>(() => {
        this.setKeepGoing(false);
        this.failStage(error);
      });
      tx.abort().then(
        () => done.invoke(undefined),
        () => done.invoke(undefined),
      );
      if (!this.isClosed(this.stage.in)) this.cancel(this.stage.in, error);
      return;
    }
    this.failStage(error);
  }

  // ───────────────────────────── transactions ─────────────────────────────

  private beginTransaction(): void {
    this.producer!.transaction().then(
      (tx) => this.onTxBegun.invoke(tx),
      (e: unknown) => this.onFailure.invoke(e),
    );
  }

  private txBegun(tx: Transaction): void {
    this.tx = tx;
    this.committing = false;
    this.maybeSend();
    this.pullIfRoom();
    this.finishIfDone();
  }

  private recordOffset(passThrough: unknown): void {
    const po = passThrough as PartitionOffset | undefined;
    if (po === undefined || po === null || typeof po !== 'object' || po.key === undefined || typeof po.offset !== 'number') {
      this.failWith(
        new TypeError(
          `${this.stageName}: the pass-through of every envelope must be the PartitionOffset of a TransactionalMessage, got ${describeValue(passThrough)}`,
        ),
      );
      return;
    }
    let group = this.txOffsets.get(po.key.groupId);
    if (group === undefined) this.txOffsets.set(po.key.groupId, (group = new Map()));
    const key = `${po.key.topic}:${po.key.partition}`;
    const prev = group.get(key);
    if (prev === undefined || prev.offset < po.offset + 1) group.set(key, { topic: po.key.topic, partition: po.key.partition, offset: po.offset + 1 });
  }

  protected onTimer(): void {
    if (this.txHasData || this.txOffsets.size > 0) this.maybeCommitTransaction(true);
  }

  /** Commits the open transaction once nothing is in flight (`start` begins draining). */
  private maybeCommitTransaction(start = false): void {
    if (!this.transactional || this.tx === null) return;
    if (start) this.committing = true;
    if (!this.committing || this.requestInFlight || this.accumulating.length > 0) {
      if (this.committing && !this.requestInFlight) this.maybeSend();
      return;
    }
    const tx = this.tx;
    this.tx = null;
    const offsets = this.txOffsets;
    this.txOffsets = new Map();
    this.txHasData = false;
    (async () => {
      for (const [consumerGroupId, partitions] of offsets) {
        const byTopic = new Map<string, { partition: number; offset: string }[]>();
        for (const p of partitions.values()) {
          let list = byTopic.get(p.topic);
          if (list === undefined) byTopic.set(p.topic, (list = []));
          list.push({ partition: p.partition, offset: String(p.offset) });
        }
        await tx.sendOffsets({ consumerGroupId, topics: [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })) });
      }
      await tx.commit();
    })().then(
      () => this.onTxCommitted.invoke(undefined),
      (e: unknown) => {
        tx.abort().catch(() => undefined);
        this.onFailure.invoke(e);
      },
    );
  }

  private txCommitted(): void {
    if (this.upstreamDone && this.queue.length === this.head && this.accumulating.length === 0) {
      this.committing = false;
      this.completeStage();
      return;
    }
    this.beginTransaction();
  }

  override postStop(): void {
    const producer = this.producer;
    const tx = this.tx;
    this.tx = null;
    this.producer = null;
    if (producer === null) return;
    // Whatever ended the stage: an open transaction is aborted, then the producer disconnects.
    void (async () => {
      if (tx !== null && tx.isActive()) await tx.abort().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    })();
  }
}

function badEnvelope(stage: string, envelope: unknown): never {
  throw new TypeError(`${stage}: expected a ProducerMessage envelope (single, multi or passThrough), got ${describeValue(envelope)}`);
}

const Done = 'Done';

function metadataOf(o: Outgoing): RecordMetadata {
  return { topic: o.topic, partition: o.partition, offset: o.offset };
}

function toResults<K, V, P>(pending: Pending): Results<K, V, P> {
  const env = pending.input as Envelope<K, V, P>;
  switch (env.kind) {
    case 'message':
      return { kind: 'result', metadata: metadataOf(pending), message: env, passThrough: env.passThrough };
    case 'multi': {
      const parts: MultiResultPart<K, V>[] = env.records.map((record, i) => ({ metadata: metadataOf(pending.parts![i]!), record }));
      return { kind: 'multiResult', parts, passThrough: env.passThrough };
    }
    case 'passThrough':
      return { kind: 'passThroughResult', passThrough: env.passThrough };
  }
}
