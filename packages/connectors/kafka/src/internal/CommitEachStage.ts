/**
 * `atMostOnceSource`'s second half: commits each message's offset, and only once that commit succeeded
 * emits the record (one commit in flight at a time, like `mapAsync(1)`).
 */
import { FlowShape, GraphStage, type GraphStageLogic, type InHandler, Inlet, GraphStageLogic as Logic, type OutHandler, Outlet } from '@tributary/core/stage';
import type { CommittableMessage } from '../ConsumerMessage.js';
import { CommittableOffsetImpl } from '../ConsumerMessage.js';
import type { ConsumerRecord } from '../ConsumerRecord.js';
import type { KafkaCommitter } from './KafkaCommitter.js';

export class CommitEachStage<K, V> extends GraphStage<FlowShape<CommittableMessage<K, V>, ConsumerRecord<K, V>>> {
  readonly in = new Inlet<CommittableMessage<K, V>>('CommitEach.in');
  readonly out = new Outlet<ConsumerRecord<K, V>>('CommitEach.out');
  readonly shape = new FlowShape(this.in, this.out);
  override get defaultName(): string {
    return 'atMostOnceSource.commit';
  }
  createLogic(): GraphStageLogic {
    return new CommitEachLogic(this);
  }
}

class CommitEachLogic<K, V> extends Logic implements InHandler, OutHandler {
  private committing = false;
  private finished = false;
  private committer: KafkaCommitter | null = null;
  private readonly done = this.getAsyncCallback<ConsumerRecord<K, V> | null>((r) => this.onCommitted(r));
  private readonly failed = this.getAsyncCallback<unknown>((e) => this.failStage(e));

  constructor(private readonly stage: CommitEachStage<K, V>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }

  onPush(): void {
    const msg = this.grab(this.stage.in);
    const offset = msg.committableOffset;
    if (!(offset instanceof CommittableOffsetImpl)) {
      this.failStage(new TypeError(`${this.stageName}: expected a committable message from a Kafka source`));
      return;
    }
    if (this.committer === null) {
      this.committer = offset.committer;
      this.committer.attach();
    }
    this.committing = true;
    offset.committer.commit([{ topic: offset.topic, partition: offset.partition, offset: offset.offset + 1 }]).then(
      // Not committed because the partition was revoked: its new owner reads the record; it is not emitted here.
      (done) => this.done.invoke(done.length > 0 ? msg.record : null),
      (e: unknown) => this.failed.invoke(e),
    );
  }

  private onCommitted(record: ConsumerRecord<K, V> | null): void {
    this.committing = false;
    if (record !== null) this.push(this.stage.out, record);
    if (this.finished) this.completeStage();
    else if (record === null) this.pull(this.stage.in);
  }

  onPull(): void {
    if (!this.committing && !this.finished) this.pull(this.stage.in);
  }

  onUpstreamFinish(): void {
    this.finished = true;
    if (!this.committing) this.completeStage();
  }

  override postStop(): void {
    this.committer?.detach();
  }
}
