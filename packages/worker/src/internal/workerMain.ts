/**
 * The runtime of one worker thread: imports the user's module, materializes its flow once between a
 * `WorkerInbound` source and a `WorkerOutbound` sink on a materializer of its own (the flow is its own
 * island, on this thread's event loop), and routes the main thread's packets to the two.
 *
 * When the stream has stopped — completed, failed or cancelled — every stage's `postStop` has run, the
 * thread says `stopped`, and the main thread ends it. A worker never ends itself: whatever handles the
 * user's code left open, the thread goes when the main thread terminates it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Flow, Materializer, Sink, Source } from '@tributary/core';
import { describe } from './describe.js';
import { serializeError } from './errorTransport.js';
import { Outbox } from './Outbox.js';
import type { Packet, WorkerBootData, WorkerInit } from './protocol.js';
import { type InboundHandle, WorkerInbound } from './WorkerInbound.js';
import { type OutboundHandle, WorkerOutbound } from './WorkerOutbound.js';

const port = parentPort;
if (port === null) throw new Error('@tributary/worker: the worker runtime must run in a worker thread started by WorkerFlow');
const init: WorkerInit = (workerData as WorkerBootData).init;

/** Turns at most spent waiting for the rest of the stream to stop after the sink did. */
const MaxStopTurns = 100;

let materializer: Materializer | null = null;
let stopping = false;
/** Packets that arrived before the stream was materialized. */
let early: Packet[] | null = [];
const inbound: InboundHandle = { onPacket: null, upstreamFailure: null };
const outbound: OutboundHandle = { onPacket: null, lastFailure: null, onStopped: () => stopWhenQuiet(0) };

const outbox = new Outbox(port, init.batchSize, (error) => {
  const reason = error instanceof Error ? error.message : String(error);
  failDirectly(
    new TypeError(`${init.label}: an element of the flow's output could not be sent to the main thread (elements cross by structured clone): ${reason}`),
  );
});

port.on('message', (packet: Packet) => {
  if (early !== null) {
    early.push(packet);
    if (packet.end?.kind === 'cancel') cancelBeforeStart();
    return;
  }
  dispatch(packet);
});

function dispatch(packet: Packet): void {
  if (packet.items !== undefined || (packet.end !== undefined && packet.end.kind !== 'cancel')) inbound.onPacket?.invoke(packet);
  if (packet.credit !== undefined || packet.end?.kind === 'cancel') outbound.onPacket?.invoke(packet);
}

/** Sends a failure without the stream's help (the flow could not be loaded, or output cannot be sent). */
function failDirectly(error: unknown): void {
  try {
    port!.postMessage({ end: { kind: 'fail', error: serializeError(error) } } satisfies Packet);
  } catch {
    port!.postMessage({ end: { kind: 'fail', error: { kind: 'value', value: String(error) } } } satisfies Packet);
  }
  materializer?.shutdown();
  stopWhenQuiet(0);
}

function cancelBeforeStart(): void {
  early = null;
  stopWhenQuiet(0);
}

function stopWhenQuiet(turn: number): void {
  if (stopping && turn === 0) return;
  stopping = true;
  const mat = materializer;
  if (mat !== null && mat.runningIslands > 0 && turn < MaxStopTurns) {
    setImmediate(() => stopWhenQuiet(turn + 1));
    return;
  }
  mat?.shutdown();
  port!.postMessage({ stopped: true } satisfies Packet);
}

async function loadFlow(): Promise<Flow<unknown, unknown, unknown>> {
  const mod = (await import(init.moduleUrl)) as Record<string, unknown>;
  if (!(init.exportName in mod)) {
    throw new TypeError(`${init.label}: the module has no export named "${init.exportName}" (it should export a Flow, or a function returning one)`);
  }
  let value = mod[init.exportName];
  if (typeof value === 'function') value = await (value as (data: unknown) => unknown)(init.data);
  if (!isFlowLike(value)) {
    throw new TypeError(`${init.label}: export "${init.exportName}" must be a Flow, or a function returning one; got ${describe(value)}`);
  }
  try {
    return Flow.fromGraph(value);
  } catch {
    throw new TypeError(
      `${init.label}: export "${init.exportName}" is a flow built with another copy of @tributary/core than the one @tributary/worker uses in the worker thread; install one @tributary/core`,
    );
  }
}

function isFlowLike(v: unknown): v is Flow<unknown, unknown, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const shape = (v as { shape?: { inlets?: unknown; outlets?: unknown } }).shape;
  return Array.isArray(shape?.inlets) && Array.isArray(shape.outlets) && shape.inlets.length === 1 && shape.outlets.length === 1 && 'module' in v;
}

async function main(): Promise<void> {
  let flow: Flow<unknown, unknown, unknown>;
  try {
    flow = await loadFlow();
  } catch (error) {
    if (early !== null) failDirectly(error);
    return;
  }
  if (early === null) return; // cancelled while loading
  const mat = new Materializer({
    logger: (message, error, details) => {
      if (details !== undefined) {
        // The one report of the stream's failure: the outbound sink sends it, naming this stage.
        outbound.lastFailure = { error, stage: details.stage };
        return;
      }
      try {
        port!.postMessage({ log: { message, error: serializeError(error) } } satisfies Packet);
      } catch {
        // A report that cannot cross is not worth failing the stream for.
      }
    },
  });
  materializer = mat;
  try {
    Source.fromGraph(new WorkerInbound(outbox, init.bufferSize, inbound))
      .via(flow)
      .to(Sink.fromGraph(new WorkerOutbound(outbox, init.bufferSize, inbound, outbound)))
      .run(mat);
  } catch (error) {
    failDirectly(error);
    return;
  }
  const pending = early;
  early = null;
  for (const packet of pending) dispatch(packet);
}

void main();
