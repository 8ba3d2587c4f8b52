/**
 * Shared machinery for the property suite (DESIGN.md, "Testing layers" item 3):
 *
 * - `runUnderDemand`: runs a source into a `TestSink.probe` on a fresh `Materializer`, requests random
 *   batches until the stream terminates, and checks the per-run invariants (demand never exceeded,
 *   exactly one terminal signal, nothing after it, every island stopped).
 * - `spy()`: a pass-through stage that counts preStart/postStop and records any push that had no pull.
 * - `place()`: applies an operator directly (so it may fuse), inside a `Flow` segment, or inside an
 *   async `Flow` segment with a random input buffer.
 * - Input sources: arrays, generic iterables, ranges and randomly chunked inputs.
 */

import {
  Attributes,
  Flow,
  type FlowF,
  type FlowOps,
  type HKT,
  Keep,
  type Kind,
  Materializer,
  type NotUsed,
  type Sink,
  Source,
  type SourceF,
} from '@tributary/core';
import { FlowShape, GraphStage, GraphStageLogic, type InHandler, Inlet, type OutHandler, Outlet } from '@tributary/core/stage';
import { flushStreams, type SubscriberEvent, TestSink, type TestSubscriberProbe } from '@tributary/testkit';
import fc from 'fast-check';
import { rangeOracle } from './oracles.js';

// ───────────────────────────── fast-check settings ─────────────────────────────

/**
 * Runs per property: moderate by default, so the whole suite stays well under a minute on 2 cores.
 * `TRIBUTARY_PROPERTY_SCALE=20` multiplies every property's runs for a deeper search.
 */
const SCALE = Number(process.env['TRIBUTARY_PROPERTY_SCALE'] ?? '1') || 1;
export function runs(n: number): number {
  return Math.max(1, Math.round(n * SCALE));
}
export const RUNS = runs(60);
/** Vitest timeout for one property: generous, so that a failing property has time to shrink. */
export const PROPERTY_TIMEOUT = 120_000;
/** How long a probe waits for a signal before the run counts as hung (a hang detector, not a timing assertion). */
export const HANG_MS = 3_000;

/** Gives a generated value a readable form in fast-check's counterexample reports. */
export function labelled<T extends object>(value: T, label: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => label, enumerable: false, configurable: true });
  Object.defineProperty(value, 'toString', { value: () => label, enumerable: false, configurable: true });
  return value;
}

// ───────────────────────────── materializers and islands ─────────────────────────────

/** Interpreter work chunking: events per island batch, and events before the event loop gets a turn. */
export interface InterpreterSettings {
  readonly syncProcessingLimit?: number;
  readonly yieldAfterEvents?: number;
}

/**
 * Random interpreter chunking: mostly the defaults, otherwise tiny batches and frequent yields, so that
 * even short streams cross batch boundaries and executor turns at every possible point.
 */
export const interpreterSettingsArb: fc.Arbitrary<InterpreterSettings> = fc.oneof(
  { arbitrary: fc.constant(null).map(() => labelled<InterpreterSettings>({}, 'default settings')), weight: 2 },
  {
    arbitrary: fc
      .record({ syncProcessingLimit: fc.constantFrom(1, 2, 3, 7, 64), yieldAfterEvents: fc.constantFrom(1, 2, 5, 100, 10_000) })
      .map((st) => labelled<InterpreterSettings>(st, `{ syncProcessingLimit: ${st.syncProcessingLimit}, yieldAfterEvents: ${st.yieldAfterEvents} }`)),
    weight: 3,
  },
);

/** A fresh materializer per run (failures are asserted by the tests, not logged). */
export function newMaterializer(settings: InterpreterSettings = {}): Materializer {
  return new Materializer({ ...settings, logger: null });
}

/**
 * Event-loop turns granted for work that must happen without further input (islands stopping, a
 * completion arriving). With `yieldAfterEvents: 1` an island may progress by one batch per turn, so the
 * bound is generous; it is only used up when the expected thing never happens. No wall-clock time is involved.
 */
export const MAX_TURNS = 1_000;

/**
 * After a stream terminated, every island must stop (each stage's postStop ran). Cancellation and
 * completion may still be travelling between islands, so the event loop gets a bounded number of turns.
 */
export async function expectAllIslandsStopped(mat: Materializer, what = 'the stream terminated'): Promise<void> {
  for (let turn = 0; turn < MAX_TURNS && mat.runningIslands > 0; turn++) await flushStreams(1);
  if (mat.runningIslands !== 0) {
    throw new Error(`${mat.runningIslands} island(s) still running after ${what} (some stage's postStop never ran)`);
  }
}

// ───────────────────────────── random demand ─────────────────────────────

/** One request: a batch of 1..5, sometimes unbounded. */
export const demandArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 8 },
  { arbitrary: fc.constant(Infinity), weight: 1 },
);

/** A demand schedule, cycled until the stream terminates. */
export const scheduleArb: fc.Arbitrary<number[]> = fc.array(demandArb, { minLength: 1, maxLength: 10 });

export type Terminal = { readonly kind: 'complete' } | { readonly kind: 'error'; readonly error: unknown };

export interface DemandOutcome<T> {
  readonly elements: T[];
  readonly terminal: Terminal;
  /** The batches actually requested, in order. */
  readonly requests: number[];
}

/** The next signal of a subscriber probe, whatever its kind (waits at most HANG_MS). */
export function nextSignal<T>(probe: TestSubscriberProbe<T>): Promise<SubscriberEvent<T>> {
  return probe._events.next(HANG_MS, 'an element, completion or failure');
}

/** Signals already received by a subscriber probe (no waiting). */
export async function drainSignals<T>(probe: TestSubscriberProbe<T>): Promise<SubscriberEvent<T>[]> {
  const out: SubscriberEvent<T>[] = [];
  while (probe._events.size > 0) out.push(await probe._events.next(HANG_MS, 'a queued signal'));
  return out;
}

export interface DemandRunOptions {
  /** Puts the probe sink behind an async boundary with this input buffer. */
  readonly asyncSinkBuffer?: number | undefined;
  /** Interpreter chunking of the run's materializer. */
  readonly settings?: InterpreterSettings | undefined;
}

const MaxRequests = 20_000;

/**
 * Runs `source` into a TestSink probe on a fresh materializer and requests the batches of `schedule`
 * (cycled) until the stream terminates. Checks, for every run:
 * - the number of elements received never exceeds the total requested so far (after every signal);
 * - exactly one terminal signal arrives, and nothing arrives after it;
 * - every island stops once the stream terminated.
 */
export async function runUnderDemand<T>(
  source: Source<T, unknown>,
  schedule: readonly number[],
  options: DemandRunOptions = {},
): Promise<DemandOutcome<T> & { readonly materializer: Materializer }> {
  if (schedule.length === 0) throw new Error('runUnderDemand: empty demand schedule');
  const mat = newMaterializer(options.settings);
  try {
    let sink: Sink<T, TestSubscriberProbe<T>> = TestSink.probe<T>({ timeoutMs: HANG_MS });
    const k = options.asyncSinkBuffer;
    if (k !== undefined) sink = sink.async().withAttributes(Attributes.inputBuffer(k, k));
    const probe = source.toMat(sink, Keep.right).run(mat);

    const elements: T[] = [];
    const requests: number[] = [];
    let requested = 0;
    let terminal: Terminal | undefined;
    for (let i = 0; terminal === undefined; i++) {
      if (i >= MaxRequests) throw new Error(`no termination after ${MaxRequests} requests (${elements.length} elements received)`);
      const n = schedule[i % schedule.length]!;
      probe.request(n);
      requests.push(n);
      requested += n;
      while (terminal === undefined && elements.length < requested) {
        const e = await nextSignal(probe);
        if (e.kind === 'next') {
          elements.push(e.value);
          if (elements.length > requested) throw new Error(`demand exceeded: ${elements.length} elements received, ${requested} requested`);
        } else {
          terminal = e.kind === 'complete' ? { kind: 'complete' } : { kind: 'error', error: e.error };
        }
      }
    }
    await expectAllIslandsStopped(mat);
    const late = await drainSignals(probe);
    if (late.length > 0) throw new Error(`signals after termination: ${late.map((e) => e.kind).join(', ')}`);
    return { elements, terminal, requests, materializer: mat };
  } finally {
    mat.shutdown();
  }
}

/** The terminal signal as a short string for equality checks with readable diffs. */
export function describeTerminal(t: Terminal): string {
  if (t.kind === 'complete') return 'complete';
  const e = t.error;
  return `error ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

// ───────────────────────────── spy stage ─────────────────────────────

export interface SpyStats {
  preStarts: number;
  postStops: number;
  /** onPull calls from downstream. */
  downstreamPulls: number;
  /** pulls this stage made upstream. */
  upstreamPulls: number;
  /** onPush calls from upstream. */
  upstreamPushes: number;
  /** pushes this stage made downstream. */
  downstreamPushes: number;
  /** How the stage was ended (at most one entry expected). */
  readonly endedBy: ('upstreamFinish' | 'upstreamFailure' | 'downstreamFinish')[];
  failure: unknown;
  cancelCause: unknown;
  /** Protocol violations seen (push without pull, events outside preStart..postStop, …). */
  readonly violations: string[];
}

class SpyStage<T> extends GraphStage<FlowShape<T, T>> {
  readonly in = new Inlet<T>('Spy.in');
  readonly out = new Outlet<T>('Spy.out');
  readonly shape = new FlowShape(this.in, this.out);
  constructor(readonly stats: SpyStats) {
    super();
  }
  override get defaultName(): string {
    return 'spy';
  }
  createLogic(): GraphStageLogic {
    return new SpyLogic(this);
  }
}

class SpyLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  private started = false;
  private stopped = false;
  private readonly s: SpyStats;
  constructor(private readonly stage: SpyStage<T>) {
    super(stage.shape);
    this.s = stage.stats;
    this.setHandlers(stage.in, stage.out, this);
  }
  private live(what: string): void {
    if (!this.started) this.s.violations.push(`${what} before preStart`);
    if (this.stopped) this.s.violations.push(`${what} after postStop`);
  }
  override preStart(): void {
    this.s.preStarts++;
    this.started = true;
  }
  onPull(): void {
    this.live('onPull');
    const s = this.s;
    s.downstreamPulls++;
    if (s.downstreamPulls - s.downstreamPushes !== 1) s.violations.push(`downstream pulled again before receiving an element (pull #${s.downstreamPulls})`);
    this.pull(this.stage.in);
    s.upstreamPulls++;
  }
  onPush(): void {
    this.live('onPush');
    const s = this.s;
    s.upstreamPushes++;
    if (s.upstreamPushes > s.upstreamPulls) s.violations.push(`upstream pushed element #${s.upstreamPushes} without a pull (${s.upstreamPulls} pulls)`);
    const x = this.grab(this.stage.in);
    if (!this.isAvailable(this.stage.out)) s.violations.push('element arrived while downstream had not pulled');
    this.push(this.stage.out, x);
    s.downstreamPushes++;
  }
  onUpstreamFinish(): void {
    this.live('onUpstreamFinish');
    this.s.endedBy.push('upstreamFinish');
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.live('onUpstreamFailure');
    this.s.endedBy.push('upstreamFailure');
    this.s.failure = error;
    this.failStage(error);
  }
  onDownstreamFinish(cause: unknown): void {
    this.live('onDownstreamFinish');
    this.s.endedBy.push('downstreamFinish');
    this.s.cancelCause = cause;
    this.cancelStage(cause);
  }
  override postStop(): void {
    this.s.postStops++;
    if (!this.started) this.s.violations.push('postStop without preStart');
    this.stopped = true;
  }
}

export interface Spy<T> {
  readonly flow: Flow<T, T>;
  readonly stats: SpyStats;
}

/** A fresh pass-through spy (one per run: its counters belong to that run). */
export function spy<T>(): Spy<T> {
  const stats: SpyStats = {
    preStarts: 0,
    postStops: 0,
    downstreamPulls: 0,
    upstreamPulls: 0,
    upstreamPushes: 0,
    downstreamPushes: 0,
    endedBy: [],
    failure: undefined,
    cancelCause: undefined,
    violations: [],
  };
  return { flow: Flow.fromGraph(new SpyStage<T>(stats)), stats };
}

/**
 * The spy started once, stopped once (postStop exactly once), was ended by exactly one signal
 * (completion, failure or cancellation) — or by none if the stream may have been aborted — and saw no
 * protocol violation.
 */
export function checkSpy(stats: SpyStats, where = 'spy', options: { readonly mayBeAborted?: boolean } = {}): void {
  const problems: string[] = [...stats.violations];
  if (stats.preStarts !== 1) problems.push(`preStart ran ${stats.preStarts} times`);
  if (stats.postStops !== 1) problems.push(`postStop ran ${stats.postStops} times`);
  const maxSignals = 1;
  const minSignals = options.mayBeAborted === true ? 0 : 1;
  if (stats.endedBy.length < minSignals || stats.endedBy.length > maxSignals)
    problems.push(`expected to be ended by exactly one signal, got [${stats.endedBy.join(', ')}]`);
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
}

// ───────────────────────────── placing operators ─────────────────────────────

/** An operator (or short operator chain) written once for Source and Flow. */
export type StageFn<A, B> = <F extends HKT>(s: FlowOps<A, F>) => Kind<F, B>;

/** Views the result of an operator as FlowOps again, to chain a second operator in a StageFn. */
export function ops<T, F extends HKT>(k: Kind<F, T>): FlowOps<T, F> {
  return k as unknown as FlowOps<T, F>;
}

export type BufferSize = 1 | 2 | 4 | 16;
export const bufferArb: fc.Arbitrary<BufferSize> = fc.constantFrom<BufferSize>(1, 2, 4, 16);

/**
 * Where an operator goes: `direct` on the source (map/filter/collect may then fuse into it), in its own
 * `Flow` segment (never fused), or in an async `Flow` segment (its own island, with input buffer k).
 */
export type Placement = { readonly mode: 'direct' } | { readonly mode: 'flow' } | { readonly mode: 'async'; readonly buffer: BufferSize };

export const placementArb: fc.Arbitrary<Placement> = fc.oneof(
  fc.constant('direct' as const).map((mode): Placement => labelled({ mode }, mode)),
  fc.constant('flow' as const).map((mode): Placement => labelled({ mode }, mode)),
  bufferArb.map((buffer): Placement => labelled({ mode: 'async', buffer }, `async(inputBuffer ${buffer})`)),
);

export function segment<A, B>(p: Placement, f: StageFn<A, B>): Flow<A, B> {
  const flow: Flow<A, B> = f<FlowF<A, NotUsed>>(Flow.create<A>());
  return p.mode === 'async' ? flow.async().withAttributes(Attributes.inputBuffer(p.buffer, p.buffer)) : flow;
}

export function place<A, B, M>(src: Source<A, M>, p: Placement, f: StageFn<A, B>): Source<B, M> {
  return p.mode === 'direct' ? f<SourceF<M>>(src) : src.via(segment(p, f));
}

// ───────────────────────────── inputs ─────────────────────────────

export const valueArb: fc.Arbitrary<number> = fc.integer({ min: -20, max: 20 });
/** Arrays up to 50 elements: fast-check's default small-size bias, mixed with lengths spread up to the maximum. */
export const xsArb: fc.Arbitrary<number[]> = fc.oneof(fc.array(valueArb, { maxLength: 50 }), fc.array(valueArb, { maxLength: 50, size: 'max' }));

/** A finite input: the elements it emits, and a fresh blueprint emitting them. */
export interface Input {
  readonly xs: readonly number[];
  readonly source: () => Source<number>;
}

function input(xs: readonly number[], label: string, source: () => Source<number>): Input {
  return labelled({ xs, source }, label);
}

/** Splits xs into consecutive chunks with the given sizes (0 = an empty chunk); the rest is one last chunk. */
export function chunk(xs: readonly number[], sizes: readonly number[]): number[][] {
  const out: number[][] = [];
  let i = 0;
  for (const n of sizes) {
    if (i >= xs.length) break;
    out.push(xs.slice(i, i + n));
    i += n;
  }
  if (i < xs.length) out.push(xs.slice(i));
  return out;
}

/**
 * Random inputs: `Source.from(array)` (a fusion host), `Source.from(iterable)` (through an iterator),
 * `Source.range` (a fusion host), a randomly chunked input flattened with mapConcat, and an array
 * source in its own island.
 */
export const inputArb: fc.Arbitrary<Input> = fc.oneof(
  xsArb.map((xs) => input(xs, `Source.from(${JSON.stringify(xs)})`, () => Source.from(xs))),
  xsArb.map((xs) =>
    input(xs, `Source.from(iterable ${JSON.stringify(xs)})`, () =>
      Source.from({
        *[Symbol.iterator]() {
          yield* xs;
        },
      }),
    ),
  ),
  fc.tuple(fc.integer({ min: -10, max: 10 }), fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 50 }))).map(([start, len]) => {
    const xs = rangeOracle(start, start + len - 1);
    return input(xs, `Source.range(${start}, ${start + len - 1})`, () => Source.range(start, start + len - 1));
  }),
  fc.tuple(xsArb, fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 20 })).map(([xs, sizes]) => {
    const chunks = chunk(xs, sizes);
    return input(xs, `Source.from(${JSON.stringify(chunks)}).mapConcat(c => c)`, () => Source.from(chunks).mapConcat((c) => c));
  }),
  xsArb.map((xs) => input(xs, `Source.from(${JSON.stringify(xs)}).async()`, () => Source.from(xs).async())),
);

/** Where the probe sink sits: in the last island, or behind its own async boundary. */
export const sinkPlacementArb: fc.Arbitrary<number | undefined> = fc.option(bufferArb, { nil: undefined, freq: 4 });
