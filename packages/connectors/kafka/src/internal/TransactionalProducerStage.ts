/**
 * # TransactionalProducerStage — `Transactional.flow` / `sink` (Alpakka's TransactionalProducerStage)
 *
 * The plain `ProducerStage` with transactions: the records go into a kafkajs transaction. Every
 * `eosCommitIntervalMs` — and when upstream completes — the stage stops pulling, waits for the requests in
 * flight, adds the consumed offsets (the pass-through `PartitionOffset`s) to the transaction with
 * `sendOffsets`, commits it and begins the next. When the stream fails, or is torn down abruptly, the open
 * transaction is aborted, so consumers reading `read_committed` never see its records and its offsets are
 * not committed.
 *
 * Batching, ordering, back-pressure and results are the plain stage's; this file only overrides its hooks.
 */
import type { Attributes } from '@tributary/core';
import type { GraphStageLogic } from '@tributary/core/stage';
import type { Kafka, Producer as KafkaJsProducer, Transaction } from 'kafkajs';
import type { PartitionOffset } from '../ConsumerMessage.js';
import type { Envelope } from '../ProducerMessage.js';
import type { ProducerSettings } from '../ProducerSettings.js';
import { type BatchSender, ProducerLogic, ProducerStage } from './ProducerStage.js';
import { createProducer } from './producerInternals.js';
import { describeValue } from './validate.js';

export class TransactionalProducerStage<K, V, P> extends ProducerStage<K, V, P> {
  override createLogic(_attributes: Attributes): GraphStageLogic {
    return new TransactionalProducerLogic<K, V, P>(this);
  }
}

const CommitTimer = 'eos-commit';

class TransactionalProducerLogic<K, V, P> extends ProducerLogic<K, V, P> {
  private tx: Transaction | null = null;
  private committing = false;
  /** Consumed offsets of the open transaction: group → "topic:partition" → next offset. */
  private txOffsets = new Map<string, Map<string, { topic: string; partition: number; offset: number }>>();
  private txHasData = false;

  private readonly onTxBegun = this.getAsyncCallback<Transaction>((tx) => this.txBegun(tx));
  private readonly onTxCommitted = this.getAsyncCallback<void>(() => this.txCommitted());

  override preStart(): void {
    super.preStart();
    const interval = this.settings.eosCommitIntervalMs;
    this.scheduleWithFixedDelay(CommitTimer, interval, interval);
  }

  protected override newProducer(kafka: Kafka): KafkaJsProducer {
    return createProducer(kafka, this.settings as ProducerSettings<unknown, unknown>, true);
  }

  protected override connectedNow(): void {
    this.connected = true;
    this.beginTransaction();
  }

  protected override accepted(input: Envelope<K, V, P>): void {
    this.recordOffset(input.passThrough);
  }

  protected override canPull(): boolean {
    return !this.committing && this.tx !== null;
  }

  protected override canSend(): boolean {
    return this.tx !== null;
  }

  protected override sender(): BatchSender {
    this.txHasData = true;
    return this.tx!;
  }

  protected override afterSent(): void {
    this.maybeCommitTransaction();
  }

  protected override drained(): void {
    if (this.txHasData || this.txOffsets.size > 0) {
      this.maybeCommitTransaction(true);
      return;
    }
    if (this.committing) return;
    this.completeStage();
  }

  protected override failWith(error: unknown): void {
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

  protected override beforeDisconnect(): Promise<void> | undefined {
    // Whatever ended the stage: an open transaction is aborted before the producer disconnects.
    const tx = this.tx;
    this.tx = null;
    if (tx === null || !tx.isActive()) return undefined;
    return tx.abort().then(
      () => undefined,
      () => undefined,
    );
  }

  protected override onTimer(): void {
    if (this.txHasData || this.txOffsets.size > 0) this.maybeCommitTransaction(true);
  }

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

  /** Commits the open transaction once nothing is in flight (`start` begins draining). */
  private maybeCommitTransaction(start = false): void {
    if (this.tx === null) return;
    if (start) this.committing = true;
    if (!this.committing || this.requestInFlight || this.hasUnsent()) {
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
    if (this.upstreamDone && this.allEmitted() && !this.hasUnsent()) {
      this.committing = false;
      this.completeStage();
      return;
    }
    this.beginTransaction();
  }
}
