/**
 * # FileSinkStage — `FileIO.toPath`
 *
 * Writes the incoming byte chunks to a file, in order, with at most one write in flight. While that
 * write runs the stage keeps pulling, and what arrives meanwhile (up to `WriteBatchBytes`) goes out
 * as the next write — one `writev` for many small chunks — so upstream and the disk work side by side
 * and small chunks do not cost a system call each. Beyond that limit the stage stops pulling: memory
 * is bounded by one batch plus the write in flight.
 *
 * The file is opened in `preStart`. When upstream completes, what is buffered is written, the file is
 * closed, and only then the `IOResult` (bytes written) resolves and the stage stops. When upstream
 * fails (or sends something that is not bytes), the bytes that had arrived are still written, the file
 * is closed, and the `IOResult` rejects with the error. A failing open or write fails the stage and the `IOResult` with the fs error
 * (its message names the path) and cancels upstream. A stage stopped from outside closes the file as
 * soon as its write in flight has returned.
 */
import fs from 'node:fs';
import {
  AbruptTerminationException,
  type Attributes,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  type InHandler,
  Inlet,
  SinkShape,
} from '@tributary/core/stage';
import type { IOResult } from '../IOResult.js';
import { type Deferred, deferred } from './Deferred.js';
import { withPath } from './ioErrors.js';
import { OpenFile } from './OpenFile.js';
import { describeValue } from './validate.js';

export interface FileSinkSettings {
  readonly path: string;
  readonly flags: string | number;
  /** Where the first byte goes; `null` writes at the descriptor's own position (the end, in append mode). */
  readonly startPosition: number | null;
}

/** Bytes gathered into one write while the previous write runs; the stage stops pulling beyond this. */
const WriteBatchBytes = 256 * 1024;
/** Chunks per `writev` (well under IOV_MAX, 1024 on Linux). */
const WriteBatchChunks = 256;

export class FileSinkStage extends GraphStageWithMaterializedValue<SinkShape<Uint8Array>, Promise<IOResult>> {
  readonly in = new Inlet<Uint8Array>('FileSink.in');
  readonly shape = new SinkShape(this.in);

  constructor(readonly settings: FileSinkSettings) {
    super();
  }

  override get defaultName(): string {
    return 'FileIO.toPath';
  }

  createLogicAndMaterializedValue(_attributes: Attributes): [GraphStageLogic, Promise<IOResult>] {
    const result = deferred<IOResult>();
    return [new FileSinkLogic(this, result), result.promise];
  }

  override toString(): string {
    return `FileIO.toPath(${this.settings.path})`;
  }
}

class FileSinkLogic extends GraphStageLogic implements InHandler {
  private readonly in: Inlet<Uint8Array>;
  private readonly path: string;
  private file: OpenFile | null = null;
  /** Chunks received and not yet handed to a write. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** The chunks of the write in flight (kept for the rare partial write). */
  private writingBatch: Uint8Array[] | null = null;
  private writingBytes = 0;
  private position: number | null;
  private written = 0;
  private upstreamFinished = false;
  private upstreamFailure: { readonly error: unknown } | null = null;
  /** The descriptor is being closed: nothing more is written, the stage ends when the close returns. */
  private finishing = false;
  /** Set in postStop; read by fs callbacks, which run after the logic may have stopped. */
  private stopped = false;
  private writeError: NodeJS.ErrnoException | null = null;
  private writeCount = 0;

  private readonly onOpened = this.getAsyncCallback<OpenFile>(this.opened);
  private readonly onOpenFailed = this.getAsyncCallback<unknown>(this.openFailed);
  private readonly onWriteDone = this.getAsyncCallback<undefined>(this.writeDone);
  /** The fs callback of every write (one is in flight at a time, so its result fits in two fields). */
  private readonly writeReturned = (error: NodeJS.ErrnoException | null, bytesWritten: number): void => {
    this.writeError = error;
    this.writeCount = bytesWritten;
    this.file!.end();
    if (!this.stopped) this.onWriteDone.invoke(undefined);
  };

  constructor(
    private readonly stage: FileSinkStage,
    private readonly result: Deferred<IOResult>,
  ) {
    super(stage.shape);
    this.in = stage.in;
    this.path = stage.settings.path;
    this.position = stage.settings.startPosition;
    this.setHandler(this.in, this);
  }

  override preStart(): void {
    const path = this.path;
    fs.open(path, this.stage.settings.flags, 0o666, (error, fd) => {
      if (error !== null) {
        this.onOpenFailed.invoke(withPath(error, path));
        return;
      }
      const file = new OpenFile(fd, path);
      if (this.stopped) file.close();
      else this.onOpened.invoke(file);
    });
    // The first chunks may arrive while the file is being opened; they wait in the batch.
    this.pull(this.in);
  }

  private opened(file: OpenFile): void {
    this.file = file;
    this.writeOrFinish();
  }

  private openFailed(error: unknown): void {
    this.finishing = true;
    this.result.reject(error);
    this.failStage(error);
  }

  onPush(): void {
    const chunk = this.grab(this.in);
    if (this.finishing) return; // failing already; this chunk was pulled before the failure
    if (!(chunk instanceof Uint8Array)) {
      // The chunks before it were accepted: they are written before the stage fails.
      const error = new TypeError(`FileIO.toPath(${this.path}): elements must be Uint8Array (a Buffer is one), got ${describeValue(chunk)}`);
      this.cancel(this.in, error);
      return this.onUpstreamFailure(error);
    }
    if (chunk.length !== 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.file !== null && this.writingBatch === null) this.writeBatch();
    }
    this.pullIfRoom();
  }

  onUpstreamFinish(): void {
    this.upstreamFinished = true;
    this.setKeepGoing(true);
    if (this.file !== null && this.writingBatch === null && !this.finishing) this.writeOrFinish();
  }

  onUpstreamFailure(error: unknown): void {
    this.upstreamFailure = { error };
    this.onUpstreamFinish();
  }

  private pullIfRoom(): void {
    if (
      this.pendingBytes < WriteBatchBytes &&
      this.pending.length < WriteBatchChunks &&
      !this.finishing &&
      !this.isClosed(this.in) &&
      !this.hasBeenPulled(this.in)
    ) {
      this.pull(this.in);
    }
  }

  /** Starts the next write if chunks are waiting; when upstream is done and all is written, closes. */
  private writeOrFinish(): void {
    if (this.pending.length !== 0) this.writeBatch();
    else if (this.upstreamFinished) {
      const failure = this.upstreamFailure;
      if (failure === null) this.completeAfterClose();
      else this.failAfterClose(failure.error);
    }
  }

  private writeBatch(): void {
    const batch = this.pending;
    const file = this.file!;
    this.pending = [];
    this.writingBatch = batch;
    this.writingBytes = this.pendingBytes;
    this.pendingBytes = 0;
    file.begin();
    if (batch.length === 1) {
      const chunk = batch[0]!;
      fs.write(file.fd, chunk, 0, chunk.length, this.position, this.writeReturned);
    } else {
      fs.writev(file.fd, batch, this.position, this.writeReturned);
    }
    // The batch is on its way: there is room to gather the next one.
    this.pullIfRoom();
  }

  private writeDone(): void {
    const batch = this.writingBatch!;
    const expected = this.writingBytes;
    this.writingBatch = null;
    if (this.finishing) return; // failing already; the close waited for this write
    const error = this.writeError;
    if (error !== null) return this.failAfterClose(withPath(error, this.path));
    const n = this.writeCount;
    this.written += n;
    if (this.position !== null) this.position += n;
    if (n < expected) {
      // A partial write: what was not written goes first into the next write.
      this.pending = [...remainderAfter(batch, n), ...this.pending];
      this.pendingBytes += expected - n;
    }
    this.writeOrFinish();
    this.pullIfRoom();
  }

  private completeAfterClose(): void {
    this.closeThen(() => {
      this.result.resolve({ count: this.written });
      this.completeStage();
    });
  }

  private failAfterClose(error: unknown): void {
    this.closeThen(() => {
      this.result.reject(error);
      this.failStage(error);
    });
  }

  /** Closes the descriptor once the write in flight returned, then runs `next` in the stage. */
  private closeThen(next: () => void): void {
    this.finishing = true;
    const file = this.file;
    if (file === null) return next(); // still opening: postStop closes what the open returns
    const onClosed = this.getAsyncCallback<NodeJS.ErrnoException | null>((closeError) => {
      // close() is where some file systems report a failed write-back: the data did not make it.
      if (closeError !== null && !this.result.settled) {
        const error = withPath(closeError, this.path);
        this.result.reject(error);
        this.failStage(error);
        return;
      }
      next();
    });
    file.close((closeError) => onClosed.invoke(closeError));
  }

  override postStop(): void {
    this.stopped = true;
    this.file?.close();
    this.result.reject(new AbruptTerminationException(`FileIO.toPath(${this.path}): the stream was stopped before all bytes were written`));
  }
}

/** The unwritten tail of `batch` after its first `written` bytes. */
function remainderAfter(batch: readonly Uint8Array[], written: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  let skip = written;
  for (const chunk of batch) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    rest.push(skip === 0 ? chunk : chunk.subarray(skip));
    skip = 0;
  }
  return rest;
}
