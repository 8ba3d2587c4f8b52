/**
 * Credit-based flow control between kafkajs' fetch loop and a consumer stage — Reactive Streams demand,
 * per partition, counted in records and in bytes. The fetch loop (outside the stream) may hand a
 * partition's records to the stage only while it holds credit for them: `reserve(messages, from, to)`
 * takes credit for as many of the messages as fit, and the stage gives it back with `release(n, bytes)`
 * as records leave it (emitted downstream, or dropped on revocation). So the records of a partition that
 * are on their way to or buffered in the stage never exceed `bound` records nor `boundBytes` bytes (a
 * single record larger than `boundBytes` is let through when the partition holds nothing else, or it
 * could never be consumed). A record's bytes are its key, value and headers (`messageBytes`).
 *
 * When a partition has no credit the fetch loop waits (`waitForRoom`, heartbeating meanwhile) or pauses
 * the partition; a waiting fetch loop is woken once the partition is down to half its bound, so wake-ups
 * come in batches rather than per record. The counters are plain numbers mutated only on the JS thread.
 */
import type { Cancellable, Scheduler } from '@tributary/core';
import type { KafkaMessage } from 'kafkajs';

/** A record's size as the byte bound counts it: key, value, and header names and values. */
export function messageBytes(m: KafkaMessage): number {
  let n = (m.key?.length ?? 0) + (m.value?.length ?? 0);
  const h = m.headers;
  if (h !== undefined) {
    for (const k in h) {
      const v = h[k];
      n += k.length;
      if (Array.isArray(v)) for (const x of v) n += x.length;
      else if (v !== undefined) n += v.length;
    }
  }
  return n;
}

/** The bytes of `messages[from, to)`. */
export function messagesBytes(messages: readonly KafkaMessage[], from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += messageBytes(messages[i]!);
  return n;
}

export class Credit {
  /** Records reserved by the fetch loop and not yet released by the stage. */
  outstanding = 0;
  /** Their bytes. */
  outstandingBytes = 0;
  /** The most records ever outstanding at once (the measured prefetch). */
  highWater = 0;
  /** The most bytes ever outstanding at once. */
  highWaterBytes = 0;
  /** The bytes of the last `reserve`'s grant. */
  grantedBytes = 0;
  private waiter: ((room: boolean) => void) | null = null;

  constructor(
    readonly key: string,
    readonly bound: number,
    readonly boundBytes: number,
  ) {}

  /**
   * Takes credit for as many of `messages[from, to)` as fit (in order); returns how many were granted (0
   * when the partition is full), their bytes in `grantedBytes`.
   */
  reserve(messages: readonly KafkaMessage[], from: number, to: number): number {
    const room = this.bound - this.outstanding;
    const max = Math.min(to - from, room);
    let granted = 0;
    let bytes = 0;
    const byteRoom = this.boundBytes - this.outstandingBytes;
    while (granted < max) {
      const size = messageBytes(messages[from + granted]!);
      if (bytes + size > byteRoom && (granted > 0 || this.outstanding > 0)) break;
      bytes += size;
      granted++;
    }
    this.grantedBytes = bytes;
    if (granted === 0) return 0;
    this.outstanding += granted;
    this.outstandingBytes += bytes;
    if (this.outstanding > this.highWater) this.highWater = this.outstanding;
    if (this.outstandingBytes > this.highWaterBytes) this.highWaterBytes = this.outstandingBytes;
    return granted;
  }

  /** Gives `n` records' credit (`bytes` bytes) back; wakes a waiting fetch loop once down to half the bounds. */
  release(n: number, bytes: number): void {
    this.outstanding -= n;
    this.outstandingBytes -= bytes;
    if (this.waiter !== null && this.halfEmpty) this.wake(true);
  }

  /** Whether `reserve` would grant `m` (the next message) now. */
  canTake(m: KafkaMessage): boolean {
    return this.outstanding < this.bound && (this.outstanding === 0 || this.outstandingBytes + messageBytes(m) <= this.boundBytes);
  }

  /** At most half of either bound is taken (a paused partition resumes, a waiting fetch loop wakes). */
  get halfEmpty(): boolean {
    return this.outstanding <= this.bound >> 1 && this.outstandingBytes <= this.boundBytes / 2;
  }

  /**
   * Resolves `true` when the stage releases credit (and is down to half the bounds), `false` after
   * `timeoutMs` (timer on the stage's scheduler). Always waits for one of the two: the caller checks
   * `canTake` first, and a credit that cannot take the next message has records outstanding, whose
   * release is the event to wait for.
   */
  waitForRoom(timeoutMs: number, scheduler: Scheduler): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let timer: Cancellable | null = null;
      const waiter = (room: boolean): void => {
        timer?.cancel();
        resolve(room);
      };
      this.waiter = waiter;
      timer = scheduler.scheduleOnce(timeoutMs, () => {
        if (this.waiter === waiter) this.waiter = null;
        resolve(false);
      });
    });
  }

  /** Wakes a waiting fetch loop (on release, revocation or close). */
  wake(room: boolean): void {
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w(room);
    }
  }
}

export class PrefetchGate {
  private readonly credits = new Map<string, Credit>();
  closed = false;

  constructor(
    readonly bound: number,
    readonly boundBytes: number,
  ) {}

  credit(key: string): Credit {
    let c = this.credits.get(key);
    if (c === undefined) this.credits.set(key, (c = new Credit(key, this.bound, this.boundBytes)));
    return c;
  }

  /** Wakes every waiting fetch loop; they see `closed` and stop handing over records. */
  close(): void {
    this.closed = true;
    for (const c of this.credits.values()) c.wake(true);
  }

  /** Records outstanding over all partitions. */
  get outstanding(): number {
    let n = 0;
    for (const c of this.credits.values()) n += c.outstanding;
    return n;
  }

  /** Bytes outstanding over all partitions. */
  get outstandingBytes(): number {
    let n = 0;
    for (const c of this.credits.values()) n += c.outstandingBytes;
    return n;
  }

  /** The largest number of records any one partition ever had outstanding. */
  get highWater(): number {
    let n = 0;
    for (const c of this.credits.values()) if (c.highWater > n) n = c.highWater;
    return n;
  }

  /** The most bytes any one partition ever had outstanding. */
  get highWaterBytes(): number {
    let n = 0;
    for (const c of this.credits.values()) if (c.highWaterBytes > n) n = c.highWaterBytes;
    return n;
  }
}
