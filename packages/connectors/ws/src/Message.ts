/**
 * One WebSocket message: a text frame is a `string`, a binary frame a `Buffer` (any `Uint8Array` may be
 * sent). `ws` reassembles fragmented frames, so an element is always a whole message.
 */
export type Message = string | Buffer;

/** What a stream may send: text as a `string`, binary as any `Uint8Array` (`Buffer` included). */
export type OutgoingMessage = string | Uint8Array;
