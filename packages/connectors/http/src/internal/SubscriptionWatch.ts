/**
 * Watches response entities handed to the application for the subscription timeout (see
 * `ConnectionEntity`): one timer per watch rather than one per response. All entities of a watch have
 * the same timeout, so they expire in the order they were armed; the timer is set for the oldest one
 * still waiting and moves along the queue, skipping entities claimed in the meantime.
 */
import type { Cancellable, Scheduler } from '@tributary/core';
import type { HttpLogger } from '../HttpLogger.js';
import type { ConnectionEntity } from './ConnectionEntity.js';

/**
 * One watched entity. The entity lets go of it (`entity = null`) as soon as it is claimed or done, so
 * that the queue does not keep thousands of finished responses (and their buffers) alive until their
 * deadlines pass — at a few thousand responses a second that would feed the old generation.
 */
export interface Watched {
  entity: ConnectionEntity | null;
  readonly deadline: number;
  readonly description: string;
}

export class SubscriptionWatch {
  private queue: (Watched | undefined)[] = [];
  private head = 0;
  private timer: Cancellable | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: HttpLogger,
    private readonly scheduler: Scheduler,
  ) {}

  /** Starts the clock for `entity` (handed to the application just now). */
  watch(entity: ConnectionEntity, description: string): void {
    if (entity.isClaimed || entity.isDone) return;
    const watched: Watched = { entity, deadline: this.scheduler.now() + this.timeoutMs, description };
    entity.watchedBy(watched);
    this.queue.push(watched);
    if (this.timer === null) this.timer = this.scheduler.scheduleOnce(this.timeoutMs, this.fire);
  }

  private readonly fire = (): void => {
    this.timer = null;
    const now = this.scheduler.now();
    const q = this.queue;
    while (this.head < q.length) {
      const w = q[this.head]!;
      if (w.deadline > now) break;
      q[this.head++] = undefined;
      w.entity?.expireUnclaimed(this.timeoutMs, this.logger, w.description);
    }
    if (this.head >= q.length) {
      this.queue = [];
      this.head = 0;
      return;
    }
    if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
    this.timer = this.scheduler.scheduleOnce(Math.max(0, this.queue[this.head]!.deadline - now), this.fire);
  };
}
