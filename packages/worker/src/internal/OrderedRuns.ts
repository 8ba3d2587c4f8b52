/**
 * Ordered routing over several workers: the order of the inputs, recorded as *runs* — (worker, count)
 * for consecutive inputs sent to one worker. A flow that emits one output per input answers its n-th
 * input with its n-th output, so delivering the runs in order, each taking its count of outputs from
 * its worker, gives the outputs in input order. One run per batch, not one record per element.
 */
import { Queue } from './Queue.js';
import type { WorkerLink } from './WorkerLink.js';

interface Run {
  readonly link: WorkerLink;
  count: number;
}

export class OrderedRuns {
  private runs = new Queue<Run>();

  get isEmpty(): boolean {
    return this.runs.length === 0;
  }

  /** One more input was sent to `link`. */
  append(link: WorkerLink): void {
    const runs = this.runs;
    const tail = runs.length === 0 ? null : runs.peekLast();
    if (tail !== null && tail.link === link) tail.count++;
    else runs.push({ link, count: 1 });
  }

  /** The worker that owes the next output, or null when nothing is owed. */
  nextLink(): WorkerLink | null {
    return this.runs.length === 0 ? null : this.runs.peek().link;
  }

  /** The next output was delivered. */
  answered(): void {
    const head = this.runs.peek();
    if (--head.count === 0) this.runs.shift();
  }

  /** The worker owing the next outputs will not send them (its flow stopped taking input early). */
  skipHead(): void {
    this.runs.shift();
  }

  /** Outputs of other workers come before `link`'s next one. */
  owesBefore(link: WorkerLink): boolean {
    const runs = this.runs;
    if (runs.length === 0 || runs.peek().link === link) return false;
    return runs.some((r) => r.link === link);
  }

  /**
   * A dead worker's positions beyond the outputs it already sent move to `successor` (its inputs are
   * retried there) or, with `successor` null, are given up. Returns how many positions that was.
   */
  repoint(dead: WorkerLink, successor: WorkerLink | null): number {
    let delivered = dead.outputs.length;
    let moved = 0;
    const next = new Queue<Run>();
    const runs = this.runs;
    while (runs.length !== 0) {
      const run = runs.shift();
      if (run.link !== dead || delivered >= run.count) {
        if (run.link === dead) delivered -= run.count;
        next.push(run);
        continue;
      }
      if (delivered > 0) next.push({ link: dead, count: delivered });
      const rest = run.count - delivered;
      delivered = 0;
      moved += rest;
      if (successor !== null) next.push({ link: successor, count: rest });
    }
    this.runs = next;
    return moved;
  }
}
