/**
 * `@tributary/ws` — WebSockets for Tributary streams, in the manner of Akka HTTP: a connection is a
 * `Flow` of messages, with back-pressure reaching the socket both ways, on `ws`.
 */
export { WebSocket, type WebSocketBindOptions, type WebSocketUpgradeOptions } from './WebSocket.js';
export type { Message, OutgoingMessage } from './Message.js';
export { WebSocketSettings, type WebSocketOptions } from './WebSocketSettings.js';
export type { WebSocketUpgradeResponse, WebSocketCloseStatus } from './WebSocketUpgradeResponse.js';
export type { WebSocketHandler, WebSocketFlow, WebSocketUpgradeListener } from './internal/WebSocketUpgradeRuntime.js';
export { WebSocketError, WebSocketUpgradeError, WebSocketKeepAliveTimeoutError } from './errors.js';
