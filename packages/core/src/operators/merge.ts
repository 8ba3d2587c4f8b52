import type { Graph } from '../stage/GraphStage.js';
import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import type { Inlet, Outlet } from '../stage/Ports.js';
import type { SourceShape } from '../stage/Shape.js';
import { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { type Cursor, Done } from './cursor.js';
import { openCursor } from './flattenInternals.js';
import { requirePositiveInt } from './validate.js';

/**
 * `Merge(n)`: emits elements from any input as they arrive, in the order they arrived (inputs that
 * pushed while downstream was busy are served first come, first served). Every input is pulled at
 * start and again after each of its elements went out, so each input has at most one element waiting.
 * Completes when all inputs completed, or — with `eagerComplete` — when any did (elements already
 * waiting are still emitted first).
 *
 * `inline` are further inputs read in place (sources `isInlinable` accepts): each materialization opens
 * a fresh cursor over each, which counts as an input that always has an element ready until it is
 * exhausted; it is read only when downstream pulls and its turn comes (nothing is read ahead). Wired
 * inputs with an element waiting and inline inputs are served in turn, so none starves another.
 */
export class Merge<T> extends GraphStage<UniformFanInShape<T, T>> {
  readonly shape: UniformFanInShape<T, T>;
  constructor(
    readonly inputs: number,
    readonly eagerComplete = false,
    readonly inline: readonly Graph<SourceShape<T>, unknown>[] = [],
  ) {
    super();
    requirePositiveInt('Merge', 'inputs', inputs);
    this.shape = UniformFanInShape.named<T, T>('Merge', inputs);
  }
  override get defaultName(): string {
    return 'Merge';
  }
  createLogic(): GraphStageLogic {
    return new MergeLogic(this);
  }
}

class MergeLogic<T> extends GraphStageLogic implements OutHandler {
  /** Ring buffer of inputs holding an element (wired) or running (inline, index ≥ ins.length), in turn order. */
  private readonly queue: number[];
  private head = 0;
  private count = 0;
  private running: number;
  private readonly ins: readonly Inlet<T>[];
  private readonly out: Outlet<T>;
  /** The cursors of the inline inputs (index `ins.length + k`), null once finished or closed. */
  private readonly cursors: (Cursor | null)[];
  constructor(private readonly stage: Merge<T>) {
    super(stage.shape);
    const n = stage.inputs;
    const m = stage.inline.length;
    this.queue = new Array<number>(n + m).fill(0);
    this.running = n + m;
    this.ins = stage.shape.inlets;
    this.out = stage.shape.out;
    this.cursors = new Array<Cursor | null>(m).fill(null);
    this.setHandler(stage.shape.out, this);
    for (let i = 0; i < n; i++) this.setHandler(this.ins[i]!, new MergeInput(this, i));
  }

  override preStart(): void {
    const ins = this.ins;
    const inline = this.stage.inline;
    if (inline.length > 0) {
      const n = ins.length;
      let finished = 0;
      for (let k = 0; k < inline.length; k++) {
        let c: Cursor;
        try {
          c = openCursor(inline[k]!);
        } catch (e) {
          return this.failStage(e);
        }
        if (c.exhausted) finished++;
        else {
          this.cursors[k] = c;
          this.enqueue(n + k);
        }
      }
      for (let f = 0; f < finished; f++) {
        this.onInputFinish();
        if (this.isClosed(this.out)) return;
      }
    }
    for (let i = 0; i < ins.length; i++) this.tryPull(ins[i]!);
  }

  private enqueue(i: number): void {
    const q = this.queue;
    let k = this.head + this.count;
    if (k >= q.length) k -= q.length;
    q[k] = i;
    this.count++;
  }

  /** Input `i` delivered an element. */
  onInput(i: number): void {
    if (this.count === 0 && this.isAvailable(this.out)) {
      // The inlet just delivered, so we have not closed it: it is pulled again (the interpreter ignores
      // the pull if its upstream has completed meanwhile), or cancelled once an eager merge is done.
      if (this.running > 0) this._forwardAndPull(i, 0);
      else {
        const inlet = this.ins[i]!;
        this.push(this.out, this.grab(inlet));
        this.cancel(inlet);
      }
    } else {
      this.enqueue(i);
    }
  }

  /** An input completed. */
  onInputFinish(): void {
    if (this.stage.eagerComplete) {
      this.running = 0;
      // Inputs with an element waiting stay open until it has gone out.
      const ins = this.ins;
      for (let k = 0; k < ins.length; k++) if (!this.isClosed(ins[k]!) && !this.isAvailable(ins[k]!)) this.cancel(ins[k]!);
      if (this.cursors.length > 0) this.dropInline();
    } else {
      this.running--;
    }
    if (this.running === 0 && this.count === 0) this.completeStage();
  }

  /** An eager merge is done: the inline inputs (which hold no element) are closed and leave the queue. */
  private dropInline(): void {
    const cursors = this.cursors;
    for (let k = 0; k < cursors.length; k++) {
      const c = cursors[k];
      if (c != null) {
        cursors[k] = null;
        c.close();
      }
    }
    const q = this.queue;
    const n = this.ins.length;
    let kept = 0;
    const waiting: number[] = [];
    for (let j = 0; j < this.count; j++) {
      const i = q[(this.head + j) % q.length]!;
      if (i < n) waiting.push(i);
    }
    this.head = 0;
    this.count = 0;
    for (const i of waiting) q[kept++] = i;
    this.count = kept;
  }

  /**
   * Emits the next element of inline input `k` (downstream is available) and queues it again, or
   * finishes it when exhausted. Returns false when it had no element left (nothing was pushed) or the
   * stage failed.
   */
  private pushInline(k: number): boolean {
    const c = this.cursors[k]!;
    let x: unknown;
    try {
      x = c.next();
    } catch (e) {
      this.failStage(e);
      return false;
    }
    if (x === Done) {
      this.cursors[k] = null;
      this.onInputFinish();
      return false;
    }
    this.push(this.out, x as T);
    if (c.exhausted) {
      this.cursors[k] = null;
      this.onInputFinish();
    } else if (this.running > 0) {
      this.enqueue(this.ins.length + k);
    }
    return true;
  }

  onPull(): void {
    const q = this.queue;
    const n = this.ins.length;
    while (this.count > 0) {
      const i = q[this.head]!;
      if (++this.head === q.length) this.head = 0;
      this.count--;
      if (i >= n) {
        // An inline input is queued only while the merge is running.
        if (this.pushInline(i - n) || this.isClosed(this.out)) return;
        continue; // it had no element left after all (an iterator): serve the next one
      }
      // This inlet may have completed while its element waited: it is pulled again only if open.
      if (this.running > 0) {
        if (this._forwardAndPull(i, 0)) return;
        continue;
      }
      const inlet = this.ins[i]!;
      if (!this.isAvailable(inlet)) continue;
      this.push(this.out, this.grab(inlet));
      if (!this.isClosed(inlet)) this.cancel(inlet);
      if (this.count === 0) this.completeStage();
      return;
    }
    if (this.running === 0) this.completeStage();
  }

  override postStop(): void {
    const cursors = this.cursors;
    for (let k = 0; k < cursors.length; k++) {
      const c = cursors[k];
      if (c != null) {
        cursors[k] = null;
        c.close();
      }
    }
  }
}

/** The handler of input `i`: one class for all inputs and streams (no closures per materialization). */
class MergeInput<T> implements InHandler {
  constructor(
    private readonly logic: MergeLogic<T>,
    private readonly i: number,
  ) {}
  onPush(): void {
    this.logic.onInput(this.i);
  }
  onUpstreamFinish(): void {
    this.logic.onInputFinish();
  }
}
