import { BufferOverflowError, type DelayOverflowStrategy } from '../OverflowStrategy.js';
import type { Attributes } from '../stage/Attributes.js';
import type { InHandler, OutHandler } from '../stage/GraphStageLogic.js';
import { TimerGraphStageLogic } from '../stage/TimerGraphStageLogic.js';
import { requireDuration } from './durations.js';
import { FlowStage } from './FlowStage.js';
import { RingBuffer } from './RingBuffer.js';
import { requireDelayOverflowStrategy } from './requireOverflowStrategy.js';

const DelayTimer = 'delay';

/**
 * `delay(ms, overflowStrategy)`: emits every element `ms` after it arrived (later, if downstream is not
 * ready). Up to `Attributes.inputBuffer(…).max` elements (default 16) wait at a time; when an element
 * arrives and the buffer is full, the strategy decides: drop the oldest / youngest / all / the new one,
 * emit the oldest early (`emitEarly`), backpressure, or fail with `BufferOverflowError`.
 */
export class Delay<T> extends FlowStage<T, T> {
  constructor(
    readonly delayMs: number,
    readonly overflowStrategy: DelayOverflowStrategy,
  ) {
    super('delay');
    requireDuration('delay', 'ms', delayMs, true);
    requireDelayOverflowStrategy('delay', 'overflowStrategy', overflowStrategy);
  }
  createLogic(attributes: Attributes): TimerGraphStageLogic {
    return new DelayLogic(this, attributes.inputBuffer.max);
  }
}

/** Buffered elements are kept with the time they are due, in arrival order (so also in due order). */
class DelayLogic<T> extends TimerGraphStageLogic implements InHandler, OutHandler {
  private readonly elements: RingBuffer<T>;
  private readonly due: RingBuffer<number>;
  private readonly backpressure: boolean;

  constructor(
    private readonly stage: Delay<T>,
    private readonly size: number,
  ) {
    super(stage.shape);
    this.elements = new RingBuffer<T>(size);
    this.due = new RingBuffer<number>(size);
    const s = stage.overflowStrategy;
    this.backpressure = s === 'backpressure' || s === 'emitEarly';
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    this.pull(this.stage.in);
  }

  private get now(): number {
    return this.materializer.scheduler.now();
  }

  /** May upstream be asked for another element? */
  private shouldPull(): boolean {
    if (!this.elements.isFull) return true;
    if (!this.backpressure) return true;
    // emitEarly can make room only by pushing, so only if downstream wants an element
    return this.stage.overflowStrategy === 'emitEarly' && this.isAvailable(this.stage.out);
  }

  onPush(): void {
    const s = this.stage;
    const buf = this.elements;
    if (buf.isFull) {
      switch (s.overflowStrategy) {
        case 'emitEarly':
          this.cancelTimer(DelayTimer);
          this.pushHead();
          break;
        case 'dropHead':
          buf.dropHead();
          this.due.dropHead();
          break;
        case 'dropTail':
          buf.dropTail();
          this.due.dropTail();
          break;
        case 'dropBuffer':
          buf.clear();
          this.due.clear();
          this.cancelTimer(DelayTimer);
          break;
        case 'dropNew':
          this.grab(s.in);
          this.pull(s.in);
          return;
        case 'fail':
          return this.failStage(new BufferOverflowError(this.size, this.stageName));
        case 'backpressure':
          throw new Error(`${this.stageName}: element arrived while the backpressured buffer was full`);
      }
    }
    buf.enqueue(this.grab(s.in));
    this.due.enqueue(this.now + s.delayMs);
    if (this.shouldPull()) this.pull(s.in);
    this.emitDue();
  }

  onPull(): void {
    this.emitDue();
    const inlet = this.stage.in;
    if (!this.isClosed(inlet) && !this.hasBeenPulled(inlet) && this.shouldPull()) this.pull(inlet);
    this.completeIfDone();
  }

  onUpstreamFinish(): void {
    this.completeIfDone();
  }

  protected onTimer(): void {
    this.emitDue();
    const inlet = this.stage.in;
    if (!this.isClosed(inlet) && !this.hasBeenPulled(inlet) && this.shouldPull()) this.pull(inlet);
    this.completeIfDone();
  }

  /** Pushes the oldest element if it is due and wanted; otherwise makes sure a timer is set for it. */
  private emitDue(): void {
    if (this.elements.isEmpty) return;
    const wait = this.due.peek() - this.now;
    if (wait <= 0) {
      if (this.isAvailable(this.stage.out)) this.pushHead();
      // else: onPull will take it
    } else if (!this.isTimerActive(DelayTimer)) {
      this.scheduleOnce(DelayTimer, wait);
    }
  }

  private pushHead(): void {
    this.due.dequeue();
    this.push(this.stage.out, this.elements.dequeue());
    // The next element's timer is set when downstream asks again (or now, if it is not due yet).
    if (!this.elements.isEmpty && !this.isTimerActive(DelayTimer)) {
      const wait = this.due.peek() - this.now;
      if (wait > 0) this.scheduleOnce(DelayTimer, wait);
    }
  }

  private completeIfDone(): void {
    if (this.isClosed(this.stage.in) && this.elements.isEmpty) this.completeStage();
  }
}
