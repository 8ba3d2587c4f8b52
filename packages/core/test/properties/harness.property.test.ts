/**
 * The harness must be able to fail: deliberately broken stages are caught by the same checks the
 * properties rely on (oracle comparison, islands stopped, spy bookkeeping).
 */

import { Flow, Source } from '@tributary/core';
import { FlowShape, GraphStage, GraphStageLogic, type InHandler, Inlet, type OutHandler, Outlet } from '@tributary/core/stage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSpy, describeTerminal, expectAllIslandsStopped, inputArb, runUnderDemand, scheduleArb, spy } from './harness.js';

/** Completes its outlet on upstream completion but keeps going forever: its postStop never runs. */
class NeverStops<T> extends GraphStage<FlowShape<T, T>> {
  readonly in = new Inlet<T>('NeverStops.in');
  readonly out = new Outlet<T>('NeverStops.out');
  readonly shape = new FlowShape(this.in, this.out);
  createLogic(): GraphStageLogic {
    const stage = this;
    return new (class extends GraphStageLogic implements InHandler, OutHandler {
      constructor() {
        super(stage.shape);
        this.setHandlers(stage.in, stage.out, this);
      }
      override preStart(): void {
        this.setKeepGoing(true);
      }
      onPush(): void {
        this.push(stage.out, this.grab(stage.in));
      }
      onPull(): void {
        this.pull(stage.in);
      }
      onUpstreamFinish(): void {
        this.complete(stage.out);
      }
    })();
  }
}

/** Loses every third element. */
class Lossy<T> extends GraphStage<FlowShape<T, T>> {
  readonly in = new Inlet<T>('Lossy.in');
  readonly out = new Outlet<T>('Lossy.out');
  readonly shape = new FlowShape(this.in, this.out);
  createLogic(): GraphStageLogic {
    const stage = this;
    let n = 0;
    return new (class extends GraphStageLogic implements InHandler, OutHandler {
      constructor() {
        super(stage.shape);
        this.setHandlers(stage.in, stage.out, this);
      }
      onPush(): void {
        const x = this.grab(stage.in);
        if (++n % 3 === 0) this.pull(stage.in);
        else this.push(stage.out, x);
      }
      onPull(): void {
        this.pull(stage.in);
      }
    })();
  }
}

describe('the property harness detects broken stages', () => {
  it('a stage that never stops is reported: its island keeps running after the stream completed', async () => {
    await expect(runUnderDemand(Source.from([1, 2, 3]).via(Flow.fromGraph(new NeverStops<number>())), [2])).rejects.toThrow(/island\(s\) still running/);
  });

  it('a lossy stage fails the oracle comparison under random demand (fast-check finds a counterexample)', async () => {
    const result = await fc.check(
      fc.asyncProperty(inputArb, scheduleArb, async (input, schedule) => {
        const out = await runUnderDemand(input.source().via(Flow.fromGraph(new Lossy<number>())), schedule);
        expect(describeTerminal(out.terminal)).toBe('complete');
        expect(out.elements).toEqual(input.xs);
      }),
      { numRuns: 100 },
    );
    expect(result.failed).toBe(true);
  });

  it('spy bookkeeping rejects a missing postStop and a missing termination signal', async () => {
    const s = spy<number>();
    expect(() => checkSpy(s.stats)).toThrow(/preStart ran 0 times.*postStop ran 0 times/);
    await expectAllIslandsStopped(await runUnderDemand(Source.from([1]).via(s.flow), [1]).then((o) => o.materializer));
    expect(() => checkSpy(s.stats)).not.toThrow();
    s.stats.endedBy.push('downstreamFinish');
    expect(() => checkSpy(s.stats)).toThrow(/exactly one signal/);
  });
});
