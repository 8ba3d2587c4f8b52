/** Errors raised by the Kafka connector. Each names the stage and the record or setting concerned. */

/** A record's key or value could not be deserialized. Nothing after this record is emitted. */
export class KafkaDeserializationError extends Error {
  constructor(
    readonly stage: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly field: 'key' | 'value',
    override readonly cause: unknown,
  ) {
    super(
      `${stage}: cannot deserialize the ${field} of the record at topic=${topic} partition=${partition} offset=${offset}: ` +
        (cause instanceof Error ? cause.message : String(cause)),
    );
    this.name = 'KafkaDeserializationError';
  }
}

/** A message's key or value could not be serialized; the producer stage fails. */
export class KafkaSerializationError extends Error {
  constructor(
    readonly stage: string,
    readonly topic: string,
    readonly field: 'key' | 'value',
    override readonly cause: unknown,
  ) {
    super(`${stage}: cannot serialize the ${field} of a message for topic=${topic}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'KafkaSerializationError';
  }
}

/** A commit did not succeed within `ConsumerSettings.commitTimeoutMs` (retries included). */
export class CommitTimeoutError extends Error {
  constructor(
    readonly consumer: string,
    readonly timeoutMs: number,
    override readonly cause: unknown,
  ) {
    super(`${consumer}: offsets could not be committed within ${timeoutMs} ms` + (cause instanceof Error ? ` (last error: ${cause.message})` : ''));
    this.name = 'CommitTimeoutError';
  }
}

/** Offsets were committed through a consumer that has already been closed. */
export class ConsumerClosedError extends Error {
  constructor(readonly consumer: string) {
    super(`${consumer}: the Kafka consumer is closed; offsets cannot be committed through it any more`);
    this.name = 'ConsumerClosedError';
  }
}
