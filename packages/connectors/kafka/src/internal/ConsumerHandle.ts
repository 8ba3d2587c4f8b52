/**
 * # ConsumerHandle — one kafkajs consumer behind a consumer source
 *
 * The source stage owns the stream side (buffers, demand, emission); this handle owns the kafkajs side:
 * connect → subscribe → run, the `eachBatch` handler, group events, commits, and closing.
 *
 * ## How records get in (and why memory stays bounded)
 *
 * kafkajs fetches and calls `eachBatch` with one partition's batch at a time. The handler hands records
 * to the stage only against credit (see `PrefetchGate`): with `mode: 'wait'` it hands over what the
 * partition's credit allows and then *awaits* more credit — kafkajs does not fetch again until the
 * handler returns, so a slow stream slows the fetch loop down; the handler keeps heartbeating while it
 * waits so the consumer stays in its group. With `mode: 'pause'` (partitioned sources, where one slow
 * partition must not hold up the others) it pauses the partition instead and returns; the stage resumes
 * the partition once its buffer has drained to half. Either way `resolveOffset` is called only for
 * records actually handed over, so kafkajs re-fetches the rest.
 *
 * Every kafkajs callback reaches the stage only through the stage's async callbacks (`events`).
 *
 * ## Group events
 *
 * `REBALANCING` → the stage holds emission; `GROUP_JOIN` → the new assignment (the stage drops records
 * of revoked partitions before they are emitted); `CRASH` → partitions lost (kafkajs restarts the
 * consumer if the error is retriable) or the source fails.
 *
 * ## Closing
 *
 * The consumer must outlive its source while offsets of records already emitted may still be committed
 * through it (Alpakka keeps its consumer actor for the same reason). The stage calls `release()` in
 * `postStop`: fetching stops at once. After `Control.stop()` the consumer then stays open until
 * `Control.shutdown()`; after any other ending (failure, cancellation, abrupt termination) it closes once
 * the committer stages that received its offsets have finished (`attach`/`detach`), and after
 * `stopTimeoutMs` at the latest. `shutdown()` closes it the same way. Closing waits for a start-up in
 * progress so that kafkajs never restarts a consumer behind our back.
 */

import type { Cancellable, Scheduler } from '@tributary/core';
import type { Admin, EachBatchPayload, Kafka, Consumer as KafkaJsConsumer, KafkaMessage } from 'kafkajs';
import type { TopicPartition } from '../ConsumerRecord.js';
import type { ConsumerSettings } from '../ConsumerSettings.js';
import { CommitTimeoutError, ConsumerClosedError } from '../errors.js';
import type { Subscription } from '../Subscriptions.js';
import { createKafka, errorTypes, isKafkaJsError } from './clients.js';
import type { CommitOffset, KafkaCommitter } from './KafkaCommitter.js';
import { manualAssigner } from './ManualAssigner.js';
import { type Credit, PrefetchGate } from './PrefetchGate.js';

export const tpKey = (topic: string, partition: number): string => `${topic}:${partition}`;

/**
 * Records of one partition handed to the stage: `messages[from, to)`, paid for with `credit`. `seq`
 * orders hand-overs: after the stage seeks a partition, chunks of it with a lower `seq` were fetched
 * before the seek and are dropped.
 */
export class Chunk {
  constructor(
    readonly seq: number,
    readonly topic: string,
    readonly partition: number,
    readonly credit: Credit,
    readonly messages: KafkaMessage[],
    public from: number,
    readonly to: number,
    /** The bytes of `messages[from, to)` (see `messageBytes`) whose credit the stage has not released yet. */
    public bytes: number,
  ) {
    this.unreleased = from;
  }
  /** Messages before this index have had their credit released (the stage releases in slices). */
  unreleased: number;
  get size(): number {
    return this.to - this.from;
  }
}

/** The stage's async callbacks, invoked by the handle. */
export interface ConsumerEvents {
  started(): void;
  startFailed(error: unknown): void;
  records(chunk: Chunk): void;
  rebalancing(): void;
  assigned(partitions: TopicPartition[]): void;
  crashed(info: { error: unknown; restart: boolean }): void;
  paused(key: string): void;
}

export type FetchMode = 'wait' | 'pause';

const REBALANCE_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

export class ConsumerHandle implements KafkaCommitter {
  readonly gate: PrefetchGate;
  readonly groupId: string;
  /** Partitions of the current generation (as far as this handle knows); used to filter retried commits. */
  readonly assigned = new Set<string>();
  joined = false;
  closing = false;
  /** The `seq` of the last chunk handed to the stage. */
  chunkSeq = 0;

  private kafka: Kafka | null = null;
  private consumer: KafkaJsConsumer | null = null;
  private events: ConsumerEvents | null = null;
  private starting: Promise<void> | null = null;
  private closed: Promise<void> | null = null;
  private resolveShutdown!: () => void;
  readonly isShutdown: Promise<void>;

  private released = false;
  private releaseReason: 'stopped' | 'terminated' | null = null;
  private shutdownRequested = false;
  private attachedCommitters = 0;
  private inFlightCommits = 0;
  private releaseTimer: Cancellable | null = null;
  private readonly initialSeeksDone = new Set<string>();
  /** Per partition: the log end offset (high watermark) of the latest fetch that returned records (or as listed at assignment). */
  readonly endOffsets = new Map<string, number>();
  /** Per partition: the group's committed offset (next offset to read) as last fetched or committed here. */
  readonly committedOffsets = new Map<string, number>();
  /** Per partition: where reading starts without a committed offset (log start or end, per `autoOffsetReset`). */
  readonly resetOffsets = new Map<string, number>();
  private admin: Admin | null = null;

  constructor(
    readonly settings: ConsumerSettings<unknown, unknown>,
    readonly subscription: Subscription,
    readonly mode: FetchMode,
    readonly readCommitted: boolean,
    readonly description: string,
    private readonly scheduler: Scheduler,
  ) {
    this.gate = new PrefetchGate(settings.maxBufferedRecordsPerPartition, settings.maxBufferedBytesPerPartition);
    this.groupId = settings.groupId ?? `tributary-${settings.clientId}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    this.isShutdown = new Promise<void>((resolve) => (this.resolveShutdown = resolve));
  }

  // ───────────────────────────── start ─────────────────────────────

  start(events: ConsumerEvents): void {
    this.events = events;
    this.starting = this.run(events).catch((e: unknown) => {
      if (!this.closing) events.startFailed(e);
    });
  }

  private async run(events: ConsumerEvents): Promise<void> {
    const s = this.settings;
    const sub = this.subscription;
    const kafka = (this.kafka = createKafka(s));
    const consumer = (this.consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: s.sessionTimeoutMs,
      rebalanceTimeout: s.rebalanceTimeoutMs,
      heartbeatInterval: s.heartbeatIntervalMs,
      maxBytesPerPartition: s.maxPartitionFetchBytes,
      minBytes: s.fetchMinBytes,
      maxBytes: s.fetchMaxBytes,
      maxWaitTimeInMs: s.fetchMaxWaitMs,
      readUncommitted: !(this.readCommitted || s.isolationLevel === 'read_committed'),
      retry: {
        retries: s.retry.retries,
        initialRetryTime: s.retry.initialRetryTimeMs,
        maxRetryTime: s.retry.maxRetryTimeMs,
        multiplier: s.retry.multiplier,
        factor: s.retry.factor,
        // After we closed (or released) it, a crashed consumer must stay down.
        restartOnFailure: async () => !this.closing && !this.released,
      },
      ...(sub.kind === 'assignment' ? { partitionAssigners: [manualAssigner(sub.partitions)] } : {}),
    }));
    const { GROUP_JOIN, REBALANCING, CRASH } = consumer.events;
    consumer.on(GROUP_JOIN, (e) => this.onGroupJoin(e.payload.memberAssignment));
    consumer.on(REBALANCING, () => {
      this.joined = false;
      if (!this.closing) events.rebalancing();
    });
    consumer.on(CRASH, (e) => {
      this.joined = false;
      this.assigned.clear();
      if (!this.closing) events.crashed({ error: e.payload.error, restart: e.payload.restart });
    });

    await consumer.connect();
    if (this.closing) return;
    const fromBeginning = s.autoOffsetReset === 'earliest';
    if (sub.kind === 'topics') await consumer.subscribe({ topics: [...sub.topics], fromBeginning });
    else if (sub.kind === 'pattern') await consumer.subscribe({ topics: [sub.pattern], fromBeginning });
    else await consumer.subscribe({ topics: [...new Set(sub.partitions.map((tp) => tp.topic))], fromBeginning });
    if (this.closing) return;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    if (!this.closing) events.started();
  }

  /**
   * Fetches, for `metrics()`, the offsets of newly assigned partitions: the group's committed offsets, the
   * log end offsets, and where a partition without a committed offset starts (the log start or end, per
   * `autoOffsetReset`). Best effort: a failure leaves them unknown until fetches and commits fill them in.
   */
  private fetchOffsets(partitions: readonly TopicPartition[]): void {
    if (this.kafka === null || partitions.length === 0 || this.closing) return;
    const kafka = this.kafka;
    const wanted = new Set(partitions.map((tp) => tpKey(tp.topic, tp.partition)));
    void (async () => {
      const admin = (this.admin ??= kafka.admin());
      await admin.connect();
      if (this.closing) {
        // close() ran meanwhile; it may have missed this connection.
        await admin.disconnect();
        return;
      }
      const topics = [...new Set(partitions.map((tp) => tp.topic))];
      const earliest = this.settings.autoOffsetReset === 'earliest';
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const key = tpKey(topic, p.partition);
          if (!wanted.has(key)) continue;
          this.resetOffsets.set(key, Number(earliest ? p.low : p.high));
          if (!this.endOffsets.has(key)) this.endOffsets.set(key, Number(p.high));
        }
      }
      if (this.settings.groupId === undefined) return;
      for (const t of await admin.fetchOffsets({ groupId: this.groupId, topics })) {
        for (const p of t.partitions) {
          const key = tpKey(t.topic, p.partition);
          const offset = Number(p.offset);
          if (wanted.has(key) && offset >= 0 && !this.committedOffsets.has(key)) this.committedOffsets.set(key, offset);
        }
      }
    })().catch(() => undefined);
  }

  /** Runs synchronously inside kafkajs' join, before the first fetch of the new generation. */
  private onGroupJoin(memberAssignment: Record<string, number[]>): void {
    const partitions: TopicPartition[] = [];
    this.assigned.clear();
    for (const topic of Object.keys(memberAssignment)) {
      for (const partition of memberAssignment[topic]!) {
        partitions.push({ topic, partition });
        this.assigned.add(tpKey(topic, partition));
      }
    }
    this.joined = true;
    const sub = this.subscription;
    if (sub.kind === 'assignment' && this.consumer !== null) {
      // Start offsets apply once: on a partition's first assignment.
      for (const tp of partitions) {
        const key = tpKey(tp.topic, tp.partition);
        const offset = sub.startOffset(tp);
        if (offset === undefined || this.initialSeeksDone.has(key)) continue;
        this.initialSeeksDone.add(key);
        this.consumer.seek({ topic: tp.topic, partition: tp.partition, offset: String(offset) });
      }
    }
    this.fetchOffsets(partitions.filter((tp) => !this.resetOffsets.has(tpKey(tp.topic, tp.partition))));
    if (!this.closing) this.events?.assigned(partitions);
  }

  // ───────────────────────────── fetching ─────────────────────────────

  private async eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const end = Number(batch.highWatermark);
    if (end >= 0) this.endOffsets.set(tpKey(batch.topic, batch.partition), end);
    const messages = batch.messages;
    const n = messages.length;
    if (n === 0 || this.events === null) return;
    const credit = this.gate.credit(tpKey(batch.topic, batch.partition));
    const events = this.events;
    let i = 0;
    while (i < n) {
      if (this.gate.closed || !p.isRunning() || p.isStale()) return;
      const granted = credit.reserve(messages, i, n);
      if (granted === 0) {
        if (this.mode === 'pause') {
          p.pause();
          events.paused(credit.key);
          return;
        }
        // Wait for the stage to make room; heartbeat meanwhile (a rebalance surfaces here as an error,
        // which kafkajs handles by re-joining).
        while (!this.gate.closed && !credit.canTake(messages[i]!)) {
          const room = await credit.waitForRoom(this.settings.heartbeatIntervalMs, this.scheduler);
          if (!room && !this.gate.closed) await p.heartbeat();
        }
        continue;
      }
      const to = i + granted;
      // A partial hand-over in pause mode must not pin the rest of kafkajs' batch in memory.
      const chunk =
        this.mode === 'pause' && (i !== 0 || to !== n)
          ? new Chunk(++this.chunkSeq, batch.topic, batch.partition, credit, messages.slice(i, to), 0, granted, credit.grantedBytes)
          : new Chunk(++this.chunkSeq, batch.topic, batch.partition, credit, messages, i, to, credit.grantedBytes);
      events.records(chunk);
      p.resolveOffset(messages[to - 1]!.offset);
      i = to;
    }
  }

  // ───────────────────────────── control of fetching (called by the stage) ─────────────────────────────

  pause(partitions: readonly TopicPartition[]): void {
    this.withConsumer((c) => c.pause(groupByTopic(partitions)));
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.withConsumer((c) => c.resume(groupByTopic(partitions)));
  }

  seek(topic: string, partition: number, offset: number): void {
    this.withConsumer((c) => c.seek({ topic, partition, offset: String(offset) }));
  }

  private pauseEverything(): void {
    const sub = this.subscription;
    const topics =
      sub.kind === 'topics'
        ? [...sub.topics]
        : sub.kind === 'assignment'
          ? [...new Set(sub.partitions.map((tp) => tp.topic))]
          : [...this.assigned].map((k) => k.slice(0, k.lastIndexOf(':')));
    this.withConsumer((c) => c.pause([...new Set(topics)].map((topic) => ({ topic }))));
  }

  /** kafkajs throws when the group is not running (yet, or any more): then there is nothing to pause or seek. */
  private withConsumer(f: (c: KafkaJsConsumer) => void): void {
    const c = this.consumer;
    if (c === null || this.closing) return;
    try {
      f(c);
    } catch {
      // not running: nothing fetched, nothing to control
    }
  }

  // ───────────────────────────── committing ─────────────────────────────

  attach(): void {
    this.attachedCommitters++;
  }

  detach(): void {
    this.attachedCommitters--;
    this.maybeClose();
  }

  /**
   * Commits `offsets` (next offsets to read). Failures caused by rebalances (the group moved to a new
   * generation, the coordinator moved) and by broker trouble are retried until the commit timeout;
   * after a rebalance, offsets of partitions this consumer no longer owns are left to their new owner.
   */
  async commit(offsets: readonly CommitOffset[]): Promise<readonly CommitOffset[]> {
    if (this.closing) throw new ConsumerClosedError(this.description);
    this.inFlightCommits++;
    try {
      const timeoutMs = this.settings.commitTimeoutMs;
      const deadline = this.scheduler.now() + timeoutMs;
      let pending = offsets;
      let rebalanced = false;
      let lastError: unknown;
      let delay = 50;
      for (;;) {
        if (this.closing && this.consumer === null) throw new ConsumerClosedError(this.description);
        if (rebalanced && this.joined) {
          pending = pending.filter((o) => this.assigned.has(tpKey(o.topic, o.partition)));
          if (pending.length === 0) return pending;
        }
        const consumer = this.consumer;
        // kafkajs silently skips commits while its consumer is not running: only commit when joined.
        if (this.joined && consumer !== null) {
          try {
            await consumer.commitOffsets(
              pending.map((o) =>
                o.metadata === undefined
                  ? { topic: o.topic, partition: o.partition, offset: String(o.offset) }
                  : { topic: o.topic, partition: o.partition, offset: String(o.offset), metadata: o.metadata },
              ),
            );
            for (const o of pending) this.committedOffsets.set(tpKey(o.topic, o.partition), o.offset);
            return pending;
          } catch (e) {
            if (!isKafkaJsError(e)) throw e;
            lastError = e;
            if (errorTypes(e).some((t) => REBALANCE_ERRORS.has(t))) rebalanced = true;
          }
        }
        if (this.closing) throw new ConsumerClosedError(this.description);
        if (this.scheduler.now() + delay > deadline) throw new CommitTimeoutError(this.description, timeoutMs, lastError);
        await sleep(this.scheduler, delay);
        delay = Math.min(delay * 2, 1000);
      }
    } finally {
      this.inFlightCommits--;
      this.maybeClose();
    }
  }

  // ───────────────────────────── closing ─────────────────────────────

  /**
   * The source stage stopped; fetching stops. After `Control.stop()` (`'stopped'`) the consumer stays open
   * until `shutdown()`: offsets of records already emitted may still be on their way to a committer. When
   * the stage ended in any other way (`'terminated'`: failure, cancellation, abrupt termination) it closes
   * once no committer is attached any more, and after the stop timeout at the latest.
   */
  release(reason: 'stopped' | 'terminated'): void {
    if (this.released) return;
    this.released = true;
    this.releaseReason = reason;
    this.gate.close();
    if (reason === 'terminated') this.armCloseTimer();
    this.maybeClose();
    // Staying open for a while: stop fetching. (Not when closing at once: a fully paused kafkajs consumer
    // sleeps a whole fetch wait before it notices the disconnect.)
    if (this.closed === null) this.pauseEverything();
  }

  /** Control.shutdown: closes once no committer is attached and no commit is in flight (stop timeout at the latest). */
  shutdown(): Promise<void> {
    if (!this.shutdownRequested) {
      this.shutdownRequested = true;
      this.armCloseTimer();
      this.maybeClose();
    }
    return this.isShutdown;
  }

  private armCloseTimer(): void {
    if (this.releaseTimer !== null || this.closed !== null) return;
    const stopTimeout = this.settings.stopTimeoutMs;
    if (stopTimeout > 0) this.releaseTimer = this.scheduler.scheduleOnce(stopTimeout, () => void this.close());
  }

  private maybeClose(): void {
    if (this.closed !== null || this.inFlightCommits > 0) return;
    const done = this.attachedCommitters <= 0 || this.settings.stopTimeoutMs === 0;
    if (done && (this.shutdownRequested || this.releaseReason === 'terminated')) void this.close();
  }

  /** Disconnects the consumer (once); resolves `isShutdown` when done. */
  close(): Promise<void> {
    if (this.closed !== null) return this.closed;
    this.closing = true;
    this.releaseTimer?.cancel();
    this.releaseTimer = null;
    this.gate.close();
    const consumer = this.consumer;
    const starting = this.starting;
    this.closed = (async () => {
      // Disconnecting while kafkajs is still joining would leave a zombie consumer: wait for start-up.
      if (starting !== null) await starting.catch(() => undefined);
      if (consumer !== null || this.consumer !== null) {
        try {
          await (this.consumer ?? consumer)!.disconnect();
        } catch {
          // the consumer is gone either way
        }
      }
      const admin = this.admin;
      this.admin = null;
      await admin?.disconnect().catch(() => undefined);
      this.consumer = null;
      this.joined = false;
      this.resolveShutdown();
    })();
    return this.closed;
  }
}

function groupByTopic(partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    let list = byTopic.get(topic);
    if (list === undefined) byTopic.set(topic, (list = []));
    list.push(partition);
  }
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
}

function sleep(scheduler: Scheduler, ms: number): Promise<void> {
  return new Promise((resolve) => scheduler.scheduleOnce(ms, resolve));
}
