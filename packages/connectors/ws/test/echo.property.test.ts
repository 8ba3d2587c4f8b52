/**
 * The law of a connection, checked with fast-check against the simplest oracle (identity): whatever
 * the messages (text with multi-byte characters, binary, empty, up to 96 KiB), the
 * outbound limit and the reader's pace, what a Tributary client sends through a Tributary echo server
 * comes back complete, in order, text as text and binary as binary.
 */

import { Flow, Sink, Source } from '@tributary/core';
import type { ServerBinding } from '@tributary/http';
import { type Message, WebSocket } from '@tributary/ws';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeResources, expectNoLeaks } from './helpers.js';

const textArb = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', 'é', '✓', '😀', '\u0000'), maxLength: 200 });
const binaryArb = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.integer({ min: 0, max: 96 * 1024 }).map((n) => Buffer.alloc(n, n % 251)),
);
const messageArb: fc.Arbitrary<Message> = fc.oneof(textArb, binaryArb);

let binding: ServerBinding;
let before: Record<string, number>;
beforeAll(async () => {
  before = activeResources();
  binding = await WebSocket.bind({ host: '127.0.0.1', port: 0, settings: { maxBufferedBytes: 4096 } }, Flow.create<Message>());
});
afterAll(async () => {
  await binding.terminate(1000);
  await expectNoLeaks(before);
});

describe('WebSocket echo law', () => {
  it('a Tributary client gets back exactly what it sent, in order, whatever the sizes, limit and pace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(messageArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 256 * 1024 }),
        fc.boolean(),
        async (messages, maxBufferedBytes, slowReader) => {
          const replies = Source.from(messages)
            .concat(Source.never())
            .via(WebSocket.clientFlow(`ws://127.0.0.1:${binding.port}`, { maxBufferedBytes, keepAliveMs: 0 }))
            .mapAsync(1, async (m) => {
              if (slowReader) await new Promise((r) => setImmediate(r));
              return m;
            })
            .take(messages.length)
            .runWith(Sink.seq());
          const hung = new Promise((_, reject) =>
            setTimeout(
              () =>
                reject(
                  new Error(
                    `hung: ${messages.map((m) => (typeof m === 'string' ? `t${m.length}` : `b${m.length}`)).join(',')} limit=${maxBufferedBytes} slow=${slowReader}`,
                  ),
                ),
              5000,
            ).unref(),
          );
          expect(await Promise.race([replies, hung])).toEqual(messages);
        },
      ),
      { numRuns: 20, endOnFailure: true },
    );
  });
});
