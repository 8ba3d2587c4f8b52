import { Keep } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { type Message, WebSocket } from '@tributary/ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeResources, expectNoLeaks, rawClosed, rawMessages, rawServer } from './helpers.js';

let before: Record<string, number>;
beforeEach(() => {
  before = activeResources();
});
afterEach(async () => {
  await expectNoLeaks(before);
});

/** A client flow between probes, connected to a raw ws server. */
async function probedClient() {
  const server = await rawServer();
  const accepted = server.next();
  const [[up, upgrade], down] = TestSource.probe<Message>()
    .viaMat(WebSocket.clientFlow(server.url, { keepAliveMs: 0 }), Keep.both)
    .toMat(TestSink.probe<Message>(), Keep.both)
    .run();
  const peer = await accepted;
  await upgrade;
  return { server, peer, up, down, upgrade };
}

describe('WebSocket.clientFlow demand', () => {
  it('emits received messages only on demand, in order, none lost', async () => {
    const { server, peer, up, down } = await probedClient();
    for (let i = 1; i <= 5; i++) peer.send(`m${i}`);
    down.request(1);
    await down.expectNext('m1');
    await down.expectNoMessage(50);
    down.request(4);
    await down.expectNextN(['m2', 'm3', 'm4', 'm5']);
    up.sendComplete();
    await down.expectComplete();
    await server.close();
  });

  it('pulls the next outgoing message once the previous one was handed to the socket', async () => {
    const { server, peer, up, down } = await probedClient();
    const received = rawMessages(peer, 3);
    await up.expectRequest();
    up.sendNext('a');
    await up.expectRequest();
    up.sendNext(Buffer.from('b'));
    await up.expectRequest();
    up.sendNext('c');
    expect(await received).toEqual(['a', Buffer.from('b'), 'c']);
    const closed = rawClosed(peer);
    up.sendComplete();
    expect((await closed).code).toBe(1000);
    down.request(1);
    await down.expectComplete();
    await server.close();
  });

  it('closes with 1000 and cancels upstream when downstream cancels', async () => {
    const { server, peer, up, down } = await probedClient();
    const closed = rawClosed(peer);
    down.cancel();
    await up.expectCancellation();
    expect((await closed).code).toBe(1000);
    await server.close();
  });

  it('cancels upstream and completes downstream when the peer closes', async () => {
    const { server, peer, up, down, upgrade } = await probedClient();
    down.request(1);
    peer.close(1001, 'going away');
    await down.expectComplete();
    await up.expectCancellation();
    expect(await (await upgrade).closed).toEqual({ code: 1001, reason: 'going away' });
    await server.close();
  });

  it('fails with a clear error when an outgoing element is neither a string nor bytes', async () => {
    const { server, peer, up, down } = await probedClient();
    const closed = rawClosed(peer);
    up.sendNext(42 as unknown as Message);
    const e = (await down.expectError()) as Error;
    expect(e.message).toMatch(
      /WebSocket\.clientFlow\(ws:\/\/127\.0\.0\.1:\d+\/\): an outgoing message must be a string \(text\) or a Uint8Array\/Buffer \(binary\), got 42/,
    );
    expect((await closed).code).toBe(1011);
    await server.close();
  });
});
