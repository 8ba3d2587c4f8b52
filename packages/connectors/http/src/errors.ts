/** Errors the HTTP connector raises itself (network errors from Node and undici pass through unchanged). */

/** An entity was longer than the limit in force (`maxRequestEntityBytes`, `toStrict`'s `maxBytes`, …). */
export class EntityStreamSizeError extends Error {
  constructor(
    readonly limit: number,
    readonly actualSize: number | undefined,
    where: string,
  ) {
    super(`${where}: the entity is larger than the limit of ${limit} bytes${actualSize === undefined ? '' : ` (declared ${actualSize} bytes)`}`);
    this.name = 'EntityStreamSizeError';
  }
}

/**
 * The bytes of an entity that comes from the network can be read once; this is the second attempt
 * (or the entity was already discarded).
 */
export class EntityConsumedError extends Error {
  constructor(how: string) {
    super(`HttpEntity: this entity's bytes come from a connection and can be consumed only once; it was already ${how}`);
    this.name = 'EntityConsumedError';
  }
}

/**
 * A response entity nobody subscribed to within `responseEntitySubscriptionTimeoutMs` was discarded,
 * to give its connection back to the pool; reading it afterwards fails with this error.
 */
export class EntitySubscriptionTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    description: string,
  ) {
    super(
      `HttpEntity: the response entity of ${description} was not subscribed to within ${timeoutMs} ms ` +
        '(responseEntitySubscriptionTimeoutMs) and was discarded so that it could not starve the connection pool; ' +
        'read the entity (dataBytes, toStrict, text, json) or call discardBytes() on every response',
    );
    this.name = 'EntitySubscriptionTimeoutError';
  }
}

/** `Http.singleRequest` was called while the shared pool already had `maxOpenRequests` requests open. */
export class PoolOverflowError extends Error {
  constructor(
    readonly origin: string,
    readonly maxOpenRequests: number,
  ) {
    super(
      `Http.singleRequest: the pool for ${origin} already has ${maxOpenRequests} open requests (maxOpenRequests); ` +
        'read or discard the response entities, raise ConnectionPoolSettings.maxOpenRequests, or use Http.hostConnectionPool, which back-pressures instead',
    );
    this.name = 'PoolOverflowError';
  }
}

/** An event stream answered with something other than `200` and `text/event-stream`. */
export class EventSourceError extends Error {
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(`EventSource(${url}): ${message}`);
    this.name = 'EventSourceError';
  }
}
