/**
 * # FileSourceStage — `FileIO.fromPath`
 *
 * Reads a file in chunks of `chunkSize` bytes, only once downstream has asked for data, with a bounded
 * read-ahead: once the first pull arrived, up to `readAhead` chunks are being read or wait to be
 * emitted (Pekko's FileSource reads ahead up to its input buffer the same way). Each read is
 * positional (`pread` at its own offset), so the reads of the read-ahead run side by side in libuv's
 * thread pool; a chunk costs a thread-pool round trip of tens of microseconds, and keeping several
 * queued (16 by default) is what lets 8 KiB chunks keep up with `fs.createReadStream`. Memory stays
 * bounded by `readAhead × chunkSize`, whatever the file size and however slow downstream is.
 *
 * Reads complete in any order; chunks are emitted strictly in file order from a ring of slots. A read
 * that returns fewer bytes than asked for marks the end of the file (as Pekko's does): its bytes are
 * the last chunk, and reads issued past it are discarded. Files that are not regular files (a FIFO, a
 * character device) cannot be read positionally: they are read one chunk at a time from the current
 * position, and only an empty read ends them.
 *
 * The materialized `IOResult` counts the bytes emitted downstream. Every way the stream ends closes the
 * descriptor first — after the reads in flight have returned, see `OpenFile` — and only then completes,
 * fails or resolves the `IOResult`, so when the stream or the promise says it ended, the file is closed.
 */
import fs from 'node:fs';
import {
  AbruptTerminationException,
  type Attributes,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  NonFailureCancellation,
  type OutHandler,
  Outlet,
  SourceShape,
} from '@tributary/core/stage';
import type { IOResult } from '../IOResult.js';
import { type Deferred, deferred } from './Deferred.js';
import { fsError, withPath } from './ioErrors.js';
import { OpenFile } from './OpenFile.js';

export interface FileSourceSettings {
  readonly path: string;
  readonly chunkSize: number;
  readonly startPosition: number;
  readonly readAhead: number;
}

export class FileSourceStage extends GraphStageWithMaterializedValue<SourceShape<Buffer>, Promise<IOResult>> {
  readonly out = new Outlet<Buffer>('FileSource.out');
  readonly shape = new SourceShape(this.out);

  constructor(readonly settings: FileSourceSettings) {
    super();
  }

  override get defaultName(): string {
    return 'FileIO.fromPath';
  }

  createLogicAndMaterializedValue(_attributes: Attributes): [GraphStageLogic, Promise<IOResult>] {
    const result = deferred<IOResult>();
    return [new FileSourceLogic(this, result), result.promise];
  }

  override toString(): string {
    return `FileIO.fromPath(${this.settings.path})`;
  }
}

const Idle = 0;
const Reading = 1;
const Done = 2;

/** One chunk of the read-ahead: its buffer, and how its read went. The read callback is bound once. */
class ReadSlot {
  state = Idle;
  buffer: Buffer | null = null;
  requested = 0;
  bytes = 0;
  error: NodeJS.ErrnoException | null = null;
  readonly onRead: (error: NodeJS.ErrnoException | null, bytes: number) => void;

  constructor(logic: FileSourceLogic) {
    this.onRead = (error, bytes) => logic.readReturned(this, error, bytes);
  }
}

interface Opened {
  readonly file: OpenFile;
  readonly stats: fs.Stats;
}

class FileSourceLogic extends GraphStageLogic implements OutHandler {
  private readonly out: Outlet<Buffer>;
  private readonly path: string;
  private readonly chunkSize: number;
  private file: OpenFile | null = null;
  /** Downstream cancelled while the file was being opened: the cause, acted on once the open returns. */
  private cancelledWhileOpening: { readonly cause: unknown } | null = null;
  /** Positional reads (regular files) may overlap; other files are read one chunk at a time. */
  private positional = true;
  private slots: ReadSlot[] = [];
  /** Next slot to emit, next slot to read into, slots reading or holding a chunk. */
  private head = 0;
  private tail = 0;
  private outstanding = 0;
  private nextPosition: number;
  private endOfFile = false;
  /** The descriptor is being closed: no more reads, the stage ends when the close returns. */
  private finishing = false;
  private emitted = 0;
  /** Set in postStop; read by fs callbacks, which run after the logic may have stopped. */
  private stopped = false;

  private readonly onOpened = this.getAsyncCallback<Opened>(this.opened);
  private readonly onOpenFailed = this.getAsyncCallback<unknown>(this.openFailed);
  private readonly onReadDone = this.getAsyncCallback<ReadSlot>(this.readDone);

  constructor(
    stage: FileSourceStage,
    private readonly result: Deferred<IOResult>,
  ) {
    super(stage.shape);
    this.out = stage.out;
    this.path = stage.settings.path;
    this.chunkSize = stage.settings.chunkSize;
    this.nextPosition = stage.settings.startPosition;
    for (let i = 0; i < stage.settings.readAhead; i++) this.slots.push(new ReadSlot(this));
    this.setHandler(this.out, this);
  }

  override preStart(): void {
    const path = this.path;
    fs.open(path, 'r', (openError, fd) => {
      if (openError !== null) {
        this.onOpenFailed.invoke(withPath(openError, path));
        return;
      }
      const file = new OpenFile(fd, path);
      if (this.stopped) return file.close();
      file.begin();
      fs.fstat(fd, (statError, stats) => {
        file.end();
        if (this.stopped) return file.close();
        if (statError !== null) {
          file.close();
          this.onOpenFailed.invoke(withPath(statError, path));
          return;
        }
        this.onOpened.invoke({ file, stats });
      });
    });
  }

  private opened({ file, stats }: Opened): void {
    this.file = file;
    if (this.cancelledWhileOpening !== null) return this.cancelAfterClose(this.cancelledWhileOpening.cause);
    if (stats.isDirectory()) return this.failAfterClose(fsError('EISDIR', 'illegal operation on a directory', 'read', this.path));
    if (!stats.isFile()) {
      if (this.nextPosition > 0) {
        return this.failAfterClose(
          new RangeError(
            `FileIO.fromPath: startPosition ${this.nextPosition} needs a regular file, and '${this.path}' is not one (it cannot be read at an offset)`,
          ),
        );
      }
      this.positional = false;
      this.slots.length = 1;
    }
    if (this.isAvailable(this.out)) this.readAhead();
  }

  private openFailed(error: unknown): void {
    this.finishing = true;
    this.result.reject(error);
    if (this.cancelledWhileOpening !== null) this.cancelStage(this.cancelledWhileOpening.cause);
    else this.failStage(error);
  }

  onPull(): void {
    if (this.file === null || this.finishing) return;
    if (this.slots[this.head]!.state === Done) this.emitHead();
    else this.readAhead();
  }

  /** Keeps the read-ahead full: reads into every idle slot (one at a time for non-regular files). */
  private readAhead(): void {
    const slots = this.slots;
    const file = this.file!;
    const size = this.chunkSize;
    while (this.outstanding < slots.length && !this.endOfFile && !this.finishing) {
      const slot = slots[this.tail]!;
      this.tail = this.tail + 1 === slots.length ? 0 : this.tail + 1;
      this.outstanding++;
      slot.state = Reading;
      slot.buffer = Buffer.allocUnsafe(size);
      slot.requested = size;
      file.begin();
      if (this.positional) {
        fs.read(file.fd, slot.buffer, 0, size, this.nextPosition, slot.onRead);
        this.nextPosition += size;
      } else {
        fs.read(file.fd, slot.buffer, 0, size, null, slot.onRead);
      }
    }
  }

  /** The fs callback of a read; runs outside the stage, which it enters through `onReadDone`. */
  readReturned(slot: ReadSlot, error: NodeJS.ErrnoException | null, bytes: number): void {
    slot.error = error;
    slot.bytes = bytes;
    slot.state = Done;
    this.file!.end();
    if (!this.stopped) this.onReadDone.invoke(slot);
  }

  private readDone(slot: ReadSlot): void {
    if (this.finishing || slot !== this.slots[this.head] || !this.isAvailable(this.out)) return;
    this.emitHead();
  }

  /** Emits the chunk of the head slot (downstream has pulled), or ends the stream there. */
  private emitHead(): void {
    const slot = this.slots[this.head]!;
    if (slot.error !== null) return this.failAfterClose(withPath(slot.error, this.path));
    const bytes = slot.bytes;
    const buffer = slot.buffer!;
    slot.buffer = null;
    slot.state = Idle;
    this.head = this.head + 1 === this.slots.length ? 0 : this.head + 1;
    this.outstanding--;
    if (bytes === 0) return this.completeAfterClose();
    // A short positional read is the end of the file; what the other slots read lies beyond it.
    if (this.positional && bytes < slot.requested) this.endOfFile = true;
    this.emitted += bytes;
    this.push(this.out, bytes === slot.requested ? buffer : buffer.subarray(0, bytes));
    if (this.endOfFile) this.completeAfterClose();
    else this.readAhead();
  }

  onDownstreamFinish(cause: unknown): void {
    // The stage outlives its port until the descriptor is closed.
    this.setKeepGoing(true);
    if (this.finishing) return; // already closing: that path ends the stage
    if (this.file === null) {
      this.cancelledWhileOpening = { cause };
      return;
    }
    this.cancelAfterClose(cause);
  }

  private cancelAfterClose(cause: unknown): void {
    const ok = cause instanceof NonFailureCancellation;
    this.closeThen(() => {
      if (ok) this.result.resolve({ count: this.emitted });
      else this.result.reject(cause);
      this.cancelStage(cause);
    });
  }

  private completeAfterClose(): void {
    this.closeThen(() => {
      this.result.resolve({ count: this.emitted });
      this.completeStage();
    });
  }

  private failAfterClose(error: unknown): void {
    this.closeThen(() => {
      this.result.reject(error);
      this.failStage(error);
    });
  }

  /** Stops reading, closes the descriptor once the reads in flight returned, then runs `next` in the stage. */
  private closeThen(next: () => void): void {
    this.finishing = true;
    const file = this.file;
    if (file === null) return next();
    const onClosed = this.getAsyncCallback<NodeJS.ErrnoException | null>((closeError) => {
      // A close that fails after a clean read is still a failure: the data may not be what the file held.
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
    // Stopped from outside (materializer shutdown) while the file was open: close it when its reads return.
    this.file?.close();
    this.result.reject(new AbruptTerminationException(`FileIO.fromPath(${this.path}): the stream was stopped before the file was read to its end`));
  }
}
