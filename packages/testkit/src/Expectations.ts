/** Shared waiting machinery for probes: an event queue that async expectations consume in order. */
export class ProbeTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeTimeoutError';
  }
}

export class AssertionFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionFailed';
  }
}

export class EventQueue<E> {
  private readonly events: E[] = [];
  private waiter: { resolve: (e: E) => void; reject: (err: unknown) => void; timer: NodeJS.Timeout } | null = null;

  push(e: E): void {
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      clearTimeout(w.timer);
      w.resolve(e);
    } else {
      this.events.push(e);
    }
  }

  /** The next event, waiting up to `timeoutMs` (real time) for it. */
  next(timeoutMs: number, what: string): Promise<E> {
    if (this.events.length > 0) return Promise.resolve(this.events.shift()!);
    if (this.waiter !== null) return Promise.reject(new AssertionFailed(`probe: only one expectation may wait at a time (while waiting for ${what})`));
    return new Promise<E>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new ProbeTimeoutError(`probe: timeout (${timeoutMs} ms) while waiting for ${what}`));
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  /** Resolves with the first event arriving within `ms`, or undefined if none did. */
  async poll(ms: number): Promise<E | undefined> {
    if (this.events.length > 0) return this.events.shift();
    try {
      return await this.next(ms, 'nothing');
    } catch (e) {
      if (e instanceof ProbeTimeoutError) return undefined;
      throw e;
    }
  }

  /** The oldest event not yet consumed, left in the queue. */
  peek(): E | undefined {
    return this.events[0];
  }

  get size(): number {
    return this.events.length;
  }
}

export function show(v: unknown): string {
  try {
    return typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
