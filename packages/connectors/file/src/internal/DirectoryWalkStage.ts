/**
 * # DirectoryWalkStage — `Directory.ls` and `Directory.walk`
 *
 * Lists a directory tree depth-first (a directory is emitted before what it contains), reading it
 * lazily through `fs.opendir`: each pull reads one entry (libuv reads directory entries in batches
 * behind `Dir.read`), and a subdirectory is opened only when the pull after its own path arrives. At
 * most one `Dir` handle per level of the tree is open at a time; each is closed as soon as it is
 * exhausted, and all of them before the stage completes, fails or finishes a cancellation.
 *
 * `ls` is a walk with `maxDepth` 1. Symbolic links are listed, never followed, so a link cycle cannot
 * make the walk endless.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Attributes, GraphStage, GraphStageLogic, type OutHandler, Outlet, SourceShape } from '@tributary/core/stage';
import { withPath } from './ioErrors.js';

export interface DirectoryWalkSettings {
  readonly root: string;
  /** Levels below `root` to list: 1 = its entries only. */
  readonly maxDepth: number;
  /** The factory's name, for errors and logs. */
  readonly name: string;
}

export class DirectoryWalkStage extends GraphStage<SourceShape<string>> {
  readonly out = new Outlet<string>('DirectoryWalk.out');
  readonly shape = new SourceShape(this.out);

  constructor(readonly settings: DirectoryWalkSettings) {
    super();
  }

  override get defaultName(): string {
    return this.settings.name;
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new DirectoryWalkLogic(this);
  }

  override toString(): string {
    return `${this.settings.name}(${this.settings.root})`;
  }
}

/** An open directory of the walk; its entries lie at `depth` below the root. */
interface Level {
  readonly dir: fs.Dir;
  readonly path: string;
  readonly depth: number;
}

interface Opened {
  readonly dir: fs.Dir;
  readonly path: string;
  readonly depth: number;
}

interface Read {
  readonly level: Level;
  readonly entry: fs.Dirent | null;
}

function closeQuietly(dir: fs.Dir): void {
  dir.close(() => {}); // already exhausted or abandoned: nothing to report
}

class DirectoryWalkLogic extends GraphStageLogic implements OutHandler {
  private readonly out: Outlet<string>;
  private readonly settings: DirectoryWalkSettings;
  private readonly levels: Level[] = [];
  /** A directory just emitted, to be opened on the next pull (depth-first). */
  private descendInto: { readonly path: string; readonly depth: number } | null = null;
  /** An fs call of this stage is in flight: one at a time. */
  private busy = false;
  /** How the stage ends once its directories are closed; set when the end is decided. */
  private ending: (() => void) | null = null;
  /** Set in postStop; read by fs callbacks, which run after the logic may have stopped. */
  private stopped = false;

  private readonly onOpened = this.getAsyncCallback<Opened>(this.opened);
  private readonly onRead = this.getAsyncCallback<Read>(this.readDone);
  private readonly onClosed = this.getAsyncCallback<undefined>(this.levelClosed);
  private readonly onFailure = this.getAsyncCallback<unknown>((e) => {
    this.busy = false;
    this.endAfterClose(() => this.failStage(e));
  });

  constructor(stage: DirectoryWalkStage) {
    super(stage.shape);
    this.out = stage.out;
    this.settings = stage.settings;
    this.setHandler(this.out, this);
  }

  override preStart(): void {
    this.openDir(this.settings.root, 1);
  }

  private openDir(dirPath: string, depth: number): void {
    this.busy = true;
    fs.opendir(dirPath, (error, dir) => {
      if (error !== null) {
        if (!this.stopped) this.onFailure.invoke(withPath(error, dirPath));
        return;
      }
      if (this.stopped) return closeQuietly(dir);
      this.onOpened.invoke({ dir, path: dirPath, depth });
    });
  }

  private opened(level: Opened): void {
    this.busy = false;
    this.levels.push(level);
    if (this.ending !== null) return this.closeAllThen(this.ending);
    if (this.isAvailable(this.out)) this.next();
  }

  onPull(): void {
    if (!this.busy && this.ending === null) this.next();
  }

  private next(): void {
    const descend = this.descendInto;
    if (descend !== null) {
      this.descendInto = null;
      return this.openDir(descend.path, descend.depth);
    }
    const level = this.levels[this.levels.length - 1];
    if (level === undefined) return this.completeStage(); // the root is exhausted, and closed
    this.busy = true;
    level.dir.read((error, entry) => {
      if (this.stopped) return;
      if (error !== null) this.onFailure.invoke(withPath(error, level.path));
      else this.onRead.invoke({ level, entry });
    });
  }

  private readDone({ level, entry }: Read): void {
    this.busy = false;
    if (this.ending !== null) return this.closeAllThen(this.ending);
    if (entry === null) {
      // This directory is exhausted: close it, then go on with its parent.
      this.levels.pop();
      this.busy = true;
      level.dir.close(() => {
        if (!this.stopped) this.onClosed.invoke(undefined);
      });
      return;
    }
    const full = path.join(level.path, entry.name);
    if (entry.isDirectory() && level.depth < this.settings.maxDepth) this.descendInto = { path: full, depth: level.depth + 1 };
    this.push(this.out, full);
  }

  private levelClosed(): void {
    this.busy = false;
    if (this.ending !== null) return this.closeAllThen(this.ending);
    if (this.isAvailable(this.out)) this.next();
  }

  onDownstreamFinish(cause: unknown): void {
    this.setKeepGoing(true);
    this.endAfterClose(() => this.cancelStage(cause));
  }

  /**
   * Ends the stage with `end` once every directory is closed. With an fs call in flight, its callback
   * does the closing (it may bring one more directory to close); a first decided end wins.
   */
  private endAfterClose(end: () => void): void {
    if (this.ending === null) this.ending = end;
    if (!this.busy) this.closeAllThen(this.ending);
  }

  /** Closes every open directory, then runs `next`. */
  private closeAllThen(next: () => void): void {
    const levels = this.levels.splice(0);
    if (levels.length === 0) return next();
    let open = levels.length;
    const onAllClosed = this.getAsyncCallback<undefined>(next);
    for (const level of levels) {
      level.dir.close(() => {
        if (--open === 0) onAllClosed.invoke(undefined);
      });
    }
  }

  override postStop(): void {
    this.stopped = true;
    for (const level of this.levels.splice(0)) closeQuietly(level.dir);
  }
}
