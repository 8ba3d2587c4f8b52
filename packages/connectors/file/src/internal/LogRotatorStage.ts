/**
 * # LogRotatorStage — `LogRotatorSink.create` / `withSinkFactory`
 *
 * Writes each element to the sink of the current file, and switches files when the trigger function
 * returns a path. Each file's sink (`FileIO.toPath` by default) runs as its own stream, fed through a
 * `SubSourceOutlet` and pulled by that sink: the stage pulls upstream only when the current file's sink
 * asks for more, so back-pressure reaches from the disk to upstream.
 *
 * A rotation completes the current file's stream and waits for its materialized promise — for
 * `FileIO.toPath`, that is after the last byte is written and the file closed — before the next sink
 * is created and materialized. The element that triggered the rotation is the first one of the new
 * file. Unlike Alpakka's (which opens the next file while the previous one may still be writing), two
 * files are never open at once: what a log shipper sees in a rotated file is final.
 *
 * The materialized promise resolves when upstream has completed and the last file's sink has finished.
 * A failing file sink fails the stage (and cancels upstream) with its error. Any other failure —
 * upstream's, the trigger's — fails the current file's stream first and the stage once that file's
 * sink has stopped: when the promise settles, no file is open.
 */
import { type Graph, Keep, Materializer, Source } from '@tributary/core';
import {
  AbruptTerminationException,
  type Attributes,
  type Decider,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  type InHandler,
  Inlet,
  NonFailureCancellation,
  SinkShape,
  SubSourceOutlet,
} from '@tributary/core/stage';
import { type Deferred, deferred } from './Deferred.js';
import { describeValue } from './validate.js';

export type TriggerGenerator<T> = (element: T) => string | undefined;

export interface LogRotatorSettings<T> {
  readonly triggerGeneratorCreator: () => TriggerGenerator<T>;
  readonly sinkFactory: (path: string) => Graph<SinkShape<T>, Promise<unknown>>;
  readonly name: string;
}

export class LogRotatorStage<T> extends GraphStageWithMaterializedValue<SinkShape<T>, Promise<void>> {
  readonly in = new Inlet<T>('LogRotatorSink.in');
  readonly shape = new SinkShape(this.in);

  constructor(readonly settings: LogRotatorSettings<T>) {
    super();
  }

  override get defaultName(): string {
    return this.settings.name;
  }

  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, Promise<void>] {
    const done = deferred<void>();
    return [new LogRotatorLogic(this, attributes.supervisionDecider, done), done.promise];
  }
}

/** One file's stream: the outlet that feeds its sink, and whether that sink has finished. */
interface FileStream<T> {
  readonly path: string;
  readonly outlet: SubSourceOutlet<T>;
  /** Settles the first time the sink's promise settles: ok, or its error. */
  finished: { readonly ok: true } | { readonly ok: false; readonly error: unknown } | null;
  /** Runs when the sink's promise settles. */
  onFinished: (() => void) | null;
}

class LogRotatorLogic<T> extends GraphStageLogic implements InHandler {
  private readonly in: Inlet<T>;
  private readonly settings: LogRotatorSettings<T>;
  private trigger: TriggerGenerator<T> | null = null;
  private current: FileStream<T> | null = null;
  /** The element that opens the next file, waiting for that file's sink to pull. */
  private waiting: { readonly element: T } | null = null;
  private upstreamFinished = false;
  private failed = false;

  private readonly onSinkFinished = this.getAsyncCallback<{ file: FileStream<T>; ok: boolean; error?: unknown }>(({ file, ok, error }) => {
    if (file.finished !== null) return;
    file.finished = ok ? { ok: true } : { ok: false, error };
    const then = file.onFinished;
    file.onFinished = null;
    if (then !== null) then();
    else if (!ok) this.failWith(error); // the sink failed by itself, while being written to
  });

  constructor(
    stage: LogRotatorStage<T>,
    private readonly decider: Decider,
    private readonly done: Deferred<void>,
  ) {
    super(stage.shape);
    this.in = stage.in;
    this.settings = stage.settings;
    this.setHandler(this.in, this);
  }

  override preStart(): void {
    if (!this.createTrigger()) return;
    this.pull(this.in);
  }

  private createTrigger(): boolean {
    let trigger: unknown;
    try {
      trigger = this.settings.triggerGeneratorCreator();
    } catch (e) {
      this.failWith(e);
      return false;
    }
    if (typeof trigger !== 'function') {
      this.failWith(
        new TypeError(`${this.settings.name}: triggerGeneratorCreator must return a function (element) => path | undefined, got ${describeValue(trigger)}`),
      );
      return false;
    }
    this.trigger = trigger as TriggerGenerator<T>;
    return true;
  }

  onPush(): void {
    const element = this.grab(this.in);
    let target: unknown;
    try {
      target = this.trigger!(element);
    } catch (e) {
      const directive = decide(this.decider, e);
      if (directive === 'stop') return this.failWith(e);
      if (directive === 'restart' && !this.createTrigger()) return;
      return this.pull(this.in); // resume/restart: the element is dropped, as supervision asks
    }
    if (target === undefined) {
      if (this.current === null) {
        return this.failWith(
          new Error(
            `${this.settings.name}: the trigger generator returned no path for the first element, so there is no file to write it to (return a path for the first element)`,
          ),
        );
      }
      return this.current.outlet.push(element);
    }
    if (typeof target !== 'string' || target.length === 0) {
      return this.failWith(
        new TypeError(
          `${this.settings.name}: the trigger generator must return a path string to rotate to, or undefined to stay with the current file; got ${describeValue(target)}`,
        ),
      );
    }
    this.rotate(target, element);
  }

  /** Finishes the current file, and once its sink is done, opens `path` with `element` as its first element. */
  private rotate(path: string, element: T): void {
    this.waiting = { element };
    const previous = this.current;
    if (previous === null) return this.open(path);
    this.finishFile(previous, () => this.open(path));
  }

  /** Completes `file`'s stream; when its sink has finished (ok), runs `next` — or fails with its error. */
  private finishFile(file: FileStream<T>, next: () => void): void {
    file.outlet.complete();
    const whenDone = (): void => {
      const f = file.finished!;
      if (f.ok) next();
      else this.failWith(f.error);
    };
    if (file.finished !== null) whenDone();
    else file.onFinished = whenDone;
  }

  private open(path: string): void {
    let sink: Graph<SinkShape<T>, Promise<unknown>>;
    try {
      sink = this.settings.sinkFactory(path);
    } catch (e) {
      return this.failWith(e);
    }
    const mat = this.materializer;
    if (!(mat instanceof Materializer)) return this.failWith(new TypeError(`${this.settings.name}: runs only on a Materializer`));
    const outlet = new SubSourceOutlet<T>(this, 'LogRotatorSink.file');
    const file: FileStream<T> = { path, outlet, finished: null, onFinished: null };
    outlet.setHandler({
      onPull: () => this.filePulled(file),
      onDownstreamFinish: (cause: unknown) => this.fileCancelled(file, cause),
    });
    this.current = file;
    let result: unknown;
    try {
      result = Source.fromGraph(outlet.source).toMat(sink, Keep.right).run(mat);
    } catch (e) {
      return this.failWith(e);
    }
    if (result === null || typeof result !== 'object' || typeof (result as PromiseLike<unknown>).then !== 'function') {
      return this.failWith(new TypeError(`${this.settings.name}: the sink for '${path}' must materialize a Promise, got ${describeValue(result)}`));
    }
    (result as PromiseLike<unknown>).then(
      () => this.onSinkFinished.invoke({ file, ok: true }),
      (error: unknown) => this.onSinkFinished.invoke({ file, ok: false, error }),
    );
  }

  private filePulled(file: FileStream<T>): void {
    if (file !== this.current || this.failed) return;
    const waiting = this.waiting;
    if (waiting !== null) {
      this.waiting = null;
      file.outlet.push(waiting.element);
      if (this.upstreamFinished) this.finishLast();
      return;
    }
    if (!this.isClosed(this.in) && !this.hasBeenPulled(this.in)) this.pull(this.in);
  }

  private fileCancelled(file: FileStream<T>, cause: unknown): void {
    if (file !== this.current || this.failed) return;
    // The sink stopped taking elements while the stream goes on: what follows would be lost.
    if (!(cause instanceof NonFailureCancellation)) return this.failWith(cause);
    this.failWith(new Error(`${this.settings.name}: the sink for '${file.path}' cancelled before the stream ended; the elements after it would be lost`));
  }

  onUpstreamFinish(): void {
    this.upstreamFinished = true;
    this.setKeepGoing(true);
    if (this.waiting === null) this.finishLast();
  }

  onUpstreamFailure(error: unknown): void {
    this.failWith(error);
  }

  /** Upstream is done and every element handed over: the last file is finished, then the stage completes. */
  private finishLast(): void {
    const file = this.current;
    if (file === null) {
      this.done.resolve();
      return this.completeStage();
    }
    this.finishFile(file, () => {
      this.done.resolve();
      this.completeStage();
    });
  }

  /**
   * Fails the stage with `error` — after the current file's sink has finished with what it got (its
   * stream fails too; `FileIO.toPath` writes what it received and closes the file), so that no file is
   * open any more when the materialized promise rejects.
   */
  private failWith(error: unknown): void {
    if (this.failed) return; // the first failure is being handled
    this.failed = true;
    const end = (): void => {
      this.done.reject(error);
      this.failStage(error);
    };
    const file = this.current;
    if (file === null || file.finished !== null) return end();
    this.setKeepGoing(true);
    if (!this.isClosed(this.in)) this.cancel(this.in, error);
    if (!file.outlet.isClosed()) file.outlet.fail(error);
    file.onFinished = end;
  }

  override postStop(): void {
    this.done.reject(new AbruptTerminationException(`${this.settings.name}: the stream was stopped before the last file was finished`));
  }
}

function decide(decider: Decider, error: unknown): 'stop' | 'resume' | 'restart' {
  try {
    return decider(error);
  } catch {
    return 'stop';
  }
}
