/**
 * The stage behind `Compression.gzip/gunzip/deflate/inflate`: a `node:zlib` stream driven with
 * back-pressure on both sides.
 *
 * Why Node's zlib streams, and how they are driven. The synchronous zlib entry points are one-shot
 * (`gunzipSync(buffer)`), and the incremental synchronous one is private, so the stage uses the
 * public Transform, whose work runs on libuv's thread pool — which also lets compression overlap
 * with the rest of the stream. The Transform already stops inflating when its readable buffer is
 * full; the stage keeps it that way:
 *
 * - output: the Transform flows, and every 'data' chunk pauses it at once (in the listener, before the
 *   chunk enters the island). It is resumed only when the chunk handed over has been pushed, so at most
 *   one chunk waits here and one in the Transform's buffer. A decompression bomb therefore inflates
 *   one `maxBytesPerChunk` chunk per downstream pull, however small its input.
 * - input: upstream is pulled while `write()` accepts more, and again on 'drain'. Input waits in the
 *   Transform's writable buffer while its output is not taken, so nothing grows without bound.
 *
 * Every event reaches the stage through an async callback; the Transform is destroyed in postStop
 * (releasing the zlib handle) however the stream ended.
 */
import type { Transform } from 'node:stream';
import type { Attributes } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { asBuffer } from './byteChunks.js';
import { FlowStage } from './FlowStage.js';
import { attach, detach, type Listeners } from './nodeStreamInternals.js';

export class ZlibFlow extends FlowStage<Uint8Array, Buffer> {
  constructor(
    operatorName: string,
    /** Creates the zlib Transform, once per materialization. */
    readonly create: () => Transform,
    /** Emitted chunks are cut to at most this many bytes. */
    readonly maxBytesPerChunk: number,
    /** An empty input decompresses to an empty output (an empty body with a content encoding is common). */
    readonly emptyInputIsEmptyOutput: boolean,
  ) {
    super(operatorName);
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new ZlibFlowLogic(this);
  }
}

class ZlibFlowLogic extends GraphStageLogic implements InHandler, OutHandler {
  private zlib: Transform | null = null;
  /** Output taken from zlib, not yet pushed (at most one chunk, possibly partly pushed). */
  private output: Buffer | null = null;
  private bytesIn = 0;
  private upstreamDone = false;
  private zlibEnded = false;
  private readonly listeners: Listeners;

  constructor(private readonly stage: ZlibFlow) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
    const onData: AsyncCallback<Buffer> = this.getAsyncCallback(this.onData);
    const onDrain: AsyncCallback<undefined> = this.getAsyncCallback(this.onDrain);
    const onEnd: AsyncCallback<undefined> = this.getAsyncCallback(this.onEnd);
    const onError: AsyncCallback<unknown> = this.getAsyncCallback(this.failStage);
    this.listeners = [
      [
        'data',
        function (this: Transform, chunk: Buffer) {
          this.pause();
          onData.invoke(chunk);
        },
      ],
      ['drain', () => onDrain.invoke(undefined)],
      ['end', () => onEnd.invoke(undefined)],
      ['error', (e: unknown) => onError.invoke(e)],
    ];
  }

  override preStart(): void {
    const z = this.stage.create();
    this.zlib = z;
    attach(z, this.listeners);
    this.pull(this.stage.in);
  }

  onPush(): void {
    const s = this.stage;
    const chunk = asBuffer(s.defaultName, this.grab(s.in));
    if (chunk.length === 0) {
      this.pull(s.in);
      return;
    }
    this.bytesIn += chunk.length;
    if (this.zlib!.write(chunk)) this.pull(s.in);
    // else: 'drain' pulls again once zlib has taken what it holds.
  }

  private onDrain(): void {
    const inlet = this.stage.in;
    if (!this.upstreamDone && !this.isClosed(inlet) && !this.hasBeenPulled(inlet)) this.pull(inlet);
  }

  onUpstreamFinish(): void {
    this.upstreamDone = true;
    if (this.bytesIn === 0 && this.stage.emptyInputIsEmptyOutput) this.completeStage();
    else this.zlib!.end(); // flushes the rest: 'data' chunks, then 'end'
  }

  private onData(chunk: Buffer): void {
    this.output = chunk;
    this.deliver();
  }

  private onEnd(): void {
    this.zlibEnded = true;
    if (this.output === null) this.completeStage();
  }

  onPull(): void {
    this.deliver();
  }

  /** Pushes (a piece of) the waiting chunk if downstream wants it; asks zlib for the next once it is out. */
  private deliver(): void {
    const chunk = this.output;
    if (chunk === null || !this.isAvailable(this.stage.out)) return;
    const max = this.stage.maxBytesPerChunk;
    if (chunk.length > max) {
      this.output = chunk.subarray(max);
      this.push(this.stage.out, chunk.subarray(0, max));
      return;
    }
    this.output = null;
    this.push(this.stage.out, chunk);
    if (this.zlibEnded) this.completeStage();
    else this.zlib!.resume();
  }

  override postStop(): void {
    const z = this.zlib;
    if (z === null) return;
    this.zlib = null;
    this.output = null;
    detach(z, this.listeners);
    z.destroy();
  }
}
