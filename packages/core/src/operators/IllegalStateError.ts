/** Raised when an operation is not allowed in the current state, e.g. a second concurrent `offer` to a backpressured `Source.queue`. */
export class IllegalStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalStateError';
  }
}
