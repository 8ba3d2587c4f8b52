import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Flow, Source } from '@tributary/core';
import type { WatchedModelsDirectory } from './WatchedModelsDirectory.js';

/** A promise and its resolver. */
interface Signal {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

function signal(): Signal {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves after the current event-loop turn, so that callbacks queued in this turn have run. */
const afterThisTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Delivers a directory of model documents during a run, one after another, at even fractions of the
 * run's records: with three models, the first at the start, the next after a third and after two
 * thirds of the records. `tap()` goes on the data path and counts records. When the tap reaches
 * model i's threshold, the model is delivered in one of two ways:
 *
 * - `dropInto(directory)`: file i is copied into a watched models directory, where the run's
 *   `DirectoryChangesSource` picks it up; the model path calls `delivered(path)` as it hands the
 *   document to the scoring stage (the default run);
 * - `source()`: the text of file i is emitted in-process (tests and benchmarks without a file system
 *   watcher).
 *
 * The tap holds the record at a threshold until the model has been delivered (the model travels to
 * the scoring stage in the turn it is delivered, the record after it), so each model scores exactly
 * its share of the records however slow the disk, the watcher or the machine — a run at full speed
 * would otherwise be over before the first file was read. Between thresholds the tap passes records
 * synchronously.
 *
 * One schedule serves one run: the tap and the delivery share the count.
 */
export class ModelDropSchedule {
  private counted = 0;
  private nextDrop = 0;
  private readonly dueSignals: readonly Signal[];
  private readonly emittedSignals: readonly Signal[];
  /** The record count at which each model is dropped. */
  readonly thresholds: readonly number[];

  private constructor(
    readonly files: readonly string[],
    totalRecords: number,
  ) {
    this.thresholds = files.map((_, i) => Math.floor((i * totalRecords) / files.length));
    this.dueSignals = files.map(signal);
    this.emittedSignals = files.map(signal);
  }

  /** The `*.json` files of `dir` in name order (the shipped models are numbered: `1-…`, `2-…`). */
  static async fromDirectory(dir: string, totalRecords: number): Promise<ModelDropSchedule> {
    if (!Number.isSafeInteger(totalRecords) || totalRecords < 0) {
      throw new RangeError(`ModelDropSchedule: totalRecords must be a non-negative integer, got ${totalRecords}`);
    }
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    if (names.length === 0) throw new Error(`ModelDropSchedule: no model documents (*.json) in ${dir}`);
    return new ModelDropSchedule(
      names.map((n) => join(dir, n)),
      totalRecords,
    );
  }

  /**
   * Passes records through unchanged, counting them. The record at a threshold drops the next model
   * and waits until it has been emitted. Emits when a record arrived (and, at a threshold, its model
   * was emitted); backpressures when downstream does or while waiting; completes and cancels with its
   * neighbours.
   */
  tap<T>(): Flow<T, T> {
    return Flow.create<T>().mapAsync(1, (record: T): T | Promise<T> => {
      const index = this.counted++;
      let waitFor: Promise<void> | null = null;
      while (this.nextDrop < this.thresholds.length && this.thresholds[this.nextDrop]! <= index) {
        this.dueSignals[this.nextDrop]!.resolve();
        waitFor = this.emittedSignals[this.nextDrop]!.promise;
        this.nextDrop++;
      }
      return waitFor === null ? record : waitFor.then(afterThisTurn).then(() => record);
    });
  }

  /**
   * Copies each model file into `directory` when it is due (atomically, under its own name), one
   * after another; resolves after the last, or as soon as `cancel()` was called. Rejects if a copy
   * fails. The tap goes on once the model path reports the file with `delivered(path)`.
   */
  dropInto(directory: WatchedModelsDirectory): { readonly done: Promise<void>; cancel(): void } {
    let cancelled = false;
    let wake: () => void = () => {};
    const cancelledSignal = new Promise<void>((resolve) => (wake = resolve));
    const done = (async () => {
      for (let i = 0; i < this.files.length; i++) {
        await Promise.race([this.dueSignals[i]!.promise, cancelledSignal]);
        if (cancelled) return;
        await directory.write(basename(this.files[i]!), await readFile(this.files[i]!));
      }
    })();
    return {
      done,
      cancel: () => {
        cancelled = true;
        wake();
      },
    };
  }

  /**
   * Copies every model file into `directory` now, one after another, each once the previous has
   * reached the scoring stage (`delivered`), so that they are installed in name order and the last
   * one stays current (the direct-ingest mode, where no record count paces the drops). The tap is not
   * used. Resolves after the last was delivered, or as soon as `cancel()` was called.
   */
  dropAllInOrder(directory: WatchedModelsDirectory): { readonly done: Promise<void>; cancel(): void } {
    let cancelled = false;
    let wake: () => void = () => {};
    const cancelledSignal = new Promise<void>((resolve) => (wake = resolve));
    const done = (async () => {
      for (let i = 0; i < this.files.length && !cancelled; i++) {
        await directory.write(basename(this.files[i]!), await readFile(this.files[i]!));
        await Promise.race([this.emittedSignals[i]!.promise, cancelledSignal]);
      }
    })();
    return {
      done,
      cancel: () => {
        cancelled = true;
        wake();
      },
    };
  }

  /**
   * The model path reports a model file it hands to the scoring stage (by path or name): if it is one
   * of this schedule's files, the record waiting at its threshold may go on. Other files (models
   * pushed by hand) are none of the schedule's business.
   */
  delivered(path: string): void {
    const name = basename(path);
    const i = this.files.findIndex((f) => basename(f) === name);
    if (i >= 0) this.emittedSignals[i]!.resolve();
  }

  /** The model documents as JSON text, each emitted when it is due; completes after the last. */
  source(): Source<string> {
    return Source.unfoldAsync(0, async (i: number): Promise<readonly [number, string] | undefined> => {
      if (i >= this.files.length) return undefined;
      await this.dueSignals[i]!.promise;
      const text = await readFile(this.files[i]!, 'utf8');
      this.emittedSignals[i]!.resolve();
      return [i + 1, text];
    });
  }
}
