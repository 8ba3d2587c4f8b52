/**
 * Cutting a byte stream of JSON into one element per value (Akka's `JsonFraming`).
 */
import { JsonObjectScanner } from '../operators/jsonObjectScanner.js';
import { Flow } from './Flow.js';

export const JsonFraming = {
  /**
   * Emits the bytes of each top-level JSON value in the stream, whatever the chunking: values one after
   * another (whitespace or commas between them, e.g. NDJSON), or the elements of a top-level JSON array
   * (`[{…}, {…}]`, also several arrays in a row) — the array's brackets and commas are not emitted.
   * Strings and escapes are respected (a `}` or `"` inside a string does not end anything). Each element
   * is the value's exact bytes, ready for `JSON.parse(element.toString())`.
   *
   * The scanner checks structure (matching brackets, closed strings, top-level numbers and literals,
   * commas in the array), not the whole grammar inside a value: `JSON.parse` does that. Invalid
   * structure, a value longer than `maximumObjectLength` bytes, or a stream ending inside a value or
   * the top-level array fails the stream with a `FramingError` naming the byte offset in the stream.
   *
   * - **Emits when** a complete value is available and downstream pulls.
   * - **Backpressures when** downstream backpressures, or a complete value is waiting to be emitted.
   * - **Completes when** upstream completes and every value has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * @example
   * const items = await Source.from([Buffer.from('[{"id":1},{"na'), Buffer.from('me":"}"}]')])
   *   .via(JsonFraming.objectScanner(1024))
   *   .map((bytes) => JSON.parse(bytes.toString()))
   *   .runWith(Sink.seq()); // [{ id: 1 }, { name: '}' }]
   */
  objectScanner(maximumObjectLength: number): Flow<Uint8Array, Buffer> {
    return Flow.fromGraph(new JsonObjectScanner(maximumObjectLength));
  },
};
