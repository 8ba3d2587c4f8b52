/**
 * Bridges between Tributary streams and the streams Node developers already have — Node's
 * `Readable`/`Writable`/`Duplex` and WHATWG `ReadableStream`/`WritableStream` — without turning
 * back-pressure off at the seam: every bridge reads only when the other side has room and writes only
 * when the other side asks.
 *
 * Factories take a function creating the external stream, so a blueprint can be run many times (each
 * run creates its own stream). Bytes travel as `Uint8Array`/`Buffer` elements.
 */
import { Duplex, type Readable, type Writable } from 'node:stream';
import { OverflowStrategy } from '../OverflowStrategy.js';
import { type AsReadableOptions, AsReadableSink } from '../operators/asReadable.js';
import { AsReadableStreamSink } from '../operators/asReadableStream.js';
import { FromDuplexFlow } from '../operators/fromDuplex.js';
import { FromReadableSource } from '../operators/fromReadable.js';
import { FromReadableStreamSource } from '../operators/fromReadableStream.js';
import { FromWritableSink } from '../operators/fromWritable.js';
import { FromWritableStreamSink } from '../operators/fromWritableStream.js';
import { requirePositiveInt } from '../operators/validate.js';
import type { Graph } from '../stage/GraphStage.js';
import type { FlowShape } from '../stage/Shape.js';
import { Flow } from './Flow.js';
import { Keep } from './Keep.js';
import { Materializer } from './Materializer.js';
import { Sink } from './Sink.js';
import { Source } from './Source.js';

export type { AsReadableOptions };

export const StreamConverters = {
  /**
   * A source reading a Node `Readable` (created by `create` for each run) in paused mode: one `read()`
   * per downstream pull, so Node buffers at most the readable's `highWaterMark`. Elements are what the
   * readable yields: `Buffer` chunks in byte mode (strings if it has an encoding), values in object mode.
   *
   * - **Emits when** downstream pulls and the readable has data.
   * - **Backpressures when** downstream backpressures (the readable stops at its `highWaterMark`).
   * - **Completes when** the readable ends ('end').
   * - **Fails when** the readable errors, or closes before it ended.
   * - **Cancels when** downstream cancels: the readable is destroyed.
   *
   * @example StreamConverters.fromReadable(() => fs.createReadStream(path)).runWith(Sink.foreach(handle))
   */
  fromReadable<T = Buffer>(create: () => Readable): Source<T> {
    return Source.fromGraph(new FromReadableSource<T>(create));
  },

  /**
   * A sink that materializes a Node `Readable` emitting the stream's elements. Node drives demand:
   * each `_read()` (made only while the readable's buffer is below its `highWaterMark`) is one pull.
   * Byte mode (default) takes `Uint8Array`/`Buffer`/string elements; `{ objectMode: true }` takes any
   * value except `null`/`undefined`.
   *
   * - **Backpressures when** the readable's buffer is full (its consumer is not reading).
   * - **Completes when** upstream completes: the readable ends.
   * - **Fails when** upstream fails: the readable is destroyed with the stream's error.
   * - **Cancels when** the readable is destroyed.
   *
   * @example Source.from(chunks).runWith(StreamConverters.asReadable()).pipe(res)
   */
  asReadable<T = Uint8Array>(options: AsReadableOptions = {}): Sink<T, Readable> {
    return Sink.fromGraph(new AsReadableSink<T>(options));
  },

  /**
   * A sink writing each element into a Node `Writable` (created by `create` for each run), honouring
   * `write()`'s return value: after `false` it waits for 'drain'. Completion calls `end()`; the
   * materialized promise resolves on 'finish' and rejects with the error if the stream or the writable
   * fails. A stream failure destroys the writable with that error.
   *
   * - **Backpressures when** `write()` returned false and 'drain' has not come yet.
   * - **Cancels when** the writable errors or closes before finishing.
   *
   * @example await Source.from(lines).map((l) => l + '\n').runWith(StreamConverters.fromWritable(() => fs.createWriteStream(path)))
   */
  fromWritable<T = Uint8Array>(create: () => Writable): Sink<T, Promise<void>> {
    return Sink.fromGraph(new FromWritableSink<T>(create));
  },

  /**
   * A flow through a Node `Duplex` (created by `create` for each run): upstream elements are written
   * to it (honouring 'drain'), what it produces is read downstream (one `read()` per pull). Upstream
   * completion ends its writing side; the flow completes when its reading side ended and its writing
   * side finished.
   *
   * - **Emits when** downstream pulls and the duplex has data.
   * - **Backpressures when** `write()` returned false (upstream), or downstream backpressures.
   * - **Completes when** the duplex's reading side ended and its writing side finished.
   * - **Fails when** the duplex errors or closes early; upstream failure destroys it with that error.
   * - **Cancels when** downstream cancels: the duplex is destroyed.
   *
   * @example Source.from(buffers).via(StreamConverters.fromDuplex(() => zlib.createGzip()))
   */
  fromDuplex<I = Uint8Array, O = Buffer>(create: () => Duplex): Flow<I, O> {
    return Flow.fromGraph(new FromDuplexFlow<I, O>(create));
  },

  /**
   * A source reading a WHATWG `ReadableStream` (created by `create` for each run): one `read()` in
   * flight per downstream pull, so the web stream's own queuing strategy bounds what its source
   * produces ahead.
   *
   * - **Emits when** downstream pulls and the read resolves with a value.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** the web stream closes.
   * - **Fails when** the web stream errors.
   * - **Cancels when** downstream cancels: the reader is cancelled (which cancels the web stream's source).
   *
   * @example StreamConverters.fromReadableStream(() => response.body!)
   */
  fromReadableStream<T>(create: () => ReadableStream<T>): Source<T> {
    return Source.fromGraph(new FromReadableStreamSource<T>(create));
  },

  /**
   * A sink that materializes a WHATWG `ReadableStream` of the stream's elements. The web stream pulls
   * only while its `desiredSize > 0` (default strategy: `{ highWaterMark: 1 }`), and each of its pulls
   * is at most one pull upstream.
   *
   * - **Backpressures when** the web stream's queue is at its high-water mark.
   * - **Completes when** upstream completes: the web stream closes.
   * - **Fails when** upstream fails: the web stream errors with the stream's error.
   * - **Cancels when** the web stream is cancelled.
   *
   * @example new Response(Source.from(chunks).runWith(StreamConverters.asReadableStream()))
   */
  asReadableStream<T>(strategy?: QueuingStrategy<T>): Sink<T, ReadableStream<T>> {
    return Sink.fromGraph(new AsReadableStreamSink<T>(strategy));
  },

  /**
   * A sink writing into a WHATWG `WritableStream` (created by `create` for each run): it pulls only
   * while the writer's `desiredSize > 0` and otherwise waits for `writer.ready`. Completion closes the
   * writer (the materialized promise resolves once closed); failure aborts it.
   *
   * - **Backpressures when** the writer's `desiredSize <= 0`.
   * - **Cancels when** a write fails or the web stream errors.
   *
   * @example await source.runWith(StreamConverters.fromWritableStream(() => fileHandle.writable))
   */
  fromWritableStream<T>(create: () => WritableStream<T>): Sink<T, Promise<void>> {
    return Sink.fromGraph(new FromWritableStreamSink<T>(create));
  },

  /**
   * Runs `flow` and exposes it as a Node `Duplex` (the opposite of `fromDuplex`): what is written to the
   * duplex goes into the flow, what the flow emits is read from it. The flow is materialized when this is
   * called (with `options.materializer`, default `Materializer.default`).
   *
   * Back-pressure holds in both directions: a write completes only once the flow has accepted the chunk
   * (at most `bufferSize`, default 16, wait inside), and the flow is pulled only when Node's `_read` asks
   * (the readable side buffers at most its `highWaterMark`). Ending the writable side completes the flow's
   * input; the readable side ends when the flow completes. A failing flow destroys the duplex with its
   * error; destroying the duplex fails (with the error) or completes the flow's input and cancels its
   * output. Byte mode by default; `{ objectMode: true }` for any values except `null`/`undefined`.
   *
   * @example pipeline(fs.createReadStream(src), StreamConverters.asDuplex(gzipLikeFlow), fs.createWriteStream(dst))
   */
  asDuplex<I = Buffer, O = Uint8Array>(flow: Graph<FlowShape<I, O>, unknown>, options: AsDuplexOptions = {}): Duplex {
    const bufferSize = options.bufferSize ?? 16;
    requirePositiveInt('StreamConverters.asDuplex', 'bufferSize', bufferSize);
    const objectMode = options.objectMode ?? false;
    const [input, output] = Source.queue<I>(bufferSize, OverflowStrategy.backpressure)
      .via(flow)
      .toMat(Sink.queue<O>(), Keep.both)
      .run(options.materializer ?? Materializer.default);
    let pulling = false;
    const duplex: Duplex = new Duplex({
      objectMode,
      write(chunk: I, _encoding, callback) {
        input.offer(chunk).then(
          (r) => {
            if (r.kind === 'enqueued') callback();
            else if (r.kind === 'failure') callback(asError(r.cause));
            else callback(new Error(`StreamConverters.asDuplex: the flow no longer accepts input (${r.kind})`));
          },
          (e: unknown) => callback(asError(e)),
        );
      },
      final(callback) {
        input.complete();
        callback();
      },
      read() {
        if (pulling) return;
        pulling = true;
        const pump = (): void => {
          output.pull().then(
            (v) => {
              pulling = false;
              if (v === undefined) {
                duplex.push(null);
              } else if (v === null) {
                duplex.destroy(new TypeError('StreamConverters.asDuplex: the flow emitted null, which a Node stream cannot carry'));
              } else if (duplex.push(v)) {
                pulling = true;
                pump();
              }
            },
            (e: unknown) => {
              pulling = false;
              duplex.destroy(asError(e));
            },
          );
        };
        pump();
      },
      destroy(error, callback) {
        if (error !== null) input.fail(error);
        else input.complete();
        output.cancel();
        callback(error);
      },
    });
    return duplex;
  },
} as const;

export interface AsDuplexOptions {
  /** Elements written but not yet taken by the flow (default 16). */
  readonly bufferSize?: number;
  /** Object mode on both sides (default false: bytes). */
  readonly objectMode?: boolean;
  /** Runs the flow (default `Materializer.default`). */
  readonly materializer?: Materializer;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
