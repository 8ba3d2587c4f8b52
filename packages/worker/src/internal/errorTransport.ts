/**
 * Errors across the thread boundary. Structured clone keeps an Error's message and stack but drops its
 * own properties (`code`, …) and the name of any class it does not know; so an error is sent as plain
 * data and rebuilt on the other side: the same built-in class where there is one (`TypeError` stays a
 * `TypeError`), otherwise an `Error` carrying the original `name`; same message, same stack, the own
 * properties that can be cloned, and the cause, rebuilt the same way. A thrown value that is not an
 * Error crosses as itself when it can be cloned, else as its string form.
 */
export type SerializedError =
  | {
      readonly kind: 'error';
      readonly name: string;
      readonly message: string;
      readonly stack: string | undefined;
      readonly props: Record<string, unknown>;
      readonly cause?: SerializedError;
    }
  | { readonly kind: 'value'; readonly value: unknown };

const builtins: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

const MaxCauseDepth = 8;

function cloneable(v: unknown): boolean {
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

export function serializeError(e: unknown, depth = 0): SerializedError {
  if (!(e instanceof Error)) return { kind: 'value', value: cloneable(e) ? e : String(e) };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(e)) {
    if (key === 'cause' || key === 'name' || key === 'message' || key === 'stack') continue;
    const v = (e as unknown as Record<string, unknown>)[key];
    if (cloneable(v)) props[key] = v;
  }
  const base = { kind: 'error' as const, name: e.name, message: e.message, stack: e.stack, props };
  if (!('cause' in e) || depth >= MaxCauseDepth) return base;
  return { ...base, cause: serializeError(e.cause, depth + 1) };
}

export function deserializeError(s: SerializedError): unknown {
  if (s.kind === 'value') return s.value;
  const Ctor = Object.hasOwn(builtins, s.name) ? builtins[s.name]! : Error;
  const e = new Ctor(s.message);
  if (e.name !== s.name) Object.defineProperty(e, 'name', { value: s.name, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(e, 'stack', { value: s.stack, writable: true, configurable: true, enumerable: false });
  Object.assign(e, s.props);
  if (s.cause !== undefined) Object.defineProperty(e, 'cause', { value: deserializeError(s.cause), writable: true, configurable: true, enumerable: false });
  return e;
}
