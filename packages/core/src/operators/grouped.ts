import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, type FusionHost, type FusionPart, SKIP, statefulPart } from './fusion.js';
import { requirePositiveInt } from './validate.js';

/** `grouped(n)`: chunks the stream into arrays of `n` elements; the last one may be shorter. */
export class Grouped<T> extends FlowStage<T, T[]> implements Fusable, FusionHost {
  constructor(readonly n: number) {
    super('grouped');
    requirePositiveInt('grouped', 'n', n);
  }
  /** Fused: the group being filled lives in the function made per materialization; completion emits it. */
  get [FUSABLE](): FusionPart {
    const n = this.n;
    return statefulPart(
      this.defaultName,
      (ctx) => {
        let buf: unknown[] = [];
        let ended = false;
        ctx.onEnd({
          start() {},
          end(kind) {
            if (ended) return SKIP;
            ended = true;
            return kind === 'complete' && buf.length > 0 ? buf : SKIP;
          },
        });
        return (x) => {
          buf.push(x);
          if (buf.length < n) return SKIP;
          const group = buf;
          buf = [];
          return group;
        };
      },
      { hasEnd: true },
    );
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
  }
  createLogic(): GraphStageLogic {
    return new GroupedLogic(this);
  }
}

class GroupedLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private buf: T[] = [];
  constructor(private readonly stage: Grouped<T>) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  onPush(): void {
    const s = this.stage;
    this.buf.push(this.grab(s.in));
    if (this.buf.length === s.n) {
      const group = this.buf;
      this.buf = [];
      this.push(s.out, group);
    } else {
      this.pull(s.in);
    }
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    if (this.buf.length > 0) this.emit(this.stage.out, this.buf, () => this.completeStage());
    else this.completeStage();
  }
}
