/**
 * The connector's sockets do not leak a 'connect' listener each time kafkajs un-references a
 * connection whose broker is down (kafkajs reuses the connection across retries; see socketFactory.ts).
 * No broker needed: a refused connection on 127.0.0.1 is the down broker.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { socketFactoryWithoutUnrefLeak } from '../src/internal/socketFactory.js';

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const closed = (socket: net.Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

describe('socketFactoryWithoutUnrefLeak', () => {
  it('un-referencing a socket whose connection failed adds no listener, however often kafkajs does it', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const port = await closedPort();
      const socket = socketFactoryWithoutUnrefLeak()({ host: '127.0.0.1', port, ssl: undefined as never, onConnect: () => {} });
      socket.on('error', () => {}); // ECONNREFUSED, as kafkajs's own 'error' listener would see it
      await closed(socket);
      const listeners = socket.listenerCount('connect'); // kafkajs's onConnect, which will never be called
      for (let i = 0; i < 20; i++) {
        socket.end();
        expect(socket.unref()).toBe(socket);
      }
      expect(socket.listenerCount('connect')).toBe(listeners);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it("the cause: Node's unref() on a socket without a handle waits for a 'connect' that never comes", async () => {
    const port = await closedPort();
    const plain = net.connect({ host: '127.0.0.1', port });
    plain.on('error', () => {});
    await closed(plain);
    plain.unref();
    plain.unref();
    expect(plain.listenerCount('connect')).toBe(2);
    plain.removeAllListeners('connect');
  });

  it('a socket that connects works as kafkajs expects: onConnect is called, and unref() takes effect', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      let connected = false;
      const socket = socketFactoryWithoutUnrefLeak()({ host: '127.0.0.1', port, ssl: undefined as never, onConnect: () => (connected = true) });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      expect(connected).toBe(true);
      expect(socket.unref()).toBe(socket);
      socket.destroy();
      await closed(socket);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('wraps a socket factory given in the settings, keeping its sockets', async () => {
    const port = await closedPort();
    const made: net.Socket[] = [];
    const custom = socketFactoryWithoutUnrefLeak(({ host, port: p, onConnect }) => {
      const s = net.connect({ host, port: p }, onConnect);
      made.push(s);
      return s;
    });
    const socket = custom({ host: '127.0.0.1', port, ssl: undefined as never, onConnect: () => {} });
    socket.on('error', () => {});
    await closed(socket);
    const listeners = socket.listenerCount('connect');
    socket.unref();
    socket.unref();
    expect(made).toEqual([socket]);
    expect(socket.listenerCount('connect')).toBe(listeners);
  });
});
