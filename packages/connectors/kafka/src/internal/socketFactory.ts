/**
 * The sockets kafkajs talks to brokers through, with one leak closed.
 *
 * kafkajs's `Connection.disconnect()` calls `socket.end()` and then `socket.unref()`, and it reuses a
 * connection object across the retries of a consumer or producer that cannot reach its broker. When
 * the socket already failed (the broker is down), it has no handle any more, and Node's `unref()` on a
 * socket without a handle defers itself with `once('connect', unref)` — for a socket that will never
 * connect. Each retry adds one listener, until Node warns `MaxListenersExceededWarning: 11 connect
 * listeners added to [Socket]` (a broker that stays down long enough leaks them without bound).
 * Un-referencing a destroyed socket is meaningless, so the sockets made here skip it.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** As kafkajs's own default: plain TCP, or TLS with SNI for a host name; keep-alive after 60 s. */
const plainSocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect(Object.assign({ host, port }, !net.isIP(host) ? { servername: host } : {}, ssl), onConnect)
    : net.connect({ host, port }, onConnect);
  socket.setKeepAlive(true, 60_000);
  return socket;
};

/** `factory` (default: kafkajs's behaviour), whose sockets ignore `unref()` once they are destroyed. */
export function socketFactoryWithoutUnrefLeak(factory: ISocketFactory = plainSocketFactory): ISocketFactory {
  return (args) => {
    const socket = factory(args);
    const unref = socket.unref;
    socket.unref = function unrefUnlessDestroyed(this: net.Socket) {
      return this.destroyed ? this : unref.call(this);
    };
    return socket;
  };
}
