/**
 * Failure handling under random conditions. A random pipeline — a source that may fail, then a random
 * line of stages that may fail (map, mapWithResource), hold timers (a timer pass-through), own resources
 * (unfoldResource/unfoldResourceAsync sources, mapWithResource), spies and async boundaries with random
 * buffers, optionally ending in `recover` — runs under random demand in virtual time. Laws:
 *
 * - every stream terminates (no hang);
 * - elements arrive in order and never beyond demand;
 * - the stream fails with the *first* error in stream order: the error of the most upstream stage among
 *   those failing at the earliest element (all elements before it arrive); the completion promise
 *   (`watchTermination`) rejects with that very object; with `recover` at the end, the recovery element
 *   follows instead and the stream completes;
 * - every stage's preStart and postStop run exactly once;
 * - afterwards no timer is pending on the scheduler, no island runs, and every resource opened was
 *   closed exactly once.
 */

import { Flow, Keep, Materializer, Source } from '@tributary/core';
import { FlowShape, GraphStage, type GraphStageLogic, type InHandler, Inlet, type OutHandler, Outlet, TimerGraphStageLogic } from '@tributary/core/stage';
import { type SubscriberEvent, TestSink, VirtualScheduler } from '@tributary/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferArb, checkSpy, labelled, PROPERTY_TIMEOUT, RUNS, type SpyStats, scheduleArb, spy } from './harness.js';

// ───────────────────────────── resources and lifecycle bookkeeping ─────────────────────────────

class Registry {
  readonly open = new Set<object>();
  readonly problems: string[] = [];
  acquire(): object {
    const r = {};
    this.open.add(r);
    return r;
  }
  release(r: object): void {
    if (!this.open.delete(r)) this.problems.push('a resource was closed twice (or never opened)');
  }
}

interface Lifecycle {
  preStarts: number;
  postStops: number;
}

/**
 * Passes each element on after a virtual-time delay (a timer is pending while it holds an element). On
 * upstream failure it either emits the element it holds first (`keeps`), or fails at once and drops it
 * (as buffering operators do: a failure overtakes what a stage holds).
 */
class TimerPass extends GraphStage<FlowShape<number, number>> {
  readonly in = new Inlet<number>('TimerPass.in');
  readonly out = new Outlet<number>('TimerPass.out');
  readonly shape = new FlowShape(this.in, this.out);
  constructor(
    readonly delayMs: number,
    readonly keeps: boolean,
    readonly life: Lifecycle,
  ) {
    super();
  }
  override get defaultName(): string {
    return 'timerPass';
  }
  createLogic(): GraphStageLogic {
    const { in: inlet, out, delayMs, keeps, life } = this;
    return new (class extends TimerGraphStageLogic implements InHandler, OutHandler {
      private held: number | undefined = undefined;
      private finishing = false;
      private failure: { error: unknown } | null = null;
      constructor(shape: FlowShape<number, number>) {
        super(shape);
        this.setHandlers(inlet, out, this);
      }
      override preStart(): void {
        life.preStarts++;
      }
      override postStop(): void {
        life.postStops++;
      }
      onPush(): void {
        this.held = this.grab(inlet);
        this.scheduleOnce('emit', delayMs);
      }
      onPull(): void {
        this.pull(inlet);
      }
      onUpstreamFinish(): void {
        if (this.held === undefined) this.completeStage();
        else this.finishing = true;
      }
      onUpstreamFailure(error: unknown): void {
        if (this.held === undefined || !keeps) this.failStage(error);
        else this.failure = { error };
      }
      protected onTimer(): void {
        const x = this.held!;
        this.held = undefined;
        this.push(out, x);
        if (this.failure !== null) this.failStage(this.failure.error);
        else if (this.finishing) this.completeStage();
      }
    })(this.shape);
  }
}

// ───────────────────────────── the model ─────────────────────────────

type SourceKind = 'range' | 'unfoldResource' | 'unfoldResourceAsync';
type StageSpec =
  | { readonly kind: 'map'; readonly failAt: number | null }
  | { readonly kind: 'mapWithResource'; readonly failAt: number | null }
  | { readonly kind: 'timer'; readonly delay: number; readonly keeps: boolean }
  | { readonly kind: 'async'; readonly buffer: number }
  | { readonly kind: 'spy' };

interface Scenario {
  readonly length: number;
  readonly source: { readonly kind: SourceKind; readonly failAt: number | null };
  readonly stages: readonly StageSpec[];
  readonly recover: boolean;
  readonly schedule: number[];
}

const failAtArb = fc.option(fc.integer({ min: 0, max: 25 }), { nil: null, freq: 2 });

const stageArb: fc.Arbitrary<StageSpec> = fc.oneof(
  failAtArb.map((failAt): StageSpec => ({ kind: 'map', failAt })),
  failAtArb.map((failAt): StageSpec => ({ kind: 'mapWithResource', failAt })),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()).map(([delay, keeps]): StageSpec => ({ kind: 'timer', delay, keeps })),
  bufferArb.map((buffer): StageSpec => ({ kind: 'async', buffer })),
  fc.constant<StageSpec>({ kind: 'spy' }),
);

function describeStage(s: StageSpec): string {
  switch (s.kind) {
    case 'map':
    case 'mapWithResource':
      return `${s.kind}(${s.failAt === null ? 'never fails' : `fails at ${s.failAt}`})`;
    case 'timer':
      return `timer(${s.delay} ms, ${s.keeps ? 'keeps its element on failure' : 'drops its element on failure'})`;
    case 'async':
      return `async(buffer ${s.buffer})`;
    case 'spy':
      return 'spy';
  }
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    length: fc.integer({ min: 0, max: 25 }),
    source: fc.record({ kind: fc.constantFrom<SourceKind>('range', 'unfoldResource', 'unfoldResourceAsync'), failAt: failAtArb }),
    stages: fc.array(stageArb, { maxLength: 7 }),
    recover: fc.boolean(),
    schedule: scheduleArb,
  })
  .map((s) =>
    labelled(
      s,
      `${s.source.kind}(0..${s.length - 1}${s.source.failAt === null ? '' : `, fails at ${s.source.failAt}`}) → ${s.stages.map(describeStage).join(' → ') || '∅'}${s.recover ? ' → recover' : ''}; demand ${JSON.stringify(s.schedule)}`,
    ),
  );

interface Built {
  readonly source: Source<number>;
  readonly errors: Map<number, Error>;
  readonly spies: SpyStats[];
  readonly lives: Lifecycle[];
  readonly registry: Registry;
  /** Errors actually thrown in this run, in the order they were thrown. */
  readonly thrown: Error[];
}

/** Builds the pipeline; stage i (the source is 0) fails with `errors.get(i)` when it sees element `failAt`. */
function build(sc: Scenario): Built {
  const registry = new Registry();
  const thrown: Error[] = [];
  const raise = (e: Error): never => {
    thrown.push(e);
    throw e;
  };
  const errors = new Map<number, Error>();
  const spies: SpyStats[] = [];
  const lives: Lifecycle[] = [];
  const n = sc.length;
  const sourceError = new Error('source failed');
  errors.set(0, sourceError);
  const readAt = (r: { pos: number }): number | undefined => {
    if (r.pos === sc.source.failAt && r.pos < n) raise(sourceError);
    return r.pos < n ? r.pos++ : undefined;
  };
  let source: Source<number>;
  switch (sc.source.kind) {
    case 'range':
      source = Source.range(0, n - 1).map((x) => {
        if (x === sc.source.failAt) raise(sourceError);
        return x;
      });
      break;
    case 'unfoldResource':
      source = Source.unfoldResource(
        () => Object.assign(registry.acquire(), { pos: 0 }),
        readAt,
        (r) => registry.release(r),
      );
      break;
    case 'unfoldResourceAsync':
      source = Source.unfoldResourceAsync(
        async () => Object.assign(registry.acquire(), { pos: 0 }),
        async (r) => readAt(r),
        async (r) => registry.release(r),
      );
      break;
  }
  sc.stages.forEach((st, i) => {
    const index = i + 1;
    const e = new Error(`stage ${index} (${describeStage(st)}) failed`);
    errors.set(index, e);
    switch (st.kind) {
      case 'map':
        source = source.via(
          Flow.create<number>().map((x) => {
            if (x === st.failAt) raise(e);
            return x;
          }),
        );
        break;
      case 'mapWithResource':
        source = source.via(
          Flow.create<number>().mapWithResource(
            () => registry.acquire(),
            (_r, x) => {
              if (x === st.failAt) raise(e);
              return x;
            },
            (r) => {
              registry.release(r);
              return undefined;
            },
          ),
        );
        break;
      case 'timer': {
        const life: Lifecycle = { preStarts: 0, postStops: 0 };
        lives.push(life);
        source = source.via(new TimerPass(st.delay, st.keeps, life));
        break;
      }
      case 'async':
        source = source.async();
        break;
      case 'spy': {
        const s = spy<number>();
        spies.push(s.stats);
        source = source.via(s.flow);
        break;
      }
    }
  });
  return { source, errors, spies, lives, registry, thrown };
}

/** The model's outcome: the elements that arrive, then the first error in stream order (or completion). */
function expected(sc: Scenario, errors: Map<number, Error>): { elements: number[]; error: Error | null } {
  const failAts: (number | null)[] = [sc.source.failAt, ...sc.stages.map((s) => (s.kind === 'map' || s.kind === 'mapWithResource' ? s.failAt : null))];
  let first = sc.length;
  let who = -1;
  failAts.forEach((k, i) => {
    if (k !== null && k < first) {
      first = k;
      who = i; // strict <: among equal, the most upstream wins
    }
  });
  return { elements: Array.from({ length: first }, (_, i) => i), error: who < 0 ? null : errors.get(who)! };
}

const RecoveryElement = -1;
const MaxSteps = 20_000;

async function run(sc: Scenario): Promise<void> {
  const scheduler = new VirtualScheduler();
  const mat = new Materializer({ scheduler, logger: null });
  try {
    const b = build(sc);
    let src: Source<number> = b.source;
    if (sc.recover) src = src.recover(() => RecoveryElement);
    const [done, probe] = src
      .watchTermination(Keep.right)
      .toMat(TestSink.probe<number>({ timeoutMs: 1000 }), Keep.both)
      .run(mat);
    let doneOutcome: { ok: boolean; error?: unknown } | undefined;
    done.then(
      () => (doneOutcome = { ok: true }),
      (error: unknown) => (doneOutcome = { ok: false, error }),
    );

    const elements: number[] = [];
    let terminal: SubscriberEvent<number> | undefined;
    let requested = 0;
    let steps = 0;
    for (let i = 0; terminal === undefined; i++) {
      const n = sc.schedule[i % sc.schedule.length]!;
      probe.request(n);
      requested += n;
      while (terminal === undefined && elements.length < requested) {
        if (probe._events.size === 0) {
          if (++steps > MaxSteps) throw new Error(`no termination after ${MaxSteps} ms of virtual time (${elements.length} elements received)`);
          await scheduler.advance(1);
          continue;
        }
        const e = await probe._events.next(1000, 'a signal');
        if (e.kind === 'next') {
          elements.push(e.value);
          if (elements.length > requested) throw new Error(`demand exceeded: ${elements.length} elements, ${requested} requested`);
        } else {
          terminal = e;
        }
      }
    }
    for (let turn = 0; turn < 100 && (mat.runningIslands > 0 || doneOutcome === undefined); turn++) await scheduler.advance(1);

    const model = expected(sc, b.errors);
    const overtaking = sc.stages.some((st) => st.kind === 'timer' && !st.keeps);
    if (overtaking) {
      // A stage that drops what it holds when a failure arrives lets that failure overtake elements: the
      // elements are then a prefix of the model's, and the error is one that a stage actually threw.
      const got = sc.recover && terminal.kind === 'complete' && b.thrown.length > 0 ? elements.slice(0, -1) : elements;
      expect(model.elements.slice(0, got.length)).toEqual(got);
      if (b.thrown.length === 0) {
        expect(model.error).toBeNull();
        expect(elements).toEqual(model.elements);
        expect(terminal.kind).toBe('complete');
      } else if (sc.recover) {
        expect(elements[elements.length - 1]).toBe(RecoveryElement);
        expect(terminal.kind).toBe('complete');
      } else {
        expect(terminal.kind).toBe('error');
        if (terminal.kind === 'error') {
          expect(b.thrown).toContain(terminal.error);
          expect(doneOutcome).toEqual({ ok: false, error: terminal.error });
        }
      }
    } else if (sc.recover && model.error !== null) {
      expect(elements).toEqual([...model.elements, RecoveryElement]);
      expect(terminal.kind).toBe('complete');
      expect(doneOutcome).toEqual({ ok: true });
    } else {
      expect(elements).toEqual(model.elements);
      if (model.error === null) {
        expect(terminal.kind).toBe('complete');
        expect(doneOutcome).toEqual({ ok: true });
      } else {
        expect(terminal.kind).toBe('error');
        if (terminal.kind === 'error') expect(terminal.error).toBe(model.error);
        expect(doneOutcome?.ok).toBe(false);
        expect(doneOutcome?.error).toBe(model.error);
      }
    }
    expect(probe._events.size, 'signals after termination').toBe(0);
    expect(mat.runningIslands, 'islands still running').toBe(0);
    expect(scheduler.pendingTimers, 'timers still pending').toBe(0);
    expect(b.registry.problems).toEqual([]);
    expect(b.registry.open.size, 'resources left open').toBe(0);
    b.spies.forEach((s, i) => checkSpy(s, `spy #${i + 1}`));
    for (const life of b.lives) expect([life.preStarts, life.postStops], 'timer stage preStart/postStop').toEqual([1, 1]);
  } finally {
    mat.shutdown();
  }
}

describe('failures at random points under random demand', () => {
  it(
    'every stream terminates with the first error in stream order (or the recovery), postStop runs once everywhere, and no timer, island or resource is left behind',
    () => fc.assert(fc.asyncProperty(scenarioArb, run), { numRuns: 4 * RUNS }),
    PROPERTY_TIMEOUT,
  );

  it('the model picks the most upstream stage among those failing at the earliest element', () => {
    const sc: Scenario = {
      length: 10,
      source: { kind: 'range', failAt: 7 },
      stages: [{ kind: 'map', failAt: 5 }, { kind: 'spy' }, { kind: 'mapWithResource', failAt: 3 }, { kind: 'map', failAt: 3 }],
      recover: false,
      schedule: [1],
    };
    const errors = new Map<number, Error>([0, 1, 2, 3, 4].map((i) => [i, new Error(String(i))]));
    expect(expected(sc, errors)).toEqual({ elements: [0, 1, 2], error: errors.get(3) });
  });
});
