/**
 * # ProducerStage — `Producer.flexiFlow` / `plainSink` (and the base of `TransactionalProducerStage`)
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
 * The transactional stage (`Transactional.flow` / `sink`, Alpakka's TransactionalProducerStage) is a
 * subclass in `TransactionalProducerStage.ts`: it overrides the hooks marked below (`newProducer`,
 * `connectedNow`, `accepted`, `canPull`, `canSend`, `sender`, `afterSent`, `drained`, `failWith`,
 * `beforeDisconnect`), so this plain producer has no transactional state or branches.
 */
import type { Attributes } from '@tributary/core';
import { FlowShape, GraphStage, type GraphStageLogic, type InHandler, Inlet, type OutHandler, Outlet, TimerGraphStageLogic } from '@tributary/core/stage';
import type { Kafka, Message as KafkaJsMessage, Producer as KafkaJsProducer } from 'kafkajs';
import type { Envelope, MultiResultPart, ProducerRecord, RecordMetadata, Results } from '../ProducerMessage.js';
import type { ProducerSettings } from '../ProducerSettings.js';
import { createKafka } from './clients.js';
import { compressionType, createProducer, sizeOf, toKafkaMessage } from './producerInternals.js';
import { describeValue } from './validate.js';

/** `envelopes`: takes envelopes, emits results. `records`: takes plain records, emits `Done` (for sinks). */
export type ProducerInput = 'envelopes' | 'records';

export class ProducerStage<K, V, P> extends GraphStage<FlowShape<Envelope<K, V, P>, Results<K, V, P>>> {
  readonly in = new Inlet<Envelope<K, V, P>>('Producer.in');
  readonly out = new Outlet<Results<K, V, P>>('Producer.out');
  readonly shape = new FlowShape(this.in, this.out);

  constructor(
    readonly settings: ProducerSettings<K, V>,
    private readonly name: string,
    readonly input: ProducerInput = 'envelopes',
  ) {
    super();
  }

  override get defaultName(): string {
    return this.name;
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new ProducerLogic<K, V, P>(this);
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

/** What a batch is sent with: the producer, or (transactional) the open transaction. */
export type BatchSender = Pick<KafkaJsProducer, 'sendBatch'>;

export class ProducerLogic<K, V, P> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private readonly recordsIn: boolean;
  protected producer: KafkaJsProducer | null = null;
  protected connected = false;
  // Accepted envelopes in order, consumed from `head` (Array#shift is O(n) on long arrays).
  private queue: Pending[] = [];
  private head = 0;
  private accumulating: Outgoing[] = [];
  protected requestInFlight = false;
  private unacked = 0;
  protected upstreamDone = false;
  protected readonly settings: ProducerSettings<K, V>;

  private readonly onConnected = this.getAsyncCallback<void>(() => this.connectedNow());
  private readonly onSent = this.getAsyncCallback<{ batch: Outgoing[]; results: SendResult[] }>((r) => this.sent(r.batch, r.results));
  protected readonly onFailure = this.getAsyncCallback<unknown>((e) => this.failWith(e));

  constructor(protected readonly stage: ProducerStage<K, V, P>) {
    super(stage.shape);
    this.settings = stage.settings;
    this.recordsIn = stage.input === 'records';
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    const kafka = createKafka(this.settings);
    const producer = (this.producer = this.newProducer(kafka));
    producer.connect().then(
      () => this.onConnected.invoke(undefined),
      (e: unknown) => this.onFailure.invoke(e),
    );
  }

  // ───────────────────── hooks (overridden by the transactional stage) ─────────────────────

  /** The kafkajs producer of this materialization. */
  protected newProducer(kafka: Kafka): KafkaJsProducer {
    return createProducer(kafka, this.settings as ProducerSettings<unknown, unknown>, false);
  }

  /** The producer is connected: start pulling. */
  protected connectedNow(): void {
    this.connected = true;
    this.pullIfRoom();
  }

  /** An input was accepted (queued for its results, its records not yet accumulated). */
  protected accepted(_input: Envelope<K, V, P>): void {}

  /** Whether the stage may pull now (beyond connection, completion and the parallelism limit). */
  protected canPull(): boolean {
    return true;
  }

  /** Whether a request may be sent now (beyond connection and the one request in flight). */
  protected canSend(): boolean {
    return true;
  }

  /** What the next request is sent with. */
  protected sender(): BatchSender {
    return this.producer!;
  }

  /** A request was acknowledged and its results emitted where possible. */
  protected afterSent(): void {}

  /** Upstream completed, every result is emitted and nothing is unsent or in flight. */
  protected drained(): void {
    this.completeStage();
  }

  /** Fails the stage. */
  protected failWith(error: unknown): void {
    this.failStage(error);
  }

  /** Runs before the producer disconnects when the stage stops (its promise is awaited first). */
  protected beforeDisconnect(): Promise<void> | undefined {
    return undefined;
  }

  protected onTimer(_key: unknown): void {}

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
    this.accepted(input);
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

  protected pullIfRoom(): void {
    const inlet = this.stage.in;
    if (!this.connected || this.upstreamDone || !this.canPull()) return;
    if (this.isClosed(inlet) || this.hasBeenPulled(inlet)) return;
    const limit = this.settings.parallelism;
    if (this.unacked >= limit || this.queue.length - this.head >= limit) return;
    this.pull(inlet);
  }

  /** Whether records are accumulated but not yet sent. */
  protected hasUnsent(): boolean {
    return this.accumulating.length > 0;
  }

  /** Whether every accepted input's results have been emitted. */
  protected allEmitted(): boolean {
    return this.queue.length === this.head;
  }

  // ───────────────────────────── sending ─────────────────────────────

  protected maybeSend(): void {
    if (this.requestInFlight || this.accumulating.length === 0 || !this.connected) return;
    if (!this.canSend()) return;
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
    this.sender()
      .sendBatch(request)
      .then(
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
    this.afterSent();
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

  protected finishIfDone(): void {
    if (!this.upstreamDone || this.queue.length > this.head || this.accumulating.length > 0 || this.requestInFlight) return;
    this.drained();
  }

  override postStop(): void {
    const producer = this.producer;
    this.producer = null;
    if (producer === null) return;
    // Whatever ended the stage, the producer disconnects (after `beforeDisconnect`, e.g. an abort).
    const before = this.beforeDisconnect();
    const disconnect = (): Promise<void> => producer.disconnect().catch(() => undefined);
    if (before === undefined) void disconnect();
    else void before.then(disconnect, disconnect);
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
