/**
 * Records and models arrive as objects (in-process), JSON text (files, HTTP, WebSocket) or bytes
 * (Kafka): this turns the last two into a value and leaves objects alone.
 * Returns the parse error's message instead of throwing, so each caller raises its own error type.
 */
export function parseJsonInput(input: unknown): { readonly value: unknown } | { readonly error: string } {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) text = decoder.decode(input);
  else return { value: input };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

const decoder = new TextDecoder();
