/**
 * `StreamConverters.asReadable(options)`: the stream as a Node `Readable` (byte or object mode).
 *
 * Node drives demand: each `_read()` — which Node calls only while its buffer is below
 * `highWaterMark` — becomes one pull. Completion ends the readable (`push(null)`); failure destroys it
 * with the stream's error; destroying the readable cancels the stream.
 */
import { Readable } from 'node:stream';
import { NoMoreElementsNeeded } from '../impl/GraphInterpreter.js';
import type { Attributes } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler } from '../stage/GraphStageLogic.js';
import type { Inlet } from '../stage/Ports.js';
import type { SinkShape } from '../stage/Shape.js';
import { abrupt } from './reactiveStreamsInternals.js';
import { SinkStage } from './SinkStage.js';
import { requirePositiveInt } from './validate.js';

const Name = 'StreamConverters.asReadable';

export interface AsReadableOptions {
  /** Elements are arbitrary values (default false: elements must be `Uint8Array`/`Buffer` or strings). */
  readonly objectMode?: boolean;
  /** The readable's buffer: bytes in byte mode, elements in object mode (Node's defaults if omitted). */
  readonly highWaterMark?: number;
}

export class AsReadableSink<T> extends SinkStage<T, Readable> {
  constructor(readonly options: AsReadableOptions) {
    super('asReadable');
    if (options.highWaterMark !== undefined) requirePositiveInt(Name, 'highWaterMark', options.highWaterMark);
  }
  createLogicAndMaterializedValue(_attributes: Attributes): [GraphStageLogic, Readable] {
    const readable = new BridgeReadable(this.options);
    return [new AsReadableLogic<T>(this.shape, readable, this.options.objectMode === true), readable];
  }
}

class BridgeReadable extends Readable {
  demand: AsyncCallback<undefined> | null = null;
  cancel: AsyncCallback<unknown> | null = null;
  constructor(options: AsReadableOptions) {
    super({ objectMode: options.objectMode === true, ...(options.highWaterMark !== undefined ? { highWaterMark: options.highWaterMark } : {}) });
  }
  override _read(): void {
    this.demand!.invoke(undefined);
  }
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.cancel!.invoke(error ?? undefined);
    callback(error);
  }
}

class AsReadableLogic<T> extends GraphStageLogic implements InHandler {
  private readonly in: Inlet<T>;
  private done = false;

  constructor(
    shape: SinkShape<T>,
    private readonly readable: BridgeReadable,
    private readonly objectMode: boolean,
  ) {
    super(shape);
    this.in = shape.in;
    this.setHandler(shape.in, this);
    readable.demand = this.getAsyncCallback(() => {
      if (!this.hasBeenPulled(this.in) && !this.isClosed(this.in)) this.pull(this.in);
    });
    readable.cancel = this.getAsyncCallback((error) => {
      this.done = true;
      this.cancelStage(error ?? NoMoreElementsNeeded);
    });
  }

  onPush(): void {
    const x = this.grab(this.in);
    if (!this.objectMode && !(x instanceof Uint8Array) && typeof x !== 'string') {
      const e = new TypeError(
        `${Name}: a byte-mode Readable takes Uint8Array/Buffer or string elements, got ${x === null ? 'null' : typeof x}; use { objectMode: true } for other values`,
      );
      this.done = true;
      this.readable.destroy(e);
      this.failStage(e);
      return;
    }
    if (x == null) {
      // push(null) would end the readable early: refuse instead of truncating silently.
      const e = new TypeError(`${Name}: the stream emitted ${String(x)}, which a Node Readable cannot carry (push(null) means end of stream)`);
      this.done = true;
      this.readable.destroy(e);
      this.failStage(e);
      return;
    }
    this.readable.push(x);
  }

  onUpstreamFinish(): void {
    this.done = true;
    this.readable.push(null);
    this.completeStage();
  }

  onUpstreamFailure(error: unknown): void {
    this.done = true;
    this.readable.destroy(error as Error); // the original error, whatever its type
    this.failStage(error);
  }

  /** @internal The readable's 'error' listeners receive the stream's failure: it is not logged again. */
  _failureObserved(): boolean {
    return this.readable.listenerCount('error') > 0;
  }

  override postStop(): void {
    if (!this.done && !this.readable.destroyed) this.readable.destroy(abrupt(Name));
  }
}
