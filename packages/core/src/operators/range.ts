import type { Attributes, Decider } from '../stage/Attributes.js';
import { type AsyncCallback, GraphStageLogic, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide } from './FlowStage.js';
import { type Cursor, RangeCursor } from './cursor.js';
import { composeFused, type Fusable, type FusedFn, fusedName, type FusionHost, MaxSkipsPerPull, SKIP, type SyncSourceHost } from './fusion.js';
import { SourceStage } from './SourceStage.js';
import { requireFiniteNumber } from './validate.js';

/**
 * `Source.range(start, endInclusive, step)`: start, start+step, … up to and including `endInclusive`.
 * A fusion host: following map/filter/collect operators run inside its pull loop.
 */
export class RangeSource extends SourceStage<number> implements FusionHost, SyncSourceHost {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly step: number,
    readonly fn: FusedFn | null = null,
    private readonly names = 'range',
  ) {
    super('range');
    requireFiniteNumber('Source.range', 'start', start);
    requireFiniteNumber('Source.range', 'endInclusive', end);
    requireFiniteNumber('Source.range', 'step', step);
    if (step === 0) throw new RangeError('Source.range: step must not be 0');
  }
  override get defaultName(): string {
    return this.names;
  }
  createCursor(): Cursor {
    return new RangeCursor(this.start, this.end, this.step);
  }
  fuse(next: Fusable): RangeSource {
    return new RangeSource(this.start, this.end, this.step, composeFused(this.fn, next.fusedFn), fusedName(this.names, next.defaultName));
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return this.fn === null ? new RangeLogic(this) : new FusedRangeLogic(this, this.fn, attributes.supervisionDecider);
  }
}

class RangeLogic extends GraphStageLogic implements OutHandler {
  private next: number;
  private readonly end: number;
  private readonly step: number;
  constructor(private readonly stage: RangeSource) {
    super(stage.shape);
    this.next = stage.start;
    this.end = stage.end;
    this.step = stage.step;
    this.setHandler(stage.out, this);
  }
  override preStart(): void {
    if (this.step > 0 ? this.next > this.end : this.next < this.end) this.completeStage();
  }
  onPull(): void {
    const x = this.next;
    this.next = x + this.step;
    this.push(this.stage.out, x);
    if (this.step > 0 ? this.next > this.end : this.next < this.end) this.completeStage();
  }
}

class FusedRangeLogic extends GraphStageLogic implements OutHandler {
  private next: number;
  private readonly end: number;
  private readonly step: number;
  private readonly resume: AsyncCallback<undefined>;
  constructor(
    private readonly stage: RangeSource,
    private readonly fn: FusedFn,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.next = stage.start;
    this.end = stage.end;
    this.step = stage.step;
    this.setHandler(stage.out, this);
    this.resume = this.getAsyncCallback(() => this.onPull());
  }
  private exhausted(): boolean {
    return this.step > 0 ? this.next > this.end : this.next < this.end;
  }
  override preStart(): void {
    if (this.exhausted()) this.completeStage();
  }
  onPull(): void {
    const fn = this.fn;
    const step = this.step;
    let skips = 0;
    while (!this.exhausted()) {
      const x = this.next;
      this.next = x + step;
      let y: unknown;
      try {
        y = fn(x);
      } catch (e) {
        if (decide(this.decider, e) === 'stop') return this.failStage(e);
        y = SKIP;
      }
      if (y !== SKIP) {
        this.push(this.stage.out, y as number);
        if (this.exhausted()) this.completeStage();
        return;
      }
      // Bound the work of one pull: a filter that rejects a long run yields to the interpreter.
      if (++skips === MaxSkipsPerPull) return this.resume.invoke(undefined);
    }
    this.completeStage();
  }
}
