/**
 * Pluggable (de)serializers. A deserializer turns the raw bytes of a record's key or value into a
 * value; a serializer does the reverse. Both are plain functions, so any codec (Avro, protobuf, …)
 * plugs in without an adapter.
 *
 * A deserializer that throws fails the consumer stream with a `KafkaDeserializationError` that names
 * the topic, partition and offset of the record (or skips the record when the source's supervision
 * strategy says `resume`/`restart`).
 */
import type { RecordHeaders } from './ConsumerRecord.js';

/** Where the bytes come from. The object is reused between calls: do not keep it. */
export interface DeserializationContext {
  readonly topic: string;
  readonly partition: number;
  readonly headers: RecordHeaders;
}

/** Bytes (`null` for a null key or a tombstone) → value. May throw on bad input. */
export type Deserializer<T> = (data: Buffer | null, context: DeserializationContext) => T;

/** Value → bytes (a string is sent as UTF-8; `null` as a null key/value). May throw on bad input. */
export type Serializer<T> = (value: T, topic: string) => Buffer | string | null;

const bufferDeserializer: Deserializer<Buffer | null> = (data) => data;
const stringDeserializer: Deserializer<string | null> = (data) => (data === null ? null : data.toString('utf8'));

export const Deserializers = {
  /** The raw bytes, unchanged. */
  buffer: bufferDeserializer,
  /** UTF-8 text; `null` stays `null`. */
  string: stringDeserializer,
  /** `JSON.parse` of the UTF-8 text; `null` stays `null`. Malformed JSON throws (and fails the stream). */
  json<T = unknown>(reviver?: (key: string, value: unknown) => unknown): Deserializer<T | null> {
    return (data) => (data === null ? null : (JSON.parse(data.toString('utf8'), reviver) as T));
  },
} as const;

const bufferSerializer: Serializer<Buffer | null> = (value) => value;
const stringSerializer: Serializer<string | null> = (value) => value;

export const Serializers = {
  /** The bytes, unchanged. */
  buffer: bufferSerializer,
  /** The string, sent as UTF-8. */
  string: stringSerializer,
  /** `JSON.stringify(value)`; `null` is sent as a null value (a tombstone). */
  json<T = unknown>(): Serializer<T | null> {
    return (value) => {
      if (value === null) return null;
      const text = JSON.stringify(value);
      if (text === undefined) throw new TypeError(`Serializers.json: ${typeof value} cannot be serialized to JSON`);
      return text;
    };
  },
} as const;
