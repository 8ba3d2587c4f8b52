import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Source, StreamLogger } from '@tributary/core';
import { DirectoryChangesSource, FileIO } from '@tributary/file';

/** A model document file as read from the watched directory. */
export interface ModelFile {
  readonly path: string;
  readonly bytes: Buffer;
}

/** Model file names: a `.json` name without path separators, so a name can never leave the directory. */
const MODEL_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.json$/;

/**
 * The directory models are delivered through: whoever has a model writes it here (the run's drop
 * schedule, `POST /models`, a person with `cp`), and the run's model source picks it up with
 * `DirectoryChangesSource` and reads it with `FileIO`. Writes are atomic (a hidden temporary name,
 * then a rename), so the watcher never sees half a document.
 */
export class WatchedModelsDirectory {
  private written = 0;

  private constructor(
    readonly dir: string,
    private readonly removeOnClose: boolean,
  ) {}

  /** A fresh directory under the system's temp dir, removed by `close()`. */
  static async createTemp(): Promise<WatchedModelsDirectory> {
    return new WatchedModelsDirectory(await mkdtemp(join(tmpdir(), 'model-serving-models-')), true);
  }

  /** An existing directory; `close()` leaves it in place. */
  static at(dir: string): WatchedModelsDirectory {
    if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`WatchedModelsDirectory.at: dir must be a non-empty path, got ${String(dir)}`);
    return new WatchedModelsDirectory(dir, false);
  }

  /**
   * Every `*.json` file created or modified in the directory after the stream was materialized, read
   * whole. A file that vanishes before it can be read is logged and skipped (it is no model any more).
   *
   * - **Emits when** a model file was created or modified, has been read, and downstream pulls.
   * - **Backpressures when** — a source; changes wait in `DirectoryChangesSource`'s bounded buffer.
   * - **Completes when** the directory is deleted.
   * - **Cancels when** — a source; cancelling closes the watcher.
   */
  source(options: { readonly pollIntervalMs?: number; readonly logger?: StreamLogger } = {}): Source<ModelFile> {
    const { pollIntervalMs = 50, logger = console } = options;
    return DirectoryChangesSource.create(this.dir, { pollIntervalMs })
      .filter(([path, change]) => change !== 'deletion' && MODEL_FILE_NAME.test(basename(path)))
      .flatMapConcat(([path]) =>
        FileIO.fromPath(path)
          .fold([] as Buffer[], (chunks, chunk) => {
            chunks.push(chunk);
            return chunks;
          })
          .map((chunks): ModelFile | null => ({ path, bytes: Buffer.concat(chunks) }))
          .recover((error): ModelFile | null => {
            logger.warn(`model-serving: could not read the model file ${path}, skipped: ${error instanceof Error ? error.message : String(error)}`);
            return null;
          }),
      )
      .collect((file) => file ?? undefined);
  }

  /**
   * Writes a model document as `name` (a `*.json` file name) atomically; resolves with its path once
   * it is in place. The watcher reports it as a creation (or a modification of an existing name).
   */
  async write(name: string, document: string | Uint8Array): Promise<string> {
    if (typeof name !== 'string' || !MODEL_FILE_NAME.test(name)) {
      throw new TypeError(
        `WatchedModelsDirectory.write: name must be a file name ending in .json (letters, digits, ".", "_", "-"), got ${JSON.stringify(name)}`,
      );
    }
    const path = join(this.dir, name);
    const partial = join(this.dir, `.${name}.${process.pid}.${this.written++}.partial`);
    await writeFile(partial, document);
    await rename(partial, path);
    return path;
  }

  /** Removes the directory if this object created it. */
  async close(): Promise<void> {
    if (this.removeOnClose) await rm(this.dir, { recursive: true, force: true });
  }
}
