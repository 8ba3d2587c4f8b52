/**
 * # FileTailStage — `FileTailSource.create`
 *
 * `tail -F` as a source. On each pull it reads at most `maxChunkSize` bytes at its position and emits
 * what it got. At the end of the file it looks at the file again every `pollingIntervalMs`, on the
 * materializer's scheduler (virtual time in tests): a read is only ever made for a pull, so a slow
 * downstream holds the tail where it is instead of buffering the file.
 *
 * At the end of the file, each poll checks two things (`fstat` of the open descriptor, `stat` of the
 * path) before waiting again:
 * - **Truncation**: the file is shorter than when last looked at (`truncate`, `> file`, copytruncate log
 *   rotation). Reading restarts at offset 0. A file truncated and refilled beyond its previous size
 *   between two polls cannot be told from one that grew; that is inherent to polling, and `tail` has it too.
 * - **Rotation**: the path now names another file (the log was renamed and a new one created). The old
 *   file has been read to its end at that point; it is closed and the new one is read from offset 0.
 *   While nothing exists at the path (renamed, not yet re-created; or deleted), the old descriptor
 *   keeps being tailed — a writer that still has it open is still heard.
 *
 * A missing file fails the stream with `ENOENT` unless `waitForFile` is set; then it is opened once it
 * appears (polled at the same interval). The source never completes by itself; cancelling it closes
 * the file (after a read in flight has returned) before the stage stops.
 */
import fs from 'node:fs';
import { type Attributes, GraphStage, type GraphStageLogic, type OutHandler, Outlet, SourceShape, TimerGraphStageLogic } from '@tributary/core/stage';
import { fsError, withPath } from './ioErrors.js';
import { OpenFile } from './OpenFile.js';

export interface FileTailSettings {
  readonly path: string;
  readonly maxChunkSize: number;
  readonly startingPosition: number;
  readonly pollingIntervalMs: number;
  readonly waitForFile: boolean;
  /**
   * For `FileTailSource.lines`: when the tail leaves a file (truncated, or rotated away) whose content
   * ended without `\n`, emit a `\n` first, so that unterminated last line is not glued to the first
   * line of what is read next.
   */
  readonly endLineAtFileChange: boolean;
}

export class FileTailStage extends GraphStage<SourceShape<Buffer>> {
  readonly out = new Outlet<Buffer>('FileTailSource.out');
  readonly shape = new SourceShape(this.out);

  constructor(readonly settings: FileTailSettings) {
    super();
  }

  override get defaultName(): string {
    return 'FileTailSource';
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new FileTailLogic(this);
  }

  override toString(): string {
    return `FileTailSource(${this.settings.path})`;
  }
}

const PollTimer = 'poll';
const LF = 0x0a;
const LineFeed = [LF];

interface Opened {
  readonly file: OpenFile;
  readonly stats: fs.Stats;
}

/** What a poll at the end of the file found: the open file's size, and what the path names now. */
interface Looked {
  readonly size: number;
  readonly atPath: fs.Stats | null;
}

class FileTailLogic extends TimerGraphStageLogic implements OutHandler {
  private readonly out: Outlet<Buffer>;
  private readonly settings: FileTailSettings;
  private file: OpenFile | null = null;
  /** Identity of the open file, to notice when the path names another one. */
  private dev = 0;
  private ino = 0;
  private position: number;
  /** The file's size when last looked at: a smaller size means it was truncated. */
  private lastSize = 0;
  /** An fs operation for this stage is in flight (open, read or look): one at a time. */
  private busy = false;
  /** The first file opened starts at `startingPosition`; files after a rotation at 0. */
  private rotated = false;
  private closing = false;
  /** Set in postStop; read by fs callbacks, which run after the logic may have stopped. */
  private stopped = false;
  private scratch: Buffer;
  /** The last byte emitted from the current file was not `\n` (only tracked for `endLineAtFileChange`). */
  private lineOpen = false;

  private readonly onOpened = this.getAsyncCallback<Opened>(this.opened);
  private readonly onOpenFailed = this.getAsyncCallback<NodeJS.ErrnoException>(this.openFailed);
  private readonly onRead = this.getAsyncCallback<number>(this.readDone);
  private readonly onLooked = this.getAsyncCallback<Looked>(this.looked);
  private readonly onFailure = this.getAsyncCallback<unknown>((e) => this.failAfterClose(e));
  private readonly readReturned = (error: NodeJS.ErrnoException | null, bytes: number): void => {
    this.file!.end();
    if (this.stopped) return;
    if (error !== null) this.onFailure.invoke(withPath(error, this.settings.path));
    else this.onRead.invoke(bytes);
  };

  constructor(stage: FileTailStage) {
    super(stage.shape);
    this.out = stage.out;
    this.settings = stage.settings;
    this.position = stage.settings.startingPosition;
    this.scratch = Buffer.allocUnsafe(stage.settings.maxChunkSize);
    this.setHandler(this.out, this);
  }

  override preStart(): void {
    this.open();
  }

  private open(): void {
    const path = this.settings.path;
    this.busy = true;
    fs.open(path, 'r', (openError, fd) => {
      if (openError !== null) {
        if (!this.stopped) this.onOpenFailed.invoke(openError);
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
          this.onOpenFailed.invoke(statError);
          return;
        }
        this.onOpened.invoke({ file, stats });
      });
    });
  }

  private opened({ file, stats }: Opened): void {
    this.busy = false;
    this.file = file;
    if (this.closing) return this.closeThen(() => this.completeStage());
    if (stats.isDirectory()) return this.failAfterClose(fsError('EISDIR', 'illegal operation on a directory', 'read', this.settings.path));
    this.dev = stats.dev;
    this.ino = stats.ino;
    this.lastSize = stats.size;
    if (this.rotated) this.position = 0;
    if (this.isAvailable(this.out)) this.read();
  }

  private openFailed(error: NodeJS.ErrnoException): void {
    this.busy = false;
    if (this.closing) return this.completeStage();
    // Not there (yet, or any more after a rotation): look again at the next poll.
    if (error.code === 'ENOENT' && (this.settings.waitForFile || this.rotated)) this.scheduleOnce(PollTimer, this.settings.pollingIntervalMs);
    else this.failAfterClose(withPath(error, this.settings.path));
  }

  onPull(): void {
    if (this.file !== null && !this.busy && !this.isTimerActive(PollTimer)) this.read();
  }

  protected onTimer(): void {
    if (this.closing || this.busy) return;
    if (this.file === null) this.open();
    else if (this.isAvailable(this.out)) this.read();
  }

  private read(): void {
    const file = this.file!;
    this.busy = true;
    file.begin();
    fs.read(file.fd, this.scratch, 0, this.scratch.length, this.position, this.readReturned);
  }

  private readDone(bytes: number): void {
    this.busy = false;
    if (this.closing) return;
    if (bytes === 0) return this.look();
    this.position += bytes;
    let chunk: Buffer;
    if (bytes === this.scratch.length) {
      chunk = this.scratch;
      this.scratch = Buffer.allocUnsafe(this.scratch.length);
    } else {
      // A tail usually reads a few lines: copy them out rather than pin a whole chunk-sized buffer.
      chunk = Buffer.allocUnsafe(bytes);
      this.scratch.copy(chunk, 0, 0, bytes);
    }
    if (this.settings.endLineAtFileChange) this.lineOpen = chunk[bytes - 1] !== LF;
    this.push(this.out, chunk);
  }

  /** At the end of the file: has it been truncated, or has the path moved on to another file? */
  private look(): void {
    const file = this.file!;
    const path = this.settings.path;
    this.busy = true;
    // Both calls count as one operation on the file, so a close waits for the pair.
    file.begin();
    fs.fstat(file.fd, (fstatError, own) => {
      if (fstatError !== null) {
        file.end();
        if (!this.stopped) this.onFailure.invoke(withPath(fstatError, path));
        return;
      }
      fs.stat(path, (statError, atPath) => {
        file.end();
        if (this.stopped) return;
        if (statError !== null && statError.code !== 'ENOENT') this.onFailure.invoke(withPath(statError, path));
        else this.onLooked.invoke({ size: own.size, atPath: statError === null ? atPath : null });
      });
    });
  }

  private looked({ size, atPath }: Looked): void {
    this.busy = false;
    if (this.closing) return;
    const truncated = size < this.lastSize;
    this.lastSize = size;
    if (truncated) {
      this.position = 0;
      // After the line end, the next pull reads the file again from its start.
      if (this.endOpenLine()) return;
      return this.read();
    }
    if (size > this.position) return this.read(); // appended since the empty read
    if (atPath !== null && (atPath.ino !== this.ino || atPath.dev !== this.dev)) {
      // Rotated: the old file is read to its end; follow the path to the new one.
      this.endOpenLine();
      const old = this.file!;
      this.file = null;
      this.rotated = true;
      this.busy = true;
      old.close(() => {
        if (!this.stopped) this.onRotatedAway.invoke(undefined);
      });
      return;
    }
    this.scheduleOnce(PollTimer, this.settings.pollingIntervalMs);
  }

  /** Emits the `\n` that ends the current file's unterminated last line, if asked to and there is one. */
  private endOpenLine(): boolean {
    if (!this.lineOpen) return false;
    this.lineOpen = false;
    // Only reached after an empty read made for a pull, so the outlet is available.
    this.push(this.out, Buffer.from(LineFeed));
    return true;
  }

  private readonly onRotatedAway = this.getAsyncCallback<undefined>(() => {
    this.busy = false;
    if (this.closing) return this.completeStage();
    this.open();
  });

  onDownstreamFinish(): void {
    // The stage outlives its port until the descriptor is closed (after an operation in flight).
    this.setKeepGoing(true);
    this.cancelTimer(PollTimer);
    if (this.busy && this.file === null) {
      this.closing = true; // opening or rotating: the callback sees `closing` and ends the stage
      return;
    }
    this.closeThen(() => this.completeStage());
  }

  private failAfterClose(error: unknown): void {
    this.closeThen(() => this.failStage(error));
  }

  private closeThen(next: () => void): void {
    this.closing = true;
    const file = this.file;
    if (file === null) return next();
    const onClosed = this.getAsyncCallback<undefined>(next);
    file.close(() => onClosed.invoke(undefined));
  }

  override postStop(): void {
    this.stopped = true;
    this.file?.close();
  }
}
