/**
 * A sink that writes to a sequence of files, switching when a trigger says so (Alpakka's `LogRotatorSink`).
 */
import { type Graph, Sink } from '@tributary/core';
import type { SinkShape } from '@tributary/core/stage';
import { FileIO } from './FileIO.js';
import { LogRotatorStage, type TriggerGenerator } from './internal/LogRotatorStage.js';
import { requireFunction, requireOpenFlags, requireOptions } from './internal/validate.js';

export type { TriggerGenerator };

export interface LogRotatorOptions {
  /** How each file is opened (as `FileIO.toPath` takes it). Default `'a'`: append to a file that exists. */
  readonly flags?: string | number;
}

export const LogRotatorSink = {
  /**
   * Writes the incoming bytes to files, switching to a new file whenever the trigger function returns a
   * path. `triggerGeneratorCreator` is called once per materialization and returns the trigger function,
   * which may keep state (bytes written so far, the current hour); it is called for every element and
   * returns the path to switch to — starting with that element — or `undefined` to write the element
   * to the current file. It must return a path for the first element.
   *
   * Before the next file is opened, the previous one is fully written and closed. Each file is written
   * by `FileIO.toPath(path, { flags })`; `flags` defaults to `'a'`, so a path that already exists is
   * appended to. Rotation happens only when an element arrives: for time-based rotation, compare the
   * time in the trigger function (`materializer.scheduler.now()` keeps it testable in virtual time).
   *
   * The materialized promise resolves when upstream has completed and the last file is closed. A file
   * that cannot be opened or written fails the stream (and the promise) with the fs error, which names
   * the path. When the trigger function throws, the supervision strategy decides: `stop` (default)
   * fails the stream, `resume` drops the element, `restart` drops it and creates a fresh trigger function.
   *
   * - **Emits when** — a sink.
   * - **Backpressures when** the current file's writer backpressures, or while a file is being closed
   *   and the next one opened.
   * - **Completes when** upstream completes and the last file is written and closed.
   * - **Cancels when** a file cannot be opened or written, or the trigger function fails (with `stop`).
   *
   * @example
   * // A new file every 10 MiB: app-0.log, app-1.log, …
   * const sizeRotation = () => {
   *   let written = Infinity;
   *   let index = 0;
   *   return (chunk: Uint8Array) => {
   *     written += chunk.length;
   *     if (written <= 10 * 1024 * 1024) return undefined;
   *     written = chunk.length;
   *     return `/var/log/app-${index++}.log`;
   *   };
   * };
   * await logLines.map((line) => Buffer.from(line + '\n')).runWith(LogRotatorSink.create(sizeRotation));
   */
  create(triggerGeneratorCreator: () => TriggerGenerator<Uint8Array>, options?: LogRotatorOptions): Sink<Uint8Array, Promise<void>> {
    const where = 'LogRotatorSink.create';
    requireFunction(where, 'triggerGeneratorCreator', triggerGeneratorCreator);
    const o = requireOptions<LogRotatorOptions>(where, options);
    const flags = o.flags === undefined ? 'a' : requireOpenFlags(where, o.flags);
    return Sink.fromGraph(new LogRotatorStage<Uint8Array>({ triggerGeneratorCreator, sinkFactory: (path) => FileIO.toPath(path, { flags }), name: where }));
  },

  /**
   * Like `create`, but each file's elements go to the sink `sinkFactory(path)` returns — to compress
   * them, upload them, or write them somewhere else. The sink must materialize a promise; the next sink
   * is created only once the previous one's promise has resolved.
   *
   * @example
   * // Gzip every file: each rotation starts a new .gz file.
   * LogRotatorSink.withSinkFactory(trigger, (path) => Compression.gzip().toMat(FileIO.toPath(path), Keep.right));
   */
  withSinkFactory<T = Uint8Array>(
    triggerGeneratorCreator: () => TriggerGenerator<T>,
    sinkFactory: (path: string) => Graph<SinkShape<T>, Promise<unknown>>,
  ): Sink<T, Promise<void>> {
    const where = 'LogRotatorSink.withSinkFactory';
    requireFunction(where, 'triggerGeneratorCreator', triggerGeneratorCreator);
    requireFunction(where, 'sinkFactory', sinkFactory);
    return Sink.fromGraph(new LogRotatorStage<T>({ triggerGeneratorCreator, sinkFactory, name: where }));
  },
} as const;
