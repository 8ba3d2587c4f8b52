import type { Attributes, Decider } from '../stage/Attributes.js';
import type { GraphStageLogic } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { fuseFirst } from './fused.js';
import { FUSABLE, FUSE, type Fusable, FusedStop, type FusionHost, type FusionPart, SKIP, statefulPart } from './fusion.js';
import { StatefulMapLogicBase } from './statefulMapInternals.js';
import { requireFunction } from './validate.js';

/**
 * `statefulMap(create, f, onComplete)`: maps with a state created per materialization. `f` returns
 * `[nextState, output]`. `onComplete(state)` runs exactly once on every termination (see
 * statefulMapInternals.ts); on completion, upstream failure, a `stop` and a `restart` its result (unless
 * `undefined`) is emitted. Supervision: resume drops the element and keeps the state; restart drops it,
 * closes the state with `onComplete` and creates a fresh one.
 */
export class StatefulMap<S, I, O> extends FlowStage<I, O> implements Fusable, FusionHost {
  constructor(
    readonly create: () => S,
    readonly f: (state: S, x: I) => readonly [S, O],
    readonly onComplete: (state: S) => O | undefined,
  ) {
    super('statefulMap');
    requireFunction('statefulMap', 'create', create);
    requireFunction('statefulMap', 'f', f);
    requireFunction('statefulMap', 'onComplete', onComplete);
  }
  /**
   * Fused: the state is created when the host starts and closed exactly once, as by the unfused stage
   * (statefulMapInternals.ts): on completion and failure its result goes through the parts after it;
   * a `stop` fails this part (its result is emitted first), a `restart` emits it in the dropped
   * element's place; a cancelled part drops it.
   */
  get [FUSABLE](): FusionPart {
    const create = this.create as () => unknown;
    const f = this.f as (s: unknown, x: unknown) => readonly [unknown, unknown];
    const onComplete = this.onComplete as (s: unknown) => unknown;
    return statefulPart(
      this.defaultName,
      (ctx) => {
        let state: unknown;
        let open = false;
        const close = (): unknown => {
          if (!open) return undefined;
          open = false; // before the closing function: it never runs twice, not even when it throws
          return onComplete(state);
        };
        ctx.onEnd({
          start() {
            state = create();
            open = true;
          },
          end(kind) {
            const last = close();
            return kind === 'cancel' || last === undefined ? SKIP : last;
          },
        });
        return (x) => {
          try {
            const r = f(state, x);
            state = r[0];
            return r[1];
          } catch (e) {
            const d = decide(ctx.decider, e);
            if (d === 'stop') throw new FusedStop(e); // the host fails this part: its closing result goes first
            if (d === 'resume') return SKIP;
            let last: unknown;
            try {
              last = close();
              state = create();
              open = true;
            } catch (e2) {
              throw new FusedStop(e2); // as unfused: the closing (or creating) function's error fails the stage
            }
            return last === undefined ? SKIP : last;
          }
        };
      },
      { hasEnd: true },
    );
  }
  [FUSE](next: Fusable) {
    return fuseFirst(this, next);
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new StatefulMapLogic(this, attributes.supervisionDecider);
  }
}

class StatefulMapLogic<S, I, O> extends StatefulMapLogicBase<S, I, O> {
  private readonly f: (state: S, x: I) => readonly [S, O];
  constructor(stage: StatefulMap<S, I, O>, decider: Decider) {
    super(stage.shape, stage.create, stage.onComplete, decider);
    this.f = stage.f;
  }
  protected step(x: I): O {
    const r = this.f(this.state, x);
    this.state = r[0];
    return r[1];
  }
}
