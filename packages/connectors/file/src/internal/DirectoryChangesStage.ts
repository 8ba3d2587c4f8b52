/**
 * # DirectoryChangesStage — `DirectoryChangesSource.create`
 *
 * Reports the entries of one directory that were created, modified or deleted after the stream was
 * materialized. The stage keeps the last known state of every entry (inode, size, modification and
 * change time, from `lstat`) and reports the difference between that state and the entry's current one.
 * Which entries to look at comes from one of two places:
 *
 * - **`fs.watch` (the default).** inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows
 *   name the entries that changed, so only those are looked at. The events only say *which* entry
 *   changed (Node reports `rename` for both creation and deletion), so what changed is always decided
 *   by comparing states — which also makes the stage immune to events that are merged or repeated.
 * - **Polling** (`usePolling: true`, or automatically when `fs.watch` cannot watch the directory or
 *   reports an error): the whole directory is listed and compared. Works on every file system, network
 *   and container mounts included, at a cost proportional to the directory's size per poll.
 *
 * As in Alpakka (whose JDK watch service is polled), changes are gathered over `pollIntervalMs`: while
 * downstream waits and nothing is queued, the stage looks at the changed entries (or rescans) once per
 * interval, on the materializer's scheduler. Several writes to a file within one interval are one
 * modification; a file created and deleted within one interval is reported as both. A pull that finds
 * recorded changes looks at them at once.
 *
 * Memory is bounded by `maxBufferSize`: when more changes (queued, or entries waiting to be looked at)
 * are pending than that, the stream fails with a `BufferOverflowError` instead of dropping any.
 *
 * The initial state is taken synchronously at materialization (one `readdir` and an `lstat` per entry),
 * so every change made after `run()` returned is reported, never one made before. When the directory
 * itself is deleted (or replaced), the deletions of its remaining entries are reported and the stream
 * completes, as Alpakka's does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BufferOverflowError } from '@tributary/core';
import { type Attributes, GraphStage, type GraphStageLogic, type OutHandler, Outlet, SourceShape, TimerGraphStageLogic } from '@tributary/core/stage';
import type { DirectoryChange } from '../DirectoryChange.js';
import { fsError, withPath } from './ioErrors.js';

export interface DirectoryChangesSettings {
  readonly dir: string;
  readonly pollIntervalMs: number;
  readonly maxBufferSize: number;
  readonly usePolling: boolean;
}

export class DirectoryChangesStage extends GraphStage<SourceShape<readonly [string, DirectoryChange]>> {
  readonly out = new Outlet<readonly [string, DirectoryChange]>('DirectoryChangesSource.out');
  readonly shape = new SourceShape(this.out);

  constructor(readonly settings: DirectoryChangesSettings) {
    super();
  }

  override get defaultName(): string {
    return 'DirectoryChangesSource';
  }

  createLogic(_attributes: Attributes): GraphStageLogic {
    return new DirectoryChangesLogic(this);
  }

  override toString(): string {
    return `DirectoryChangesSource(${this.settings.dir})`;
  }
}

/** What is known of an entry: enough to tell a modification (size, times) from a replacement (inode). */
interface EntryState {
  readonly directory: boolean;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

function stateOf(s: fs.BigIntStats): EntryState {
  return { directory: s.isDirectory(), ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs };
}

/**
 * A subdirectory is an entry that is created or deleted, never modified: its times change whenever
 * something inside it changes, which fs.watch (inotify) does not report for the watched directory —
 * ignoring them keeps watching and polling alike.
 */
function sameState(a: EntryState, b: EntryState): boolean {
  if (a.directory && b.directory) return true;
  return a.directory === b.directory && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** The outcome of one look: each looked-at entry's current state (null: gone), and whether the directory still is there. */
interface Looked {
  readonly entries: ReadonlyMap<string, EntryState | null>;
  /** Listed in full (polling): entries not in `entries` are gone. */
  readonly complete: boolean;
  readonly directoryGone: boolean;
}

const CheckTimer = 'check';
/** lstat calls in flight at once during a rescan. */
const StatParallelism = 32;

class DirectoryChangesLogic extends TimerGraphStageLogic implements OutHandler {
  private readonly out: Outlet<readonly [string, DirectoryChange]>;
  private readonly settings: DirectoryChangesSettings;
  private readonly dir: string;
  private readonly known = new Map<string, EntryState>();
  private dirDev = 0n;
  private dirIno = 0n;
  private watcher: fs.FSWatcher | null = null;
  private polling: boolean;
  /** Entries fs.watch named since the last look. */
  private dirty = new Set<string>();
  /** The whole directory must be listed at the next look (polling, or a watcher event without a name). */
  private rescan = false;
  /** An event may concern the directory itself (its own name was reported): check it at the next look. */
  private checkDirectory = false;
  private queue: (readonly [string, DirectoryChange])[] = [];
  private queueHead = 0;
  private looking = false;
  private directoryGone = false;
  private cancelled = false;
  private started = false;
  /** Why watching could not start (found at materialization, reported when the stage starts). */
  private startFailure: { readonly error: unknown } | null = null;
  /** Why the stage polls although it was asked to watch (logged once the materializer is there). */
  private pollingBecause: unknown = undefined;

  private readonly onWatchEvent = this.getAsyncCallback<string | null>(this.watchEvent);
  private readonly onWatchError = this.getAsyncCallback<unknown>(this.watchError);
  private readonly onLooked = this.getAsyncCallback<Looked>(this.looked);
  private readonly onLookFailed = this.getAsyncCallback<unknown>((e) => {
    this.looking = false;
    if (this.cancelled) this.completeStage();
    else this.failStage(e);
  });

  constructor(stage: DirectoryChangesStage) {
    super(stage.shape);
    this.out = stage.out;
    this.settings = stage.settings;
    this.dir = stage.settings.dir;
    this.polling = stage.settings.usePolling;
    this.setHandler(this.out, this);
    // The logic is created synchronously inside run(), preStart only a microtask later: taking the state
    // here means that every change made after run() returned is reported (Alpakka registers its watch
    // service at the same point).
    this.takeInitialState();
  }

  private takeInitialState(): void {
    const dir = this.dir;
    try {
      const self = fs.statSync(dir, { bigint: true });
      if (!self.isDirectory()) throw fsError('ENOTDIR', 'not a directory', 'watch', dir);
      this.dirDev = self.dev;
      this.dirIno = self.ino;
      // Watch first, list second: a change between the two is then seen twice (harmless), never missed.
      if (!this.polling) this.startWatching();
      for (const name of fs.readdirSync(dir)) {
        const s = fs.lstatSync(path.join(dir, name), { bigint: true, throwIfNoEntry: false });
        if (s !== undefined) this.known.set(name, stateOf(s));
      }
    } catch (e) {
      this.closeWatcher();
      this.startFailure = { error: withPath(e, dir) };
    }
  }

  override preStart(): void {
    this.started = true;
    if (this.startFailure !== null) return this.failStage(this.startFailure.error);
    if (this.pollingBecause !== undefined) this.logPollingFallback(this.pollingBecause);
  }

  private startWatching(): void {
    try {
      const watcher = fs.watch(this.dir, (_event, name) => this.onWatchEvent.invoke(typeof name === 'string' ? name : null));
      watcher.on('error', (e) => this.onWatchError.invoke(e));
      this.watcher = watcher;
    } catch (e) {
      // No watch for this directory (inotify watch limit, unsupported file system): poll instead.
      this.switchToPolling(e);
    }
  }

  private switchToPolling(cause: unknown): void {
    this.closeWatcher();
    this.polling = true;
    this.rescan = true;
    // Before preStart (at materialization) there is no materializer to log with yet.
    if (this.started) this.logPollingFallback(cause);
    else this.pollingBecause = cause;
  }

  private logPollingFallback(cause: unknown): void {
    this.materializer.logger?.(`${this.stageName}(${this.dir}): fs.watch is not available, polling every ${this.settings.pollIntervalMs} ms instead`, cause);
  }

  private closeWatcher(): void {
    const w = this.watcher;
    this.watcher = null;
    w?.close();
  }

  private watchEvent(name: string | null): void {
    if (this.cancelled || this.directoryGone) return;
    if (name === null) this.rescan = true;
    else {
      this.dirty.add(name);
      if (name === path.basename(this.dir)) this.checkDirectory = true;
    }
    if (this.overflowed()) return;
    if (this.isAvailable(this.out) && !this.looking) this.scheduleLook();
  }

  private watchError(error: unknown): void {
    if (this.cancelled || this.directoryGone) return;
    this.switchToPolling(error);
    if (this.isAvailable(this.out) && !this.looking) this.scheduleLook();
  }

  onPull(): void {
    if (this.queueHead < this.queue.length) return this.emitNext();
    if (this.looking) return;
    if (this.dirty.size !== 0 || this.checkDirectory || (this.rescan && !this.polling)) this.look();
    else this.scheduleLook();
  }

  protected onTimer(): void {
    if (!this.looking && !this.cancelled && this.isAvailable(this.out)) this.look();
  }

  /** The next look, one interval from now: when polling, always; when watching, once something was named. */
  private scheduleLook(): void {
    if (this.isTimerActive(CheckTimer)) return;
    if (this.polling || this.dirty.size !== 0 || this.checkDirectory || this.rescan) this.scheduleOnce(CheckTimer, this.settings.pollIntervalMs);
  }

  private emitNext(): void {
    const change = this.queue[this.queueHead]!;
    this.queue[this.queueHead++] = undefined as never;
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    }
    this.push(this.out, change);
    if (this.directoryGone && this.queue.length === 0) this.finish();
  }

  private pending(): number {
    return this.queue.length - this.queueHead + this.dirty.size;
  }

  private overflowed(): boolean {
    if (this.pending() <= this.settings.maxBufferSize) return false;
    this.finish(
      new BufferOverflowError(
        `${this.stageName}(${this.dir}): more than maxBufferSize = ${this.settings.maxBufferSize} changes are waiting for downstream; ` +
          'failing rather than dropping changes (consume faster, or raise maxBufferSize)',
      ),
    );
    return true;
  }

  /** Looks at what may have changed — the named entries, or the whole directory — off the stage. */
  private look(): void {
    this.cancelTimer(CheckTimer);
    this.looking = true;
    const full = this.rescan || this.polling;
    const names = full ? null : this.dirty;
    const checkDirectory = this.checkDirectory;
    this.dirty = new Set();
    this.rescan = false;
    this.checkDirectory = false;
    lookAt(this.dir, names, checkDirectory || full, this.dirDev, this.dirIno).then(
      (looked) => this.onLooked.invoke(looked),
      (error: unknown) => this.onLookFailed.invoke(withPath(error, this.dir)),
    );
  }

  private looked({ entries, complete, directoryGone }: Looked): void {
    this.looking = false;
    if (this.cancelled) return this.completeStage();
    const dir = this.dir;
    const changes = this.queue;
    for (const [name, now] of entries) {
      const before = this.known.get(name);
      const full = path.join(dir, name);
      if (now === null) {
        if (before !== undefined) {
          this.known.delete(name);
          changes.push([full, 'deletion']);
        } else if (!complete) {
          // Named by the watcher but gone before it was looked at: it existed in between.
          changes.push([full, 'creation'], [full, 'deletion']);
        }
      } else if (before === undefined) {
        this.known.set(name, now);
        changes.push([full, 'creation']);
      } else if (before.ino !== now.ino) {
        this.known.set(name, now);
        changes.push([full, 'deletion'], [full, 'creation']);
      } else if (!sameState(before, now)) {
        this.known.set(name, now);
        changes.push([full, 'modification']);
      }
    }
    if (complete || directoryGone) {
      for (const name of [...this.known.keys()]) {
        if (directoryGone || !entries.has(name)) {
          this.known.delete(name);
          changes.push([path.join(dir, name), 'deletion']);
        }
      }
    }
    if (directoryGone) {
      this.directoryGone = true;
      this.closeWatcher();
      this.cancelTimer(CheckTimer);
    }
    if (this.overflowed()) return;
    if (!this.isAvailable(this.out)) return;
    if (this.queueHead < this.queue.length) this.emitNext();
    else if (this.directoryGone) this.finish();
    else this.scheduleLook();
  }

  onDownstreamFinish(): void {
    this.cancelled = true;
    this.closeWatcher();
    this.cancelTimer(CheckTimer);
    if (this.looking)
      this.setKeepGoing(true); // the look in flight ends the stage when it returns
    else this.completeStage();
  }

  /** Ends the stream: completes, or fails with `error` (a look still in flight finds the stage stopped). */
  private finish(error?: unknown): void {
    this.closeWatcher();
    if (error === undefined) this.completeStage();
    else this.failStage(error);
  }

  override postStop(): void {
    this.closeWatcher();
  }
}

/**
 * The current state of the entries `names` of `dir` (all of them when `names` is null, listing the
 * directory), and — if asked — whether `dir` itself is gone or was replaced.
 */
async function lookAt(dir: string, names: ReadonlySet<string> | null, checkDirectory: boolean, dev: bigint, ino: bigint): Promise<Looked> {
  if (checkDirectory) {
    const self = await fs.promises.stat(dir, { bigint: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
      throw e;
    });
    if (self === null || self.dev !== dev || self.ino !== ino || !self.isDirectory()) {
      return { entries: new Map(), complete: false, directoryGone: true };
    }
  }
  let list: readonly string[];
  if (names === null) {
    try {
      list = await fs.promises.readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: new Map(), complete: false, directoryGone: true };
      throw e;
    }
  } else {
    list = [...names];
  }
  const entries = new Map<string, EntryState | null>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const name = list[next++]!;
      const s = await fs.promises.lstat(path.join(dir, name), { bigint: true }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
        throw e;
      });
      entries.set(name, s === null ? null : stateOf(s));
    }
  };
  await Promise.all(Array.from({ length: Math.min(StatParallelism, list.length) }, worker));
  return { entries, complete: names === null, directoryGone: false };
}
