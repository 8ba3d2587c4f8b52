/**
 * Shared helpers for the WorkerFlow tests (not a test file itself).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keep, Materializer, type Sink, Source } from '@tributary/core';
import { WorkerFlow, type WorkerFlowHandle, type WorkerFlowOptions } from '@tributary/worker';

/** Probes wait long: a worker thread that loads the TypeScript loader takes a while to start on a busy machine. */
export const probeSettings = { timeoutMs: 30_000 } as const;

export const behaviours = new URL('./fixtures/behaviours.ts', import.meta.url);
export const doubleJs = new URL('./fixtures/double.mjs', import.meta.url);

/** A fresh materializer per test that records what it would log. */
export function recordingMaterializer(): { mat: Materializer; logs: { message: string; error: unknown }[] } {
  const logs: { message: string; error: unknown }[] = [];
  return { mat: new Materializer({ logger: (message, error) => logs.push({ message, error }) }), logs };
}

/** `WorkerFlow.create` of a named export of fixtures/behaviours.ts. */
export function behaviour<In, Out>(exportName: string, options: WorkerFlowOptions = {}): ReturnType<typeof WorkerFlow.create<In, Out>> {
  return WorkerFlow.create<In, Out>(behaviours, { ...options, exportName });
}

/** Runs `xs` through `flow` into `sink`; returns the handle and the sink's value. */
export function runThrough<In, Out, M>(
  xs: readonly In[],
  flow: ReturnType<typeof WorkerFlow.create<In, Out>>,
  sink: Sink<Out, M>,
  mat: Materializer,
): [WorkerFlowHandle, M] {
  return Source.from(xs).viaMat(flow, Keep.right).toMat(sink, Keep.both).run(mat);
}

/** The OS threads of this process (Linux): a worker thread is one of them while it runs. */
export function osThreadCount(): number {
  return readdirSync('/proc/self/task').length;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tributary-worker-'));
}

/** Waits (real time, bounded) until `cond()` holds; fails the test if it never does. */
export async function eventually(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise<void>((r) => setTimeout(r, 5));
  }
}
