/**
 * The sending half of one direction of a link: collects elements into a batch, the credit to grant the
 * other side, and the end signal, and posts them as one packet.
 *
 * A batch goes out when it is full (`batchSize`), and otherwise at the end of the current run of
 * synchronous work: the first element of a batch queues a microtask, which runs after the island that
 * produced it has drained its events. So a fast producer sends full batches, a slow one does not hold
 * an element back waiting for company, and no timer is involved.
 */
import type { TransferListItem } from 'node:worker_threads';
import { collectTransfers } from '../transfer.js';
import type { EndSignal, Packet } from './protocol.js';

export interface PacketPort {
  postMessage(value: unknown, transferList?: readonly TransferListItem[]): void;
}

const resolved = Promise.resolve();

export class Outbox {
  private items: unknown[] = [];
  private readonly transfers = new Set<TransferListItem>();
  private credit = 0;
  private inputClosed = false;
  private end: EndSignal | undefined = undefined;
  private flushScheduled = false;
  /** The end was posted: no more elements go out (credit still does: the other side may still be sending). */
  private ended = false;
  /** Posting failed: nothing more is sent. */
  private broken = false;

  constructor(
    private readonly port: PacketPort,
    private readonly batchSize: number,
    /** Called when a packet cannot be posted (an element that structured clone rejects). */
    private readonly onPostError: (error: unknown) => void,
  ) {}

  /** Elements waiting for the next packet. */
  get pending(): number {
    return this.items.length;
  }

  push(element: unknown): void {
    const items = this.items;
    items.push(element);
    collectTransfers(element, this.transfers);
    if (items.length >= this.batchSize) this.flush();
    else if (items.length === 1) this.scheduleFlush();
  }

  grant(credit: number): void {
    this.credit += credit;
    this.scheduleFlush();
  }

  /** The other side should send no more elements. */
  closeInput(): void {
    this.inputClosed = true;
    this.scheduleFlush();
  }

  /** Sends what is pending followed by `end`, now; later calls are ignored. */
  finish(end: EndSignal): void {
    if (this.ended || this.broken) return;
    this.end = end;
    this.flush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.broken) return;
    this.flushScheduled = true;
    resolved.then(this.flushLater);
  }

  private readonly flushLater = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  flush(): void {
    if (this.broken) return;
    const items = this.items;
    const credit = this.credit;
    const end = this.end;
    if (items.length === 0 && credit === 0 && !this.inputClosed && end === undefined) return;
    const packet: { -readonly [K in keyof Packet]: Packet[K] } = {};
    if (items.length !== 0) {
      packet.items = items;
      this.items = [];
    }
    if (credit !== 0) {
      packet.credit = credit;
      this.credit = 0;
    }
    if (this.inputClosed) {
      packet.inputClosed = true;
      this.inputClosed = false;
    }
    if (end !== undefined) {
      packet.end = end;
      this.end = undefined;
      this.ended = true;
    }
    const transfers = this.transfers;
    try {
      if (transfers.size === 0) this.port.postMessage(packet);
      else {
        const list = [...transfers];
        transfers.clear();
        this.port.postMessage(packet, list);
      }
    } catch (error) {
      this.broken = true;
      this.onPostError(error);
    }
  }
}
