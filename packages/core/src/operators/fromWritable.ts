/**
 * `StreamConverters.fromWritable(create)`: a sink writing into a Node `Writable`.
 *
 * One element is written per pull; when `write()` returns false the stage waits for 'drain' before
 * pulling again, so at most the writable's `highWaterMark` is buffered in Node. Completion calls
 * `end()` and the materialized promise resolves on 'finish'; a stream failure destroys the writable with
 * that error; a writable error fails the stream (and cancels upstream).
 */
import type { Writable } from 'node:stream';
import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import type { Inlet } from '../stage/Ports.js';
import type { SinkShape } from '../stage/Shape.js';
import { attach, detach, type Listeners, prematureClose, requireStream } from './nodeStreamInternals.js';
import { abrupt } from './reactiveStreamsInternals.js';
import { type Deferred, deferred, SinkStage } from './SinkStage.js';
import { requireFunction } from './validate.js';

const Name = 'StreamConverters.fromWritable';

export class FromWritableSink<T> extends SinkStage<T, Promise<void>> {
  constructor(readonly create: () => Writable) {
    super('fromWritable');
    requireFunction(Name, 'create', create);
  }
  createLogicAndMaterializedValue(_attributes: Attributes): [GraphStageLogic, Promise<void>] {
    const d = deferred<void>();
    return [new FromWritableLogic<T>(this.shape, this.create, d), d.promise];
  }
}

class FromWritableLogic<T> extends GraphStageLogic implements InHandler {
  private writable: Writable | null = null;
  private readonly in: Inlet<T>;
  private readonly listeners: Listeners;
  private settled = false;
  private finished = false;

  constructor(
    shape: SinkShape<T>,
    private readonly create: () => Writable,
    private readonly result: Deferred<void>,
  ) {
    super(shape);
    this.in = shape.in;
    this.setHandler(shape.in, this);
    const onDrain = this.getAsyncCallback(() => {
      if (!this.isClosed(this.in) && !this.hasBeenPulled(this.in)) this.pull(this.in);
    });
    const onFinish = this.getAsyncCallback(() => {
      this.finished = true;
      this.settle();
      this.completeStage();
    });
    const onError = this.getAsyncCallback((e: unknown) => this.failWith(e));
    const onClose = this.getAsyncCallback(() => {
      if (!this.finished) this.failWith(prematureClose(Name, 'Writable'));
    });
    this.listeners = [
      ['drain', () => onDrain.invoke(undefined)],
      ['finish', () => onFinish.invoke(undefined)],
      ['error', (e: unknown) => onError.invoke(e)],
      ['close', () => onClose.invoke(undefined)],
    ];
  }

  override preStart(): void {
    const w = this.create();
    requireStream(Name, w, 'Writable');
    this.writable = w;
    attach(w, this.listeners);
    this.pull(this.in);
  }

  onPush(): void {
    const x = this.grab(this.in);
    // write() returning false still accepted the chunk; it asks us to wait for 'drain'.
    if (this.writable!.write(x)) this.pull(this.in);
  }

  onUpstreamFinish(): void {
    this.setKeepGoing(true); // until 'finish'
    this.writable!.end();
  }

  onUpstreamFailure(error: unknown): void {
    this.writable!.destroy(error as Error);
    this.failWith(error);
  }

  private failWith(error: unknown): void {
    this.settle(error, true);
    this.failStage(error);
  }

  private settle(error?: unknown, failed = false): void {
    if (this.settled) return;
    this.settled = true;
    if (failed) this.result.reject(error);
    else this.result.resolve();
  }

  override postStop(): void {
    const w = this.writable;
    if (w !== null) {
      detach(w, this.listeners);
      if (!this.finished && !w.destroyed) w.destroy();
    }
    this.settle(abrupt(Name), true);
  }
}
