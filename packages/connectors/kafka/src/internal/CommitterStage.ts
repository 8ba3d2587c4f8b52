/**
 * The committer behind `Committer.batchFlow` / `flow` / `sink`: aggregates offsets into a batch (the
 * highest offset per partition), commits a batch when `maxBatch` offsets have arrived or every
 * `maxIntervalMs`, with at most `parallelism` batches committing (or waiting to be emitted) at once, and
 * emits each committed batch in order.
 *
 * The last partial batch is committed when upstream completes — and when upstream fails, before the
 * failure is passed on (Alpakka #1058), so that records processed before a failure are not re-delivered.
 * A failed commit fails the stage. While offsets from a source pass through, the committer keeps that
 * source's consumer open (attach/detach), even after the source itself stopped.
 *
 * `CommitWhen.NextOffsetObserved` keeps each partition's latest offset aside (`deferred`) and moves it
 * into the batch only once a higher offset of that partition arrives — every element carrying the
 * deferred offset has then passed — or when upstream ends. `CommitDelivery.SendAndForget` marks a batch
 * committed as soon as its commit is sent; a failed commit is logged instead of failing the stage.
 */
import type { Attributes } from '@tributary/core';
import { FlowShape, GraphStage, type GraphStageLogic, type InHandler, Inlet, type OutHandler, Outlet, TimerGraphStageLogic } from '@tributary/core/stage';
import type { CommitterSettings } from '../CommitterSettings.js';
import {
  addCommittable,
  addEntry,
  type BatchEntry,
  type Committable,
  CommittableOffsetBatch,
  CommittableOffsetImpl,
  committersOf,
  forEachEntry,
} from '../ConsumerMessage.js';
import type { KafkaCommitter } from './KafkaCommitter.js';

type BatchEntries = Map<string, BatchEntry>;

export class CommitterStage extends GraphStage<FlowShape<Committable, CommittableOffsetBatch>> {
  readonly in = new Inlet<Committable>('Committer.in');
  readonly out = new Outlet<CommittableOffsetBatch>('Committer.out');
  readonly shape = new FlowShape(this.in, this.out);

  constructor(
    readonly settings: CommitterSettings,
    private readonly name: string,
  ) {
    super();
  }

  override get defaultName(): string {
    return this.name;
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new CommitterLogic(this);
  }
}

interface InFlight {
  readonly batch: CommittableOffsetBatch;
  done: boolean;
}

const FlushTimer = 'flush';

class CommitterLogic extends TimerGraphStageLogic implements InHandler, OutHandler {
  private acc: BatchEntries = new Map();
  private accSize = 0;
  private readonly inFlight: InFlight[] = [];
  private pending = 0;
  private upstreamDone = false;
  private downstreamGone = false;
  private failure: unknown = undefined;
  private failed = false;
  private readonly attached = new Set<KafkaCommitter>();
  private lastAttached: KafkaCommitter | null = null;
  private readonly committed = this.getAsyncCallback<InFlight>((e) => this.onCommitted(e));
  private readonly commitFailed = this.getAsyncCallback<unknown>((e) => this.failStage(e));
  private readonly maxBatch: number;
  private readonly parallelism: number;
  /** `CommitWhen.NextOffsetObserved`: each partition's latest offset, committed once a higher one arrives. */
  private readonly deferred: BatchEntries | null;
  private readonly sendAndForget: boolean;
  private readonly observe = (key: string, e: BatchEntry): void => this.observeDeferred(key, e);

  constructor(private readonly stage: CommitterStage) {
    super(stage.shape);
    this.maxBatch = stage.settings.maxBatch;
    this.parallelism = stage.settings.parallelism;
    this.deferred = stage.settings.when === 'NextOffsetObserved' ? new Map() : null;
    this.sendAndForget = stage.settings.delivery === 'SendAndForget';
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    const interval = this.stage.settings.maxIntervalMs;
    this.scheduleWithFixedDelay(FlushTimer, interval, interval);
    this.pull(this.stage.in);
  }

  onPush(): void {
    const c = this.grab(this.stage.in);
    try {
      if (this.deferred === null) addCommittable(this.acc, c, this.stageName);
      else forEachEntry(c, this.stageName, this.observe);
    } catch (e) {
      this.failStage(e);
      return;
    }
    if (c instanceof CommittableOffsetImpl) this.attach(c.committer);
    else for (const committer of committersOf(c)) this.attach(committer);
    if (this.deferred === null) this.accSize += c.batchSize;
    if (this.accSize >= this.maxBatch) this.flush();
    this.pullIfRoom();
  }

  private observeDeferred(key: string, e: BatchEntry): void {
    const deferred = this.deferred!;
    const prev = deferred.get(key);
    if (prev !== undefined && prev.committer === e.committer) {
      if (prev.offset >= e.offset) return;
      // A higher offset of the partition: everything carrying the deferred one has passed.
      addEntry(this.acc, key, prev);
      this.accSize++;
    }
    deferred.set(key, e);
  }

  /** Upstream ended: the deferred offsets have seen all their elements. */
  private releaseDeferred(): void {
    const deferred = this.deferred;
    if (deferred === null || deferred.size === 0) return;
    for (const [key, e] of deferred) addEntry(this.acc, key, e);
    this.accSize += deferred.size;
    deferred.clear();
  }

  /** Keeps the consumer behind `committer` open while this stage may still commit through it. */
  private attach(committer: KafkaCommitter): void {
    if (this.lastAttached === committer) return;
    this.lastAttached = committer;
    if (!this.attached.has(committer)) {
      this.attached.add(committer);
      committer.attach();
    }
  }

  onUpstreamFinish(): void {
    this.upstreamDone = true;
    this.releaseDeferred();
    this.flush();
    this.finishIfDone();
  }

  onUpstreamFailure(error: unknown): void {
    this.upstreamDone = true;
    this.failure = error;
    this.failed = true;
    this.releaseDeferred();
    this.flush();
    this.finishIfDone();
  }

  onPull(): void {
    this.emitReady();
    this.flushIfDue();
    this.pullIfRoom();
    this.finishIfDone();
  }

  onDownstreamFinish(): void {
    // Nobody wants the results, but offsets already aggregated are still worth committing.
    this.downstreamGone = true;
    this.setKeepGoing(true);
    if (!this.isClosed(this.stage.in)) this.cancel(this.stage.in);
    this.upstreamDone = true;
    this.releaseDeferred();
    this.flush();
    this.finishIfDone();
  }

  protected onTimer(): void {
    this.flush();
    this.pullIfRoom();
  }

  /** Commits the aggregated batch if it is full, or if it is the last one. */
  private flushIfDue(): void {
    if (this.accSize >= this.maxBatch || this.upstreamDone) this.flush();
  }

  /** Starts committing the aggregated batch, if there is one and a commit slot is free. */
  private flush(): void {
    if (this.accSize === 0 || this.inFlight.length >= this.parallelism) return;
    const batch = CommittableOffsetBatch._fromEntries(this.acc, this.accSize);
    this.acc = new Map();
    this.accSize = 0;
    const entry: InFlight = { batch, done: false };
    this.inFlight.push(entry);
    if (this.sendAndForget) {
      batch._commit().catch((e: unknown) => this.logCommitFailure(batch, e));
      entry.done = true;
      this.emitReady();
      return;
    }
    this.pending++;
    batch._commit().then(
      () => this.committed.invoke(entry),
      (e: unknown) => this.commitFailed.invoke(e),
    );
  }

  private logCommitFailure(batch: CommittableOffsetBatch, e: unknown): void {
    const logger = this.materializer.logger;
    if (logger !== null) logger(`${this.stageName}: a commit sent without waiting for its acknowledgement failed (${batch})`, e);
  }

  private onCommitted(entry: InFlight): void {
    entry.done = true;
    this.pending--;
    if (this.failed || this.downstreamGone) {
      // Results are not emitted any more: just drop committed batches from the queue.
      while (this.inFlight.length > 0 && this.inFlight[0]!.done) this.inFlight.shift();
    } else {
      this.emitReady();
    }
    this.flushIfDue();
    this.pullIfRoom();
    this.finishIfDone();
  }

  private emitReady(): void {
    const head = this.inFlight[0];
    if (head !== undefined && head.done && this.isAvailable(this.stage.out)) {
      this.inFlight.shift();
      this.push(this.stage.out, head.batch);
    }
  }

  /** Back-pressures only while a full batch waits for a commit slot. */
  private pullIfRoom(): void {
    const inlet = this.stage.in;
    if (this.upstreamDone || this.isClosed(inlet) || this.hasBeenPulled(inlet)) return;
    if (this.accSize >= this.maxBatch) return;
    this.pull(inlet);
  }

  private finishIfDone(): void {
    if (!this.upstreamDone || this.accSize > 0 || this.pending > 0) return;
    if (this.failed) {
      this.failStage(this.failure);
      return;
    }
    if (this.downstreamGone) {
      this.setKeepGoing(false);
      this.completeStage();
      return;
    }
    if (this.inFlight.length === 0) this.completeStage();
  }

  override postStop(): void {
    for (const c of this.attached) c.detach();
    this.attached.clear();
  }
}
