/**
 * The client's process-wide pool bookkeeping: the pools `singleRequest` shares per origin and
 * settings, and every pool flow currently running — so that `Http.shutdownAllConnectionPools()` can
 * reach them all.
 */
import { type Cancellable, Materializer, type Scheduler } from '@tributary/core';
import type { Pool } from 'undici';
import { ConnectionPoolSettings } from '../ConnectionPoolSettings.js';
import { PoolOverflowError } from '../errors.js';
import { HttpRequest } from '../HttpRequest.js';
import type { HttpResponse } from '../HttpResponse.js';
import { ConnectionEntity } from './ConnectionEntity.js';
import { createPool, describeExchange, resolveTarget, send } from './clientExchange.js';
import { SubscriptionWatch } from './SubscriptionWatch.js';
import { describeValue } from './validate.js';

/** Anything that holds pooled connections and can let them go. */
export interface Shutdownable {
  shutdown(): Promise<void>;
}

const running = new Set<Shutdownable>();

export function registerRunning(pool: Shutdownable): void {
  running.add(pool);
}

export function unregisterRunning(pool: Shutdownable): void {
  running.delete(pool);
}

class SharedPool {
  open = 0;
  readonly pool: Pool;
  readonly watch: SubscriptionWatch;

  constructor(
    readonly origin: string,
    readonly settings: ConnectionPoolSettings,
  ) {
    this.pool = createPool(origin, settings);
    this.watch = new SubscriptionWatch(settings.responseEntitySubscriptionTimeoutMs, settings.logger, clock);
  }
}

/**
 * The clock of the shared pools' subscription watches. Its timers do not keep the process alive: a
 * script that made a request and is done should exit at once, not a subscription timeout later.
 */
const clock: Scheduler = {
  now: () => performance.now(),
  scheduleOnce(delayMs: number, task: () => void): Cancellable {
    const handle = setTimeout(task, delayMs);
    handle.unref();
    return {
      cancel: () => {
        clearTimeout(handle);
        return true;
      },
    };
  },
};

const shared = new Map<string, SharedPool>();

/** `Http.singleRequest`: one request through the pool shared by its origin and settings. */
export async function singleRequest(request: HttpRequest, settings: ConnectionPoolSettings): Promise<HttpResponse> {
  if (!(request instanceof HttpRequest)) throw new TypeError(`Http.singleRequest: request must be an HttpRequest, got ${describeValue(request)}`);
  if (!(settings instanceof ConnectionPoolSettings))
    throw new TypeError(`Http.singleRequest: settings must be ConnectionPoolSettings, got ${describeValue(settings)}`);
  const target = resolveTarget('Http.singleRequest', request, undefined);
  const key = `${target.origin} ${settings.poolKey}`;
  let pool = shared.get(key);
  if (pool === undefined) {
    pool = new SharedPool(target.origin, settings);
    shared.set(key, pool);
  }
  if (pool.open >= settings.maxOpenRequests) throw new PoolOverflowError(target.origin, settings.maxOpenRequests);
  pool.open++;
  let response: HttpResponse;
  try {
    response = await send(pool.pool, request, target, settings, Materializer.default);
  } catch (e) {
    pool.open--;
    throw e;
  }
  const entity = response.entity;
  if (entity instanceof ConnectionEntity) {
    const owner = pool;
    entity.onDone(() => owner.open--);
    pool.watch.watch(entity, describeExchange(request, target));
  } else pool.open--;
  return response;
}

/**
 * Closes every shared pool (after the requests in flight on it, whose unread entities are discarded
 * by their subscription timeout) and shuts down every running pool flow.
 */
export async function shutdownAll(): Promise<void> {
  const pools = [...shared.values()];
  shared.clear();
  const flows = [...running];
  await Promise.all([...pools.map((p) => p.pool.close()), ...flows.map((f) => f.shutdown())]);
}
