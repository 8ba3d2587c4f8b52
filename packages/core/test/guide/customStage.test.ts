/**
 * The code of docs/custom-stage.md, run as tests. Keep the two in sync: each step in the guide is a
 * section here.
 */

import { Attributes, Flow, Materializer, Sink, Source } from '@tributary/core';
import {
  FlowShape,
  GraphStage,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  type InHandler,
  Inlet,
  type OutHandler,
  Outlet,
  requireFunction,
  requirePositiveInt,
  SourceShape,
  TimerGraphStageLogic,
} from '@tributary/core/stage';
import { TestSink, TestSource, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

// ── Step 1: a source ──────────────────────────────────────────────────────────
class NumbersSource extends GraphStage<SourceShape<number>> {
  readonly out = new Outlet<number>('NumbersSource.out');
  readonly shape = new SourceShape(this.out);

  createLogic(): GraphStageLogic {
    return new NumbersLogic(this);
  }
}

class NumbersLogic extends GraphStageLogic implements OutHandler {
  private counter = 1; // mutable state lives in the logic, one per materialization

  constructor(private readonly stage: NumbersSource) {
    super(stage.shape);
    this.setHandler(stage.out, this);
  }

  onPull(): void {
    this.push(this.stage.out, this.counter++);
  }
}

// ── Step 2: a flow that filters ──────────────────────────────────────────────
class KeepIf<T> extends GraphStage<FlowShape<T, T>> {
  readonly in = new Inlet<T>('KeepIf.in');
  readonly out = new Outlet<T>('KeepIf.out');
  readonly shape = new FlowShape(this.in, this.out);
  constructor(readonly p: (x: T) => boolean) {
    super();
  }
  createLogic(): GraphStageLogic {
    const { in: inlet, out, p } = this;
    return new (class extends GraphStageLogic implements InHandler, OutHandler {
      constructor(shape: FlowShape<T, T>) {
        super(shape);
        this.setHandlers(inlet, out, this);
      }
      onPush(): void {
        const x = this.grab(inlet);
        if (p(x)) this.push(out, x);
        else this.pull(inlet); // not emitting: ask for the next one instead
      }
      onPull(): void {
        this.pull(inlet);
      }
    })(this.shape);
  }
}

// ── Step 3: emitting more than one element per input ─────────────────────────
class Duplicator<T> extends GraphStage<FlowShape<T, T>> {
  readonly in = new Inlet<T>('Duplicator.in');
  readonly out = new Outlet<T>('Duplicator.out');
  readonly shape = new FlowShape(this.in, this.out);
  createLogic(): GraphStageLogic {
    const { in: inlet, out } = this;
    return new (class extends GraphStageLogic implements InHandler, OutHandler {
      constructor(shape: FlowShape<T, T>) {
        super(shape);
        this.setHandlers(inlet, out, this);
      }
      onPush(): void {
        const x = this.grab(inlet);
        // emitMultiple pushes now and again on the next pull, then restores this handler.
        this.emitMultiple(out, [x, x]);
      }
      onPull(): void {
        this.pull(inlet);
      }
    })(this.shape);
  }
}

// ── Step 4: timers ───────────────────────────────────────────────────────────
/** Passes one element, then drops everything for `silenceMs`. */
class TimedGate<T> extends GraphStage<FlowShape<T, T>> {
  readonly in = new Inlet<T>('TimedGate.in');
  readonly out = new Outlet<T>('TimedGate.out');
  readonly shape = new FlowShape(this.in, this.out);
  constructor(readonly silenceMs: number) {
    super();
  }
  createLogic(): GraphStageLogic {
    const { in: inlet, out, silenceMs } = this;
    return new (class extends TimerGraphStageLogic implements InHandler, OutHandler {
      private open = true;
      constructor(shape: FlowShape<T, T>) {
        super(shape);
        this.setHandlers(inlet, out, this);
      }
      onPush(): void {
        const x = this.grab(inlet);
        if (this.open) {
          this.push(out, x);
          this.open = false;
          this.scheduleOnce('reopen', silenceMs);
        } else {
          this.pull(inlet);
        }
      }
      onPull(): void {
        this.pull(inlet);
      }
      protected onTimer(): void {
        this.open = true;
      }
    })(this.shape);
  }
}

// ── Step 5: a materialized value and external input ──────────────────────────
interface Valve {
  /** Lets `n` more elements through. */
  open(n: number): void;
}

class ValveStage<T> extends GraphStageWithMaterializedValue<FlowShape<T, T>, Valve> {
  readonly in = new Inlet<T>('Valve.in');
  readonly out = new Outlet<T>('Valve.out');
  readonly shape = new FlowShape(this.in, this.out);
  createLogicAndMaterializedValue(): [GraphStageLogic, Valve] {
    const { in: inlet, out } = this;
    const logic = new (class extends GraphStageLogic implements InHandler, OutHandler {
      private allowance = 0;
      // The only way in from outside: runs `open` inside the stream, never concurrently with handlers.
      readonly onOpen = this.getAsyncCallback<number>((n) => {
        this.allowance += n;
        if (this.isAvailable(out) && !this.hasBeenPulled(inlet)) this.pull(inlet);
      });
      constructor(shape: FlowShape<T, T>) {
        super(shape);
        this.setHandlers(inlet, out, this);
      }
      onPush(): void {
        this.allowance--;
        this.push(out, this.grab(inlet));
      }
      onPull(): void {
        if (this.allowance > 0) this.pull(inlet);
      }
    })(this.shape);
    return [logic, { open: (n) => logic.onOpen.invoke(n) }];
  }
}

describe('custom stage guide', () => {
  it('step 1: NumbersSource emits 1, 2, 3… on demand', async () => {
    const numbers = Source.fromGraph(new NumbersSource());
    expect(await numbers.take(5).runWith(Sink.seq())).toEqual([1, 2, 3, 4, 5]);
    // every run has its own logic, so its own counter
    expect(await numbers.take(2).runWith(Sink.seq())).toEqual([1, 2]);
  });

  it('step 2: KeepIf filters and only pulls when downstream does', async () => {
    const [up, down] = Flow.fromGraph(new KeepIf<number>((x) => x % 2 === 0)).runWith(TestSource.probe<number>(), TestSink.probe<number>());
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest(); // rejected: the stage pulls again
    up.sendNext(2);
    await down.expectNext(2);
    await up.expectNoMessageWhenIdle(); // no demand, no pull
  });

  it('step 3: Duplicator emits each element twice, respecting demand', async () => {
    const probe = Source.from([1, 2]).via(new Duplicator<number>()).runWith(TestSink.probe<number>());
    probe.request(3);
    await probe.expectNextN([1, 1, 2]);
    await probe.expectNoMessageWhenIdle();
    probe.request(1);
    await probe.expectNext(2);
    await probe.expectComplete();
  });

  it('step 4: TimedGate runs on the materializer scheduler (virtual time here)', async () => {
    const scheduler = new VirtualScheduler();
    const mat = new Materializer({ scheduler });
    const [up, down] = Flow.fromGraph(new TimedGate<string>(100)).runWith(TestSource.probe<string>(), TestSink.probe<string>(), mat);
    down.request(10);
    up.sendNext('a').sendNext('b');
    await down.expectNext('a');
    await down.expectNoMessageWhenIdle(); // 'b' fell into the silence
    await scheduler.advance(100);
    up.sendNext('c');
    await down.expectNext('c');
    up.sendComplete();
    await down.expectComplete();
    expect(scheduler.pendingTimers).toBe(0); // timers die with the stage
  });

  it('step 5: a materialized Valve lets elements through from outside', async () => {
    const [valve, all] = Source.range(1, 5)
      .viaMat(new ValveStage<number>(), (_, v) => v)
      .toMat(Sink.seq(), (v, s) => [v, s] as const)
      .run();
    valve.open(2);
    await new Promise((r) => setTimeout(r, 10));
    valve.open(3);
    expect(await all).toEqual([1, 2, 3, 4, 5]);
  });

  it('names: errors from illegal use name the stage and the port', async () => {
    class PushTwice extends GraphStage<SourceShape<number>> {
      readonly out = new Outlet<number>('PushTwice.out');
      readonly shape = new SourceShape(this.out);
      createLogic(): GraphStageLogic {
        const out = this.out;
        return new (class extends GraphStageLogic {
          constructor(shape: SourceShape<number>) {
            super(shape);
            this.setHandler(out, {
              onPull: () => {
                this.push(out, 1);
                this.push(out, 2);
              },
            });
          }
        })(this.shape);
      }
    }
    const err = await Source.fromGraph(new PushTwice())
      .withAttributes(Attributes.name('doubler'))
      .runWith(Sink.seq())
      .catch((e: Error) => e);
    expect((err as Error).message).toBe('Cannot push port doubler.PushTwice.out twice, or before it being pulled');
  });

  it('checking arguments: the constructor refuses a bad argument with a message naming it', () => {
    class EveryNth<T> extends GraphStage<FlowShape<T, T>> {
      readonly in = new Inlet<T>('EveryNth.in');
      readonly out = new Outlet<T>('EveryNth.out');
      readonly shape = new FlowShape(this.in, this.out);
      constructor(
        readonly n: number,
        readonly onDropped: (x: T) => void,
      ) {
        super();
        requirePositiveInt('everyNth', 'n', n);
        requireFunction('everyNth', 'onDropped', onDropped);
      }
      createLogic(): GraphStageLogic {
        throw new Error('not shown');
      }
    }
    expect(() => new EveryNth<number>(0, () => {})).toThrow(new RangeError('everyNth: n must be a positive integer, got 0'));
    expect(() => new EveryNth<number>(2, null as never)).toThrow(new TypeError('everyNth: onDropped must be a function, got null'));
    expect(new EveryNth<number>(2, () => {}).n).toBe(2);
  });
});
