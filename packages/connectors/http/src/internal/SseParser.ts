/**
 * An incremental parser of `text/event-stream` (HTML standard, "Interpreting an event stream"): bytes
 * in any chunking, UTF-8 decoded across chunk boundaries, lines ending in CRLF, LF or CR (a CR at the
 * end of one chunk and an LF at the start of the next are one line break), a leading BOM ignored.
 *
 * Events are appended to the caller's array; nothing is dispatched for a block without `data:` lines,
 * and an event not closed by a blank line before the end is dropped (as the standard says). `event` and
 * `id`/`retry` are those of the event's own block; `lastEventId` and `retryMs` keep the latest values
 * seen, for reconnection. A line or an event longer than `maxEventBytes` characters fails the parse.
 */
import type { ServerSentEvent } from '../ServerSentEvent.js';

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  private skipLeadingLF = false;
  private data: string[] | null = null;
  private dataLength = 0;
  private type: string | undefined;
  private id: string | undefined;
  private retry: number | undefined;
  /** The id of the latest event block that had one (what `Last-Event-ID` should say). */
  lastEventId: string | undefined;
  /** The latest `retry:` the server sent. */
  retryMs: number | undefined;

  constructor(
    private readonly maxEventBytes: number,
    private readonly where: string,
  ) {}

  push(chunk: Uint8Array, out: ServerSentEvent[]): void {
    this.feed(this.decoder.decode(chunk, { stream: true }), out);
  }

  /** The stream ended: an event without its closing blank line is dropped. */
  end(out: ServerSentEvent[]): void {
    this.feed(this.decoder.decode(), out);
    this.partial = '';
    this.resetEvent();
  }

  private feed(text: string, out: ServerSentEvent[]): void {
    let start = 0;
    if (this.skipLeadingLF && text.length > 0) {
      if (text.charCodeAt(0) === 10) start = 1;
      this.skipLeadingLF = false;
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.partial.length > 0 ? this.partial + text.slice(start, i) : text.slice(start, i);
      this.partial = '';
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else this.skipLeadingLF = true;
      }
      start = i + 1;
      this.line(line, out);
    }
    if (start < text.length) {
      this.partial += text.slice(start);
      if (this.partial.length > this.maxEventBytes) this.tooLong();
    }
  }

  private line(line: string, out: ServerSentEvent[]): void {
    if (line.length === 0) {
      this.dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' — a comment (heartbeat)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        (this.data ??= []).push(value);
        this.dataLength += value.length + 1;
        if (this.dataLength > this.maxEventBytes) this.tooLong();
        break;
      case 'event':
        this.type = value;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.id = value;
          this.lastEventId = value;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) {
          this.retry = Number(value);
          this.retryMs = this.retry;
        }
        break;
      default:
      // Unknown fields are ignored, as the standard says.
    }
  }

  private dispatch(out: ServerSentEvent[]): void {
    if (this.data !== null) {
      const event: { data: string; event?: string; id?: string; retry?: number } = { data: this.data.join('\n') };
      if (this.type !== undefined && this.type.length > 0) event.event = this.type;
      if (this.id !== undefined) event.id = this.id;
      if (this.retry !== undefined) event.retry = this.retry;
      out.push(event);
    }
    this.resetEvent();
  }

  private resetEvent(): void {
    this.data = null;
    this.dataLength = 0;
    this.type = undefined;
    this.id = undefined;
    this.retry = undefined;
  }

  private tooLong(): never {
    throw new RangeError(`${this.where}: an event or line is longer than maxEventBytes=${this.maxEventBytes}`);
  }
}
