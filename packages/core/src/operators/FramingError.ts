/**
 * The failure of the byte-framing operators (`Framing.*`, `JsonFraming.objectScanner`, `TextFlow.lines`):
 * the bytes do not have the structure the operator was told to expect — a frame over the limit, a
 * truncated last frame, invalid JSON structure. The message names the operator, the limit and what
 * was seen.
 */
export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}
