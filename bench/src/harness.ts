/**
 * A tiny side-by-side benchmark harness.
 *
 * - Every contender of a scenario runs in interleaved rounds (round-robin, the starting contender rotates
 *   each round), so machine noise — a busy neighbour, thermal throttling, a GC storm — hits all alike.
 * - `warmup` rounds are run and discarded, then `runs` measured rounds; the reported figure is the median.
 *   A contender whose last warmup run took long gets fewer measured runs (at least 3): it stops once
 *   `runs × warmup time` would exceed `budgetMs`, which keeps a whole run of the suite short even
 *   though some peers are 100× slower than others. For the same reason a contender stops warming up
 *   after a warmup run of at least {@link WARMUP_ENOUGH_MS} (it has been hot in the JIT for most of it).
 * - The heap is collected (when a `gc` function is available) before every run, outside the timing.
 * - Every run's result is compared with the baseline's result: a benchmark that computes the wrong
 *   thing is a bug, so any mismatch throws.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { inspect, isDeepStrictEqual } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';

export interface Contender {
  /** Short, unique within its scenario, e.g. `rxjs` or `node-streams`. */
  readonly name: string;
  /** One-line note on how it is built (printed under the table, stored in the JSON). */
  readonly note?: string;
  /** Untimed, before every run (warmups included). */
  readonly setup?: () => void | Promise<void>;
  /** The timed part: do the whole job and return its result (compared with the baseline's). */
  readonly run: () => unknown;
  /** Untimed, after every run. */
  readonly teardown?: () => void | Promise<void>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Elements that flow through the pipeline per run (for elements/s). */
  readonly elements: number;
  /** Name of the contender whose result is the truth and that the `× loop` column divides by. Default `loop`. */
  readonly baseline?: string;
  /** Name of the contender the `× trib` column divides by. Default `tributary`. */
  readonly subject?: string;
  /** Also record the peak heapUsed above the post-GC level during each run (see {@link sampleHeap}). */
  readonly measureHeap?: boolean;
  readonly contenders: readonly Contender[];
  /** Figures the timing table does not show (latency percentiles, say), printed after it. */
  readonly report?: () => string;
}

export interface HarnessOptions {
  readonly warmup: number;
  readonly runs: number;
  /** A single run taking longer than this fails the scenario (a hung stream must not hang the bench). */
  readonly timeoutMs: number;
  /**
   * Measured time per contender per scenario the harness aims for: a contender gets
   * `clamp(floor(budgetMs / last warmup ms), MIN_RUNS, runs)` measured runs. 0 disables the cap.
   */
  readonly budgetMs: number;
  /** Collect the heap before every run (when a `gc` function can be had). */
  readonly gc: boolean;
}

/** The fewest measured runs any contender gets (unless `runs` itself is smaller). */
export const MIN_RUNS = 3;
/** A warmup run at least this long is warmup enough: the contender skips its remaining warmup rounds. */
export const WARMUP_ENOUGH_MS = 1000;

export interface ContenderResult {
  readonly contender: string;
  readonly note?: string;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly samplesMs: readonly number[];
  readonly elementsPerSec: number;
  /** baseline median / this median: the baseline is 1.00, slower contenders are < 1. */
  readonly vsBaseline: number;
  /** subject (Tributary) median / this median: Tributary is 1.00, faster contenders are > 1. */
  readonly vsSubject: number | null;
  /** Median over the measured runs of the peak heapUsed above the post-GC level, in bytes. */
  readonly peakHeapBytes?: number;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly description: string;
  readonly elements: number;
  readonly baseline: string;
  readonly subject: string | null;
  readonly result: unknown;
  readonly contenders: readonly ContenderResult[];
}

export interface MachineInfo {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly availableParallelism: number;
  readonly totalMemGiB: number;
  readonly gc: 'exposed' | 'enabled-at-runtime' | 'unavailable';
}

// ---------------------------------------------------------------------------------------------------
// Options and machine info

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * `BENCH_RUNS` (default 7), `BENCH_WARMUP` (2), `BENCH_BUDGET_MS` (10000, 0 = no cap),
 * `BENCH_TIMEOUT_MS` (60000), `BENCH_GC` (1; 0 = no forced GC between runs).
 */
export function optionsFromEnv(): HarnessOptions {
  return {
    runs: intFromEnv('BENCH_RUNS', 7, 1),
    warmup: intFromEnv('BENCH_WARMUP', 2, 0),
    budgetMs: intFromEnv('BENCH_BUDGET_MS', 10_000, 0),
    timeoutMs: intFromEnv('BENCH_TIMEOUT_MS', 60_000, 1),
    gc: intFromEnv('BENCH_GC', 1, 0) !== 0,
  };
}

type GcState = MachineInfo['gc'];

function resolveGc(): { readonly gc: (() => void) | undefined; readonly state: GcState } {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return { gc: exposed as () => void, state: 'exposed' };
  // Not started with --expose-gc: switch the flag on and fetch `gc` from a fresh context.
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn: unknown = vm.runInNewContext('gc');
    if (typeof fn === 'function') return { gc: fn as () => void, state: 'enabled-at-runtime' };
  } catch {
    // fall through
  }
  return { gc: undefined, state: 'unavailable' };
}

const gcInfo = resolveGc();

function collectGarbage(options: HarnessOptions): void {
  if (options.gc && gcInfo.gc !== undefined) {
    gcInfo.gc();
    gcInfo.gc();
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    gc: gcInfo.state,
  };
}

// ---------------------------------------------------------------------------------------------------
// Heap sampling

let heapPeak = -1;

/**
 * Records the current heapUsed if a `measureHeap` run is in progress (no-op otherwise). The harness
 * samples on a 1 ms timer, which only fires when the run yields to the event loop; a contender that
 * runs synchronously for long stretches can call this from its hot path (every N elements) instead.
 */
export function sampleHeap(): void {
  if (heapPeak < 0) return;
  const used = v8.getHeapStatistics().used_heap_size;
  if (used > heapPeak) heapPeak = used;
}

// ---------------------------------------------------------------------------------------------------
// Running

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid]!;
  return (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface RunOutcome {
  readonly ms: number;
  readonly result: unknown;
  readonly peakHeapBytes: number | undefined;
}

/**
 * What a contender's `run` returns when it timed itself — an external program (a JVM, say) whose start-up
 * is no part of what is measured: `ms` is taken as the run's time, `value` as its result.
 */
export class SelfTimed {
  constructor(
    readonly ms: number,
    readonly value: unknown,
  ) {}
}

async function runOnce(scenario: Scenario, contender: Contender, options: HarnessOptions): Promise<RunOutcome> {
  const what = `${scenario.name}/${contender.name}`;
  await contender.setup?.();
  collectGarbage(options);
  let sampler: NodeJS.Timeout | undefined;
  let heapBase = 0;
  if (scenario.measureHeap === true) {
    heapBase = v8.getHeapStatistics().used_heap_size;
    heapPeak = heapBase;
    sampler = setInterval(sampleHeap, 1);
  }
  let ms: number;
  let result: unknown;
  try {
    const start = performance.now();
    result = await withTimeout(
      Promise.resolve().then(() => contender.run()),
      options.timeoutMs,
      what,
    );
    ms = performance.now() - start;
    if (result instanceof SelfTimed) {
      ms = result.ms;
      result = result.value;
    }
  } finally {
    if (sampler !== undefined) {
      sampleHeap();
      clearInterval(sampler);
    }
  }
  const peakHeapBytes = scenario.measureHeap === true ? Math.max(0, heapPeak - heapBase) : undefined;
  heapPeak = -1;
  await contender.teardown?.();
  return { ms, result, peakHeapBytes };
}

function check(scenario: Scenario, contender: Contender, expected: unknown, actual: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${scenario.name}/${contender.name} computed ${inspect(actual)} but the baseline computed ${inspect(expected)}`);
  }
}

/** Runs one scenario and returns its results (does not print). */
export async function runScenario(scenario: Scenario, options: HarnessOptions = optionsFromEnv()): Promise<ScenarioResult> {
  const baselineName = scenario.baseline ?? 'loop';
  const subjectName = scenario.subject ?? 'tributary';
  const names = new Set<string>();
  for (const c of scenario.contenders) {
    if (names.has(c.name)) throw new Error(`${scenario.name}: duplicate contender ${c.name}`);
    names.add(c.name);
  }
  const baseline = scenario.contenders.find((c) => c.name === baselineName);
  if (baseline === undefined) throw new Error(`${scenario.name}: no baseline contender named ${baselineName}`);
  const hasSubject = names.has(subjectName);

  // The truth: one untimed baseline run.
  const expected = (await runOnce(scenario, baseline, options)).result;

  const n = scenario.contenders.length;
  const samples = scenario.contenders.map(() => [] as number[]);
  const heaps = scenario.contenders.map(() => [] as number[]);
  const lastWarmupMs = scenario.contenders.map(() => 0);
  const plannedRuns = scenario.contenders.map(() => options.runs);
  const rounds = options.warmup + options.runs;
  for (let round = 0; round < rounds; round++) {
    const measured = round >= options.warmup;
    if (round === options.warmup && options.warmup > 0 && options.budgetMs > 0) {
      for (let i = 0; i < n; i++) {
        const fit = Math.floor(options.budgetMs / Math.max(lastWarmupMs[i]!, 1e-3));
        plannedRuns[i] = Math.min(options.runs, Math.max(MIN_RUNS, fit));
      }
    }
    for (let k = 0; k < n; k++) {
      const index = (round + k) % n; // rotate who goes first
      if (measured ? samples[index]!.length >= plannedRuns[index]! : lastWarmupMs[index]! >= WARMUP_ENOUGH_MS) continue;
      const contender = scenario.contenders[index]!;
      const outcome = await runOnce(scenario, contender, options);
      check(scenario, contender, expected, outcome.result);
      if (!measured) lastWarmupMs[index] = outcome.ms;
      else {
        samples[index]!.push(outcome.ms);
        if (outcome.peakHeapBytes !== undefined) heaps[index]!.push(outcome.peakHeapBytes);
      }
    }
  }

  const medians = samples.map(median);
  const baselineMs = medians[scenario.contenders.indexOf(baseline)]!;
  const subjectIndex = scenario.contenders.findIndex((c) => c.name === subjectName);
  const subjectMs = subjectIndex >= 0 ? medians[subjectIndex]! : undefined;
  const contenders = scenario.contenders.map((c, i): ContenderResult => {
    const ms = medians[i]!;
    const s = samples[i]!;
    const heap = heaps[i]!;
    return {
      contender: c.name,
      ...(c.note !== undefined ? { note: c.note } : {}),
      medianMs: ms,
      minMs: Math.min(...s),
      maxMs: Math.max(...s),
      samplesMs: s,
      elementsPerSec: scenario.elements / (ms / 1000),
      vsBaseline: baselineMs / ms,
      vsSubject: subjectMs !== undefined ? subjectMs / ms : null,
      ...(heap.length > 0 ? { peakHeapBytes: median(heap) } : {}),
    };
  });
  return {
    scenario: scenario.name,
    description: scenario.description,
    elements: scenario.elements,
    baseline: baselineName,
    subject: hasSubject ? subjectName : null,
    result: expected,
    contenders,
  };
}

// ---------------------------------------------------------------------------------------------------
// Printing and saving

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function fmtRate(perSec: number): string {
  if (perSec >= 1e9) return `${(perSec / 1e9).toFixed(2)} G/s`;
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)} M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k/s`;
  return `${perSec.toFixed(0)} /s`;
}

function fmtRatio(r: number): string {
  return r >= 100 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toFixed(3);
}

function fmtBytes(b: number): string {
  return `${(b / 2 ** 20).toFixed(1)} MiB`;
}

/** A Markdown table, padded so it also reads well in a terminal. */
export function formatTable(result: ScenarioResult): string {
  const heap = result.contenders.some((c) => c.peakHeapBytes !== undefined);
  const header = ['contender', 'median ms', 'min–max ms', 'runs', 'elements/s', `× ${result.baseline}`];
  if (result.subject !== null) header.push(`× ${result.subject}`);
  if (heap) header.push('peak heap');
  const rows = result.contenders.map((c) => {
    const row = [
      c.contender,
      fmtMs(c.medianMs),
      `${fmtMs(c.minMs)}–${fmtMs(c.maxMs)}`,
      String(c.samplesMs.length),
      fmtRate(c.elementsPerSec),
      fmtRatio(c.vsBaseline),
    ];
    if (result.subject !== null) row.push(c.vsSubject === null ? '' : fmtRatio(c.vsSubject));
    if (heap) row.push(c.peakHeapBytes === undefined ? '' : fmtBytes(c.peakHeapBytes));
    return row;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function formatScenario(result: ScenarioResult, options: HarnessOptions): string {
  const lines = [
    `## ${result.scenario} — ${result.description}`,
    `${result.elements.toLocaleString('en-US')} elements · result ${inspect(result.result)} · median of up to ${options.runs} runs after ${options.warmup} warmup rounds`,
    `× ${result.baseline} = ${result.baseline} ms / contender ms (higher is faster)` +
      (result.subject !== null ? ` · × ${result.subject} = ${result.subject} ms / contender ms (> 1: faster than ${result.subject})` : ''),
    '',
    formatTable(result),
  ];
  const notes = result.contenders.filter((c) => c.note !== undefined);
  if (notes.length > 0) {
    lines.push('');
    for (const c of notes) lines.push(`  ${c.contender}: ${c.note}`);
  }
  return lines.join('\n');
}

export function formatMachine(m: MachineInfo, options: HarnessOptions): string {
  return [
    `node ${m.node} (V8 ${m.v8}) · ${m.platform} ${m.arch}`,
    `cpu: ${m.cpuModel} · ${m.cores} cores (available parallelism ${m.availableParallelism}) · ${m.totalMemGiB} GiB RAM`,
    `runs ${options.runs} (min ${Math.min(MIN_RUNS, options.runs)}, budget ${options.budgetMs} ms per contender) · warmup ${options.warmup} · ` +
      `gc between runs: ${options.gc ? m.gc : 'off (BENCH_GC=0)'}`,
  ].join('\n');
}

/** `bench/results/` (git-ignored). */
export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes `bench/results/latest.json` and returns its path. */
export function saveResults(machine: MachineInfo, options: HarnessOptions, results: readonly ScenarioResult[]): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}latest.json`;
  const json = { generatedAt: new Date().toISOString(), machine, options, scenarios: results };
  writeFileSync(file, `${JSON.stringify(json, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  return file;
}
