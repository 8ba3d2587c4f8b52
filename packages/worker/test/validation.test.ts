/**
 * Bad arguments are refused at the factory call, naming the factory, the argument, what was expected
 * and what arrived.
 */

import { WorkerFlow } from '@tributary/worker';
import { describe, expect, it } from 'vitest';
import { behaviours, doubleJs } from './helpers.js';

describe('WorkerFlow factories refuse bad arguments', () => {
  it.each([
    [{ threads: 0 }, 'WorkerFlow.create: threads must be a positive integer, got 0'],
    [{ threads: 1.5 }, 'WorkerFlow.create: threads must be a positive integer, got 1.5'],
    [{ bufferSize: -1 }, 'WorkerFlow.create: bufferSize must be a positive integer, got -1'],
    [{ batchSize: 0 }, 'WorkerFlow.create: batchSize must be a positive integer, got 0'],
    [{ bufferSize: 4, batchSize: 8 }, 'WorkerFlow.create: batchSize (8) must not exceed bufferSize (4)'],
    [{ ordered: 'yes' }, 'WorkerFlow.create: ordered must be a boolean, got "yes"'],
    [{ exportName: '' }, 'WorkerFlow.create: exportName must be a non-empty string, got ""'],
    [{ inFlight: 'later' }, 'WorkerFlow.create: inFlight must be "retry" or "drop", got "later"'],
    [
      { restart: { minBackoff: 1 } },
      'WorkerFlow.create: restart must be RestartSettings (RestartSettings.create(minBackoff, maxBackoff, randomFactor)), got an object',
    ],
    [
      { restartSettings: 'soon' },
      'WorkerFlow.create: restart must be RestartSettings (RestartSettings.create(minBackoff, maxBackoff, randomFactor)), got "soon"',
    ],
    [{ terminateTimeoutMs: -5 }, 'WorkerFlow.create: terminateTimeoutMs must be a non-negative finite number of milliseconds, got -5'],
    [{ workerData: () => 1 }, 'WorkerFlow.create: workerData must be structured-cloneable (it is sent to each worker)'],
    [{ execArgv: '--inspect' }, 'WorkerFlow.create: execArgv must be an array of strings'],
  ])('options %o', (options, message) => {
    expect(() => WorkerFlow.create(doubleJs, options as never)).toThrow(message);
  });

  it('moduleUrl must be a URL, a file: URL string or an absolute path, of a module that exists', () => {
    expect(() => WorkerFlow.create('./flow.js')).toThrow(
      `WorkerFlow.create: moduleUrl must be a URL (e.g. new URL('./flow.js', import.meta.url)), a file: URL string or an absolute path, got "./flow.js"`,
    );
    expect(() => WorkerFlow.create(42 as never)).toThrow('WorkerFlow.create: moduleUrl must be a URL');
    expect(() => WorkerFlow.create(new URL('./fixtures/missing.ts', import.meta.url))).toThrow(
      /^WorkerFlow\.create: module not found: .*fixtures\/missing\.ts$/,
    );
    expect(() => WorkerFlow.create(doubleJs.href)).not.toThrow();
    expect(() => WorkerFlow.create(doubleJs.pathname)).not.toThrow();
  });

  it('partitioned needs a partitionBy function', () => {
    expect(() => WorkerFlow.partitioned(behaviours, {} as never)).toThrow(
      'WorkerFlow.partitioned: partitionBy must be a function returning the key of an element, got undefined',
    );
    expect(() => WorkerFlow.partitioned(behaviours, undefined as never)).toThrow('WorkerFlow.partitioned: options must be an object, got undefined');
  });

  it('a loader that cannot be found is named', () => {
    expect(() => WorkerFlow.create(doubleJs, { loader: 'no-such-loader-package' })).toThrow(
      /WorkerFlow\.create: loader "no-such-loader-package" could not be resolved from /,
    );
  });
});
