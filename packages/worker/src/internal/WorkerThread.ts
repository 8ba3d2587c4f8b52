/**
 * Main side: the life of one worker thread, apart from the stream (which may already have stopped when
 * the thread ends). It starts the thread, hands its packets to the stage, tells a death (an uncaught
 * error, an exit nobody asked for, running out of memory) from the end it was asked for, and makes sure
 * the thread goes: once the worker reports that its stream stopped, or `terminateTimeoutMs` after it
 * was asked to stop, it is terminated.
 */
import { type ResourceLimits, type SHARE_ENV, Worker } from 'node:worker_threads';
import { WorkerDiedError } from '../errors.js';
import { deserializeError } from './errorTransport.js';
import { Outbox } from './Outbox.js';
import type { Packet, WorkerBootData } from './protocol.js';

/** Starts the runtime (`entry`) in the new thread, after the loader (TypeScript support) if there is one. */
const bootstrap = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.loader !== undefined) {
    const hooks = await import(workerData.loader);
    const register = hooks.register ?? (hooks.default && hooks.default.register);
    if (typeof register === 'function') register();
  }
  await import(workerData.entry);
})().catch((error) => process.nextTick(() => { throw error; }));
`;

export interface SpawnSpec {
  readonly boot: WorkerBootData;
  readonly execArgv: readonly string[] | undefined;
  readonly env: Readonly<Record<string, string | undefined>> | typeof SHARE_ENV | undefined;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly terminateTimeoutMs: number;
}

export interface ThreadListener {
  /** A packet of the worker's stream (elements, credit, end). */
  onPacket(thread: WorkerThread, packet: Packet): void;
  /** A report of the worker's materializer. */
  onLog(message: string, error: unknown): void;
  /** The thread died before its stream ended. Called at most once. */
  onDeath(thread: WorkerThread, error: WorkerDiedError): void;
  /** The thread is gone (after death or after a requested stop). */
  onExit(thread: WorkerThread): void;
}

export class WorkerThread {
  readonly threadId: number;
  readonly outbox: Outbox;
  private readonly worker: Worker;
  /** The worker sent the end of its stream: an exit after this is no death. */
  private ended = false;
  private stopRequested = false;
  private exited = false;
  private deathReported = false;
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly terminateTimeoutMs: number;

  constructor(
    spec: SpawnSpec,
    private readonly label: string,
    private readonly listener: ThreadListener,
    onPostError: (error: unknown) => void,
  ) {
    this.worker = new Worker(bootstrap, {
      eval: true,
      workerData: spec.boot,
      ...(spec.execArgv === undefined ? {} : { execArgv: [...spec.execArgv] }),
      ...(spec.env === undefined ? {} : { env: spec.env }),
      ...(spec.resourceLimits === undefined ? {} : { resourceLimits: spec.resourceLimits }),
    });
    this.threadId = this.worker.threadId;
    this.terminateTimeoutMs = spec.terminateTimeoutMs;
    this.outbox = new Outbox(this.worker, spec.boot.init.batchSize, onPostError);
    this.worker.on('message', this.onMessage);
    this.worker.on('error', this.onError);
    this.worker.on('messageerror', this.onMessageError);
    this.worker.on('exit', this.onExit);
  }

  /** Asks the worker to cancel its stream and end; terminates it if it has not ended in time. */
  stop(): void {
    if (this.exited || this.stopRequested) return;
    this.stopRequested = true;
    try {
      this.worker.postMessage({ end: { kind: 'cancel' } } satisfies Packet);
    } catch {
      void this.worker.terminate();
      return;
    }
    this.graceTimer = setTimeout(() => void this.worker.terminate(), this.terminateTimeoutMs);
  }

  private readonly onMessage = (packet: Packet): void => {
    if (packet.stopped === true) {
      this.ended = true;
      this.stopRequested = true;
      void this.worker.terminate();
      return;
    }
    if (packet.log !== undefined) {
      this.listener.onLog(`${this.label} (worker thread ${this.threadId}): ${packet.log.message}`, deserializeError(packet.log.error));
      return;
    }
    if (packet.end !== undefined) this.ended = true;
    this.listener.onPacket(this, packet);
  };

  private readonly onError = (error: unknown): void => {
    const oom = (error as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const reason = oom
      ? 'ran out of memory (its resourceLimits were reached)'
      : `failed with an uncaught error: ${error instanceof Error ? error.message : String(error)}`;
    this.died(new WorkerDiedError(`${this.label}: worker thread ${this.threadId} ${reason}`, this.threadId, undefined, { cause: error }));
  };

  private readonly onMessageError = (error: unknown): void => {
    this.died(
      new WorkerDiedError(
        `${this.label}: a message from worker thread ${this.threadId} could not be deserialized: ${error instanceof Error ? error.message : String(error)}`,
        this.threadId,
        undefined,
        { cause: error },
      ),
    );
    void this.worker.terminate();
  };

  private readonly onExit = (code: number): void => {
    this.exited = true;
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    this.died(new WorkerDiedError(`${this.label}: worker thread ${this.threadId} exited with code ${code} while its stream was running`, this.threadId, code));
    this.worker.off('message', this.onMessage);
    this.listener.onExit(this);
  };

  private died(error: WorkerDiedError): void {
    if (this.deathReported || this.ended || this.stopRequested) return;
    this.deathReported = true;
    this.listener.onDeath(this, error);
  }
}
