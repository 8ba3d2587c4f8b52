import { WebSocketSettings } from '@tributary/ws';
import { describe, expect, it } from 'vitest';

describe('WebSocketSettings', () => {
  it('has the documented defaults', () => {
    const d = WebSocketSettings.default;
    expect({ ...d }).toEqual({
      maxPayload: 16 * 1024 * 1024,
      maxBufferedBytes: 1024 * 1024,
      keepAliveMs: 30_000,
      keepAliveTimeoutMs: 10_000,
      handshakeTimeoutMs: 10_000,
      protocols: [],
      headers: {},
      perMessageDeflate: false,
    });
  });

  it('is immutable: withX returns a changed copy and leaves the original alone', () => {
    const d = WebSocketSettings.default;
    const s = d.withMaxPayload(1024).withKeepAliveMs(0).withProtocols(['a', 'b']).withHeaders({ 'X-Token': 't' }).withPerMessageDeflate(true);
    expect(s).not.toBe(d);
    expect(s.maxPayload).toBe(1024);
    expect(s.keepAliveMs).toBe(0);
    expect(s.protocols).toEqual(['a', 'b']);
    expect(s.headers).toEqual({ 'x-token': 't' });
    expect(s.perMessageDeflate).toBe(true);
    expect(d.maxPayload).toBe(16 * 1024 * 1024);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.protocols)).toBe(true);
  });

  it('builds from a plain options object over the defaults, refusing unknown options', () => {
    const s = WebSocketSettings.from('here', { maxBufferedBytes: 4096, keepAliveMs: 500 });
    expect(s.maxBufferedBytes).toBe(4096);
    expect(s.keepAliveMs).toBe(500);
    expect(s.maxPayload).toBe(WebSocketSettings.default.maxPayload);
    expect(WebSocketSettings.from('here', undefined)).toBe(WebSocketSettings.default);
    expect(WebSocketSettings.from('here', s)).toBe(s);
    expect(() => WebSocketSettings.from('here', { maxbufferedbytes: 1 } as never)).toThrow(/here: unknown option "maxbufferedbytes"/);
    expect(() => WebSocketSettings.from('here', 5 as never)).toThrow('here: settings must be WebSocketSettings or an options object, got 5');
  });

  it('rejects bad values with the method, the argument and what arrived', () => {
    const d = WebSocketSettings.default;
    expect(() => d.withMaxPayload(0)).toThrow('WebSocketSettings.withMaxPayload: maxPayload must be a positive integer, got 0');
    expect(() => d.withMaxBufferedBytes(1.5)).toThrow('WebSocketSettings.withMaxBufferedBytes: maxBufferedBytes must be a positive integer, got 1.5');
    expect(() => d.withKeepAliveMs(-1)).toThrow('WebSocketSettings.withKeepAliveMs: keepAliveMs must be a non-negative finite number of milliseconds, got -1');
    expect(() => d.withKeepAliveTimeoutMs(0)).toThrow(
      'WebSocketSettings.withKeepAliveTimeoutMs: keepAliveTimeoutMs must be a positive finite number of milliseconds, got 0',
    );
    expect(() => d.withHandshakeTimeoutMs(Infinity)).toThrow(
      'WebSocketSettings.withHandshakeTimeoutMs: handshakeTimeoutMs must be a positive finite number of milliseconds, got Infinity',
    );
    expect(() => d.withProtocols(['ok', 'not ok'])).toThrow('WebSocketSettings.withProtocols: every subprotocol must be a non-empty HTTP token, got "not ok"');
    expect(() => d.withProtocols(['a', 'a'])).toThrow('WebSocketSettings.withProtocols: subprotocol "a" is listed twice');
    expect(() => d.withHeaders({ a: 1 as never })).toThrow('WebSocketSettings.withHeaders: header "a" must be a string, got 1');
    expect(() => d.withPerMessageDeflate('yes' as never)).toThrow('WebSocketSettings.withPerMessageDeflate: expected a boolean, got "yes"');
  });
});
