/**
 * Checks a factory's arguments (each mistake named at the call, as the factory's own error) and turns
 * them into the settings every materialization of the flow shares: where the module is, which loader
 * the worker needs, sizes, restart policy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RestartSettings } from '@tributary/core';
import type { PartitionedWorkerFlowOptions, WorkerFlowOptions } from '../WorkerFlowOptions.js';
import { describe } from './describe.js';
import type { WorkerBootData } from './protocol.js';
import type { SpawnSpec } from './WorkerThread.js';

export type Routing = 'ordered' | 'unordered' | 'partitioned';

export interface WorkerFlowSettings {
  readonly label: string;
  readonly threads: number;
  readonly routing: Routing;
  readonly partitionBy: ((element: unknown) => unknown) | undefined;
  readonly bufferSize: number;
  readonly batchSize: number;
  readonly restart: RestartSettings | undefined;
  readonly inFlight: 'retry' | 'drop';
  readonly spawn: SpawnSpec;
}

export const DefaultBufferSize = 512;
export const DefaultBatchSize = 128;
export const DefaultTerminateTimeoutMs = 5000;

const tsExtension = /\.(c|m)?tsx?$/;

/** This package's own runtime entry: `.ts` when run from source (tests), `.js` when built. */
const ownExtension = /\.ts$/.test(new URL(import.meta.url).pathname) ? '.ts' : '.js';
const entryUrl = new URL(`./workerMain${ownExtension}`, import.meta.url).href;

function positiveInt(op: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new RangeError(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  return v;
}

function moduleHref(op: string, moduleUrl: unknown): string {
  let url: URL;
  if (moduleUrl instanceof URL) url = moduleUrl;
  else if (typeof moduleUrl === 'string' && moduleUrl.startsWith('/')) url = pathToFileURL(moduleUrl);
  else if (typeof moduleUrl === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(moduleUrl) && !/^[a-z]:[\\/]/i.test(moduleUrl)) url = new URL(moduleUrl);
  else if (typeof moduleUrl === 'string' && /^[a-z]:[\\/]/i.test(moduleUrl)) url = pathToFileURL(moduleUrl);
  else {
    throw new TypeError(
      `${op}: moduleUrl must be a URL (e.g. new URL('./flow.js', import.meta.url)), a file: URL string or an absolute path, got ${describe(moduleUrl)}`,
    );
  }
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) throw new Error(`${op}: module not found: ${fileURLToPath(url)}`);
  return url.href;
}

/** `import`-condition entry of `subpath` of package `name`, resolved from `from` (null if not installed there). */
function resolveImportEntry(name: string, subpath: string, from: string): string | null {
  let pkgJson: string;
  try {
    pkgJson = createRequire(from).resolve(`${name}/package.json`);
  } catch {
    return null;
  }
  const exportsField = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { exports?: Record<string, unknown> }).exports;
  let target = exportsField?.[subpath];
  while (target !== null && typeof target === 'object') {
    const conditions = target as Record<string, unknown>;
    target = conditions['import'] ?? conditions['default'];
  }
  return typeof target === 'string' ? pathToFileURL(join(dirname(pkgJson), target)).href : null;
}

function loaderFor(op: string, moduleUrl: string, option: WorkerFlowOptions['loader']): string | undefined {
  if (option === false) return undefined;
  if (option !== undefined) {
    if (option instanceof URL) return option.href;
    if (typeof option !== 'string' || option === '') throw new TypeError(`${op}: loader must be a module URL or specifier, or false, got ${describe(option)}`);
    if (option.startsWith('/')) return pathToFileURL(option).href;
    if (/^[a-z][a-z0-9+.-]*:/i.test(option)) return option;
    // A package name: resolved from the working directory, as `node --import` would.
    const [name, ...rest] = option.startsWith('@') ? [option.split('/').slice(0, 2).join('/'), ...option.split('/').slice(2)] : option.split('/');
    const found = resolveImportEntry(name!, rest.length === 0 ? '.' : `./${rest.join('/')}`, pathToFileURL(join(process.cwd(), 'noop.js')).href);
    if (found === null) throw new Error(`${op}: loader ${JSON.stringify(option)} could not be resolved from ${process.cwd()}`);
    return found;
  }
  const needsTs = tsExtension.test(new URL(moduleUrl).pathname) || ownExtension === '.ts';
  if (!needsTs) return undefined;
  const bases = [moduleUrl.startsWith('file:') ? moduleUrl : null, pathToFileURL(join(process.cwd(), 'noop.js')).href, import.meta.url];
  for (const base of bases) {
    if (base === null) continue;
    const found = resolveImportEntry('tsx', './esm/api', base);
    if (found !== null) return found;
  }
  throw new Error(
    `${op}: ${basename(new URL(moduleUrl).pathname)} is TypeScript and the worker thread needs a loader to import it: install tsx (npm i -D tsx), or pass { loader } (a module that registers loader hooks)`,
  );
}

export function workerFlowSettings(
  op: string,
  moduleUrl: unknown,
  options: WorkerFlowOptions | PartitionedWorkerFlowOptions<unknown>,
  partitioned: boolean,
): WorkerFlowSettings {
  if (options === null || typeof options !== 'object') throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
  const href = moduleHref(op, moduleUrl);
  const threads = positiveInt(op, 'threads', options.threads, 1);
  const bufferSize = positiveInt(op, 'bufferSize', options.bufferSize, DefaultBufferSize);
  const batchSize = positiveInt(op, 'batchSize', options.batchSize, Math.min(DefaultBatchSize, bufferSize));
  if (batchSize > bufferSize) throw new RangeError(`${op}: batchSize (${batchSize}) must not exceed bufferSize (${bufferSize})`);
  const terminateTimeoutMs = options.terminateTimeoutMs ?? DefaultTerminateTimeoutMs;
  if (typeof terminateTimeoutMs !== 'number' || !Number.isFinite(terminateTimeoutMs) || terminateTimeoutMs < 0) {
    throw new RangeError(`${op}: terminateTimeoutMs must be a non-negative finite number of milliseconds, got ${describe(terminateTimeoutMs)}`);
  }
  const exportName = options.exportName ?? 'default';
  if (typeof exportName !== 'string' || exportName === '') throw new TypeError(`${op}: exportName must be a non-empty string, got ${describe(exportName)}`);
  if (options.restart !== undefined && options.restartSettings !== undefined && options.restart !== options.restartSettings) {
    throw new TypeError(`${op}: give restart or restartSettings (the same option), not two different settings`);
  }
  const restart = options.restart ?? options.restartSettings;
  if (restart !== undefined && !(restart instanceof RestartSettings)) {
    throw new TypeError(`${op}: restart must be RestartSettings (RestartSettings.create(minBackoff, maxBackoff, randomFactor)), got ${describe(restart)}`);
  }
  const inFlight = options.inFlight ?? 'retry';
  if (inFlight !== 'retry' && inFlight !== 'drop') throw new TypeError(`${op}: inFlight must be "retry" or "drop", got ${describe(inFlight)}`);
  if (options.execArgv !== undefined && (!Array.isArray(options.execArgv) || options.execArgv.some((a) => typeof a !== 'string'))) {
    throw new TypeError(`${op}: execArgv must be an array of strings`);
  }
  try {
    structuredClone(options.workerData);
  } catch (e) {
    throw new TypeError(`${op}: workerData must be structured-cloneable (it is sent to each worker): ${e instanceof Error ? e.message : String(e)}`);
  }
  let routing: Routing;
  let partitionBy: ((element: unknown) => unknown) | undefined;
  if (partitioned) {
    partitionBy = (options as PartitionedWorkerFlowOptions<unknown>).partitionBy;
    if (typeof partitionBy !== 'function')
      throw new TypeError(`${op}: partitionBy must be a function returning the key of an element, got ${describe(partitionBy)}`);
    routing = 'partitioned';
  } else {
    const ordered = (options as WorkerFlowOptions).ordered ?? true;
    if (typeof ordered !== 'boolean') throw new TypeError(`${op}: ordered must be a boolean, got ${describe(ordered)}`);
    routing = ordered && threads > 1 ? 'ordered' : 'unordered';
  }
  const label = `WorkerFlow(${basename(new URL(href).pathname) || href})`;
  const boot: WorkerBootData = {
    loader: loaderFor(op, href, options.loader),
    entry: entryUrl,
    init: { moduleUrl: href, exportName, data: options.workerData, bufferSize, batchSize, label },
  };
  return {
    label,
    threads,
    routing,
    partitionBy,
    bufferSize,
    batchSize,
    restart,
    inFlight,
    spawn: { boot, execArgv: options.execArgv, env: options.env, resourceLimits: options.resourceLimits, terminateTimeoutMs },
  };
}
