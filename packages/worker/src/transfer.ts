/**
 * Marking elements whose memory should *move* to the other thread instead of being copied.
 *
 * Structured clone copies every byte of an ArrayBuffer; listing the buffer as transferable hands its
 * memory over instead (the sender's copy becomes detached, length 0). Which buffers to move is the
 * user's decision, so it is made explicit per element: `transfer(x)` records `x`'s transfer list in a
 * weak registry and returns `x` unchanged (so it fits in a `map`, and the element type is kept). When a
 * batch is sent, the marks of its elements become the message's transfer list.
 *
 * The registry lives on `globalThis` under a registered symbol: a worker's flow module may import this
 * package through another path than the worker runtime does (source vs build), and both must see the
 * same marks.
 */
import type { TransferListItem } from 'node:worker_threads';

/** What may be listed: buffers and views of them (moved), and message ports. */
export type Transferable = ArrayBuffer | ArrayBufferView | TransferListItem;

interface Registry {
  readonly marks: WeakMap<object, readonly Transferable[]>;
  /** Set once anything was ever marked: until then sending skips the lookup per element. */
  used: boolean;
}

const registryKey = Symbol.for('@tributary/worker/transfer');
const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
const registry: Registry = (holder[registryKey] ??= { marks: new WeakMap(), used: false });

/**
 * Marks `value` so that, when it crosses to or from a worker thread, the listed buffers are moved rather
 * than copied; returns `value` itself. Without a list, `value` must be an ArrayBuffer or a view of one
 * (a Buffer, a typed array, a DataView), and its buffer is moved.
 *
 * A view moves its whole underlying ArrayBuffer; a view that covers only part of its buffer (for
 * example a small Buffer cut from Node's shared pool) is copied instead, because moving the buffer would
 * detach every other view of it. After the move the sender's buffer is detached (its length is 0).
 *
 * @example
 * Source.from(files).map((path) => transfer(readFileSync(path))).via(WorkerFlow.create(parseUrl))
 */
export function transfer<T extends object>(value: T, transferList?: readonly Transferable[]): T {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`transfer(value): only objects can be marked for transfer, got ${value === null ? 'null' : typeof value}`);
  }
  let list: readonly Transferable[];
  if (transferList === undefined) {
    if (!(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value)) {
      throw new TypeError('transfer(value): give a transfer list for a value that is not an ArrayBuffer, a Buffer or a typed array');
    }
    list = [value as unknown as Transferable];
  } else {
    if (!Array.isArray(transferList)) throw new TypeError('transfer(value, transferList): transferList must be an array');
    list = [...transferList];
  }
  registry.marks.set(value, list);
  registry.used = true;
  return value;
}

/**
 * Adds the transferables marked on `element` (if any) to `into`, and forgets the mark (an element is
 * sent once). Views that do not span their whole buffer are left out: they get copied.
 */
export function collectTransfers(element: unknown, into: Set<TransferListItem>): void {
  if (!registry.used || typeof element !== 'object' || element === null) return;
  const list = registry.marks.get(element);
  if (list === undefined) return;
  registry.marks.delete(element);
  for (const item of list) {
    if (ArrayBuffer.isView(item)) {
      const buffer = item.buffer;
      if (buffer instanceof ArrayBuffer && item.byteOffset === 0 && item.byteLength === buffer.byteLength) into.add(buffer);
    } else {
      into.add(item as TransferListItem);
    }
  }
}
