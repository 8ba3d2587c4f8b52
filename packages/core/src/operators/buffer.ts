import { BufferOverflowError, type OverflowStrategy } from '../OverflowStrategy.js';
import type { Attributes } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { RingBuffer } from './RingBuffer.js';
import { requireOverflowStrategy } from './requireOverflowStrategy.js';
import { requirePositiveInt } from './validate.js';

/**
 * `buffer(size, overflowStrategy)`: holds up to `size` elements that downstream has not asked for yet,
 * asking upstream for more as long as there is room. What happens when an element arrives and the buffer is
 * full is up to the strategy: drop the oldest, the youngest, everything or the new element, backpressure,
 * or fail with `BufferOverflowError`. Buffered elements are still delivered after upstream completes.
 */
export class Buffer<T> extends FlowStage<T, T> {
  constructor(
    readonly size: number,
    readonly overflowStrategy: OverflowStrategy,
  ) {
    super('buffer');
    requirePositiveInt('buffer', 'size', size);
    requireOverflowStrategy('buffer', 'overflowStrategy', overflowStrategy);
  }
  createLogic(_attributes: Attributes): GraphStageLogic {
    return new BufferLogic(this);
  }
}

class BufferLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private readonly buf: RingBuffer<T>;
  private readonly backpressure: boolean;

  constructor(private readonly stage: Buffer<T>) {
    super(stage.shape);
    this.buf = new RingBuffer<T>(stage.size);
    this.backpressure = stage.overflowStrategy === 'backpressure';
    this.setHandlers(stage.in, stage.out, this);
  }

  override preStart(): void {
    this.pull(this.stage.in);
  }

  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    // Downstream is waiting, so the buffer is empty: hand the element straight on.
    if (this.isAvailable(s.out)) {
      this.push(s.out, x);
      this.pull(s.in);
      return;
    }
    const buf = this.buf;
    if (!buf.isFull) {
      buf.enqueue(x);
    } else {
      switch (s.overflowStrategy) {
        case 'dropHead':
          buf.dropHead();
          buf.enqueue(x);
          break;
        case 'dropTail':
          buf.dropTail();
          buf.enqueue(x);
          break;
        case 'dropBuffer':
          buf.clear();
          buf.enqueue(x);
          break;
        case 'dropNew':
          break;
        case 'fail':
          return this.failStage(new BufferOverflowError(s.size, this.stageName));
        case 'backpressure':
          // Never pulled while full, so an element cannot arrive now.
          throw new Error(`${this.stageName}: element arrived while the backpressured buffer was full`);
      }
    }
    if (!this.backpressure || !buf.isFull) this.pull(s.in);
  }

  onPull(): void {
    const s = this.stage;
    const buf = this.buf;
    if (!buf.isEmpty) this.push(s.out, buf.dequeue());
    if (this.isClosed(s.in)) {
      if (buf.isEmpty) this.completeStage();
    } else if (!this.hasBeenPulled(s.in)) {
      this.pull(s.in);
    }
  }

  onUpstreamFinish(): void {
    if (this.buf.isEmpty) this.completeStage();
  }
}
