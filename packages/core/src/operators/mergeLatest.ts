import { GraphStage } from '../stage/GraphStage.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { requirePositiveInt } from './validate.js';

/**
 * `MergeLatest(n)`: once every input has produced at least one element, emits an array of the latest
 * element of each input (a fresh array each time) whenever any input produces a new one. Until then,
 * a newer element of an input replaces its older one. An input is pulled again only after its latest
 * element has gone out, so a slow downstream back-pressures all inputs. Completes when all inputs
 * completed, or — with `eagerComplete` — when any did (a pending snapshot still goes out first).
 */
export class MergeLatest<T> extends GraphStage<UniformFanInShape<T, T[]>> {
  readonly shape: UniformFanInShape<T, T[]>;
  constructor(
    readonly inputs: number,
    readonly eagerComplete = false,
  ) {
    super();
    requirePositiveInt('MergeLatest', 'inputs', inputs);
    this.shape = UniformFanInShape.named<T, T[]>('MergeLatest', inputs);
  }
  override get defaultName(): string {
    return 'MergeLatest';
  }
  createLogic(): GraphStageLogic {
    return new MergeLatestLogic(this);
  }
}

class MergeLatestLogic<T> extends GraphStageLogic implements OutHandler {
  private readonly latest: T[];
  private readonly has: boolean[];
  private missing: number;
  private running: number;
  /** A snapshot with news is waiting for downstream demand. */
  private dirty = false;
  private done = false;
  constructor(private readonly stage: MergeLatest<T>) {
    super(stage.shape);
    const n = stage.inputs;
    this.latest = new Array<T>(n);
    this.has = new Array<boolean>(n).fill(false);
    this.missing = n;
    this.running = n;
    this.setHandler(stage.shape.out, this);
    for (let i = 0; i < n; i++) this.setHandler(stage.shape.inlets[i]!, this.inHandler(i));
  }

  override preStart(): void {
    for (const inlet of this.stage.shape.inlets) this.pull(inlet);
  }

  private inHandler(i: number): InHandler {
    const inlet = this.stage.shape.inlets[i]!;
    return {
      onPush: () => {
        this.latest[i] = this.grab(inlet);
        if (!this.has[i]) {
          this.has[i] = true;
          this.missing--;
        }
        if (this.missing > 0) {
          this.pull(inlet); // nothing can go out yet: keep only the newest
          return;
        }
        this.dirty = true;
        if (this.isAvailable(this.stage.shape.out)) this.emitSnapshot();
      },
      onUpstreamFinish: () => {
        if (this.stage.eagerComplete || --this.running === 0) this.done = true;
        if (this.done && !this.dirty) this.completeStage();
      },
    };
  }

  private emitSnapshot(): void {
    this.dirty = false;
    this.push(this.stage.shape.out, this.latest.slice());
    if (this.done) return this.completeStage();
    const ins = this.stage.shape.inlets;
    for (let k = 0; k < ins.length; k++) {
      const inlet = ins[k]!;
      if (!this.isClosed(inlet) && !this.hasBeenPulled(inlet)) this.pull(inlet);
    }
  }

  onPull(): void {
    if (this.dirty) this.emitSnapshot();
  }
}
