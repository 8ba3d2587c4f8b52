/**
 * worker: part of a stream on other cores.
 *
 * - `workerCpu`: N elements through a CPU-heavy map (~20 µs of arithmetic each, see worker/heavy.ts).
 *   In one process the stream is capped at one core; `WorkerFlow.create(heavyFlow, { threads })` runs the
 *   map in worker threads (ordered, batched, back-pressured), against `mapAsync(2)` over a piscina pool
 *   (one task, one message round trip, per element). The figure that matters is `× trib` of
 *   `workerflow-2` (target ≥ 1.7 on 2 idle cores).
 * - `workerThroughput`: N small elements through a trivial map across the thread boundary: what the
 *   boundary itself costs (elements/s; target ≥ 2 M/s).
 * - `workerPerElement`: the same trivial map, WorkerFlow against piscina with one task per element.
 *
 * WorkerFlow runs include starting their threads (the stream starts them, and ends them when it ends);
 * the piscina pool is created and warmed once, outside the timing.
 */
import { Sink, Source } from '@tributary/core';
import { WorkerFlow } from '@tributary/worker';
import { Piscina } from 'piscina';
import type { Contender, Scenario } from '../harness.js';
import { heavy } from './worker/heavy.js';

const P = 1_000_000_007;
const checksum = (acc: number, y: number): number => (acc * 31 + y) % P;
const heavyFlow = new URL('./worker/heavyFlow.js', import.meta.url);
const trivialFlow = new URL('./worker/trivialFlow.js', import.meta.url);
const tasks = new URL('./worker/piscinaTasks.js', import.meta.url).href;

function pool(threads: number): { get: () => Piscina; teardown: () => Promise<void> } {
  let p: Piscina | null = null;
  return {
    get: () => (p ??= new Piscina({ filename: tasks, minThreads: threads, maxThreads: threads })),
    teardown: async () => {
      await p?.destroy();
      p = null;
    },
  };
}

/** The trivial map as a plain loop on the main thread: the baseline of the boundary scenarios. */
function trivialLoop(n: number): Contender {
  return {
    name: 'loop',
    note: 'plain for loop on the main thread (no boundary)',
    run: () => {
      let acc = 0;
      for (let i = 1; i <= n; i++) acc = checksum(acc, i * 2);
      return acc;
    },
  };
}

/** The trivial map through one worker thread with the default sizes. */
function trivialWorkerFlow(n: number): Contender {
  return {
    name: 'workerflow',
    note: 'Source.range → WorkerFlow.create(trivialFlow) → Sink.fold: 1 thread, default buffer 512 / batch 128 (thread start included)',
    run: () => Source.range(1, n).via(WorkerFlow.create<number, number>(trivialFlow)).runWith(Sink.fold(0, checksum)),
  };
}

export function workerCpu(n: number): Scenario {
  const piscina2 = pool(2);
  return {
    name: 'workerCpu',
    description: 'range 1..N → CPU-heavy map (~20 µs per element) → order-sensitive checksum',
    elements: n,
    subject: 'tributary',
    contenders: [
      {
        name: 'loop',
        note: 'plain for loop on the main thread',
        run: () => {
          let acc = 0;
          for (let i = 1; i <= n; i++) acc = checksum(acc, heavy(i));
          return acc;
        },
      },
      {
        name: 'tributary',
        note: 'Source.range → map(heavy) → Sink.fold, in one process (one core)',
        run: () => Source.range(1, n).map(heavy).runWith(Sink.fold(0, checksum)),
      },
      {
        name: 'workerflow-1',
        note: 'Source.range → WorkerFlow.create(heavyFlow, { threads: 1 }) → Sink.fold (thread start included)',
        run: () =>
          Source.range(1, n)
            .via(WorkerFlow.create<number, number>(heavyFlow, { threads: 1 }))
            .runWith(Sink.fold(0, checksum)),
      },
      {
        name: 'workerflow-2',
        note: 'the same with { threads: 2 }, ordered',
        run: () =>
          Source.range(1, n)
            .via(WorkerFlow.create<number, number>(heavyFlow, { threads: 2 }))
            .runWith(Sink.fold(0, checksum)),
      },
      {
        name: 'piscina-2',
        note: 'Source.range → mapAsync(2, x => pool.run(x)) over a piscina pool of 2 threads (created outside the timing)',
        setup: async () => {
          await piscina2.get().run(1, { name: 'heavy' });
        },
        run: () => {
          const p = piscina2.get();
          return Source.range(1, n)
            .mapAsync(2, (x) => p.run(x, { name: 'heavy' }) as Promise<number>)
            .runWith(Sink.fold(0, checksum));
        },
        teardown: () => piscina2.teardown(),
      },
    ],
  };
}

export function workerThroughput(n: number): Scenario {
  return {
    name: 'workerThroughput',
    description: 'range 1..N → x * 2 across the thread boundary → order-sensitive checksum',
    elements: n,
    subject: 'workerflow',
    contenders: [
      trivialLoop(n),
      {
        name: 'tributary',
        note: 'Source.range → map → Sink.fold in one process (no boundary)',
        run: () =>
          Source.range(1, n)
            .map((x) => x * 2)
            .runWith(Sink.fold(0, checksum)),
      },
      trivialWorkerFlow(n),
      {
        name: 'workerflow-4k',
        note: 'the same with bufferSize 4096, batchSize 1024',
        run: () =>
          Source.range(1, n)
            .via(WorkerFlow.create<number, number>(trivialFlow, { bufferSize: 4096, batchSize: 1024 }))
            .runWith(Sink.fold(0, checksum)),
      },
    ],
  };
}

/**
 * The same trivial map with one pool task per element (piscina), next to WorkerFlow: what a message
 * round trip and a promise per element cost. A scenario of its own with a smaller N, because piscina
 * takes minutes for the 10⁶ elements of `workerThroughput`; compare the elements/s columns.
 */
export function workerPerElement(n: number): Scenario {
  const piscina1 = pool(1);
  const PISCINA_IN_FLIGHT = 64;
  return {
    name: 'workerPerElement',
    description: 'range 1..N → x * 2 on a worker thread: WorkerFlow batches vs one piscina task per element',
    elements: n,
    subject: 'workerflow',
    contenders: [
      trivialLoop(n),
      trivialWorkerFlow(n),
      {
        name: 'piscina',
        note: `Source.range → mapAsync(${PISCINA_IN_FLIGHT}, x => pool.run(x)) over a piscina pool of 1 thread (created outside the timing)`,
        setup: async () => {
          await piscina1.get().run(1, { name: 'double' });
        },
        run: () => {
          const p = piscina1.get();
          return Source.range(1, n)
            .mapAsync(PISCINA_IN_FLIGHT, (x) => p.run(x, { name: 'double' }) as Promise<number>)
            .runWith(Sink.fold(0, checksum));
        },
        teardown: () => piscina1.teardown(),
      },
    ],
  };
}
