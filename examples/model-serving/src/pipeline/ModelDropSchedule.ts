import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Flow, Source } from '@tributary/core';

/**
 * Delivers a directory of model documents during a run, one after another, at even fractions of
 * the run's records: with three models, the first at the start, the next a third and two thirds of
 * the way through. `tap()` goes on the data path and counts records; `source()` emits the text of
 * model file i (read from disk at that moment) once the tap has counted its share.
 *
 * One schedule serves one run: the count is shared by the tap and the source it releases.
 */
export class ModelDropSchedule {
  private counted = 0;
  private nextDrop = 0;
  private readonly due: (() => void)[] = [];
  private readonly dueSignals: Promise<void>[];
  /** The record count at which each model is dropped. */
  readonly thresholds: readonly number[];

  private constructor(
    readonly files: readonly string[],
    totalRecords: number,
  ) {
    this.thresholds = files.map((_, i) => Math.floor((i * totalRecords) / files.length));
    this.dueSignals = files.map((_, i) => new Promise<void>((resolve) => (this.due[i] = resolve)));
    this.release();
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

  /** Passes records through unchanged, counting them; a count that reaches a threshold drops a model. */
  tap<T>(): Flow<T, T> {
    return Flow.create<T>().map((record) => {
      this.counted++;
      this.release();
      return record;
    });
  }

  /** The model documents as JSON text, each emitted when it is due; completes after the last. */
  source(): Source<string> {
    return Source.unfoldAsync(0, async (i: number): Promise<readonly [number, string] | undefined> => {
      if (i >= this.files.length) return undefined;
      await this.dueSignals[i];
      return [i + 1, await readFile(this.files[i]!, 'utf8')];
    });
  }

  private release(): void {
    while (this.nextDrop < this.thresholds.length && this.counted >= this.thresholds[this.nextDrop]!) {
      this.due[this.nextDrop]!();
      this.nextDrop++;
    }
  }
}
