/**
 * Immutable, inheritable settings of a graph: a name, the input buffer of async boundaries, the
 * supervision strategy, log levels, or custom entries. Attributes set on a composite are inherited by
 * every stage inside it; attributes set closer to a stage win over inherited ones.
 */
export type SupervisionDirective = 'stop' | 'resume' | 'restart';
/** Decides what an operator does when user code throws: stop the stream, skip the element, or reset state. */
export type Decider = (error: unknown) => SupervisionDirective;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';
export interface LogLevels {
  readonly onElement: LogLevel;
  readonly onFinish: LogLevel;
  readonly onFailure: LogLevel;
}

export interface InputBuffer {
  readonly initial: number;
  readonly max: number;
}

const stoppingDecider: Decider = () => 'stop';
const defaultInputBuffer: InputBuffer = { initial: 16, max: 16 };

export class Attributes {
  static readonly none = new Attributes(new Map());

  private constructor(private readonly entries: ReadonlyMap<string, unknown>) {}

  /** A custom attribute; later (more specific) values win. */
  static of(key: string, value: unknown): Attributes {
    return new Attributes(new Map([[key, value]]));
  }

  /** Names a graph; the name is used in error messages, logs and diagrams. */
  static name(name: string): Attributes {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(`Attributes.name(${String(name)}): name must be a non-empty string`);
    }
    return Attributes.of('name', name);
  }

  /**
   * Size of the input buffer (elements) of async boundaries, Reactive Streams boundaries and buffering
   * stages such as `delay`. Any positive integer: a stage whose ring buffer needs a power of two rounds
   * its storage up internally, but never holds more than `max` elements.
   */
  static inputBuffer(initial: number, max: number): Attributes {
    for (const [what, v] of [
      ['initial', initial],
      ['max', max],
    ] as const) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
        throw new RangeError(`Attributes.inputBuffer(${initial}, ${max}): ${what} must be a positive integer, got ${v}`);
      }
    }
    if (initial > max) throw new RangeError(`Attributes.inputBuffer(${initial}, ${max}): initial must not exceed max`);
    return Attributes.of('inputBuffer', { initial, max } satisfies InputBuffer);
  }

  /** The supervision strategy used by operators that call user code. */
  static supervisionStrategy(decider: Decider): Attributes {
    if (typeof decider !== 'function') throw new TypeError('Attributes.supervisionStrategy(decider): decider must be a function');
    return Attributes.of('supervision', decider);
  }

  static logLevels(levels: Partial<LogLevels>): Attributes {
    return Attributes.of('logLevels', { onElement: 'debug', onFinish: 'debug', onFailure: 'error', ...levels } satisfies LogLevels);
  }

  /** Marks a graph as its own island: it runs decoupled from its surroundings behind a buffer. */
  static readonly asyncBoundary = Attributes.of('asyncBoundary', true);

  /** These attributes with `other` on top (other's entries win). */
  and(other: Attributes): Attributes {
    if (other.entries.size === 0) return this;
    if (this.entries.size === 0) return other;
    const m = new Map(this.entries);
    for (const [k, v] of other.entries) m.set(k, v);
    return new Attributes(m);
  }

  /**
   * @internal What a stream nested inside a running stage inherits (substreams, flattened sources, the
   * inner streams of the Restart* stages), as in Pekko: the enclosing stage's attributes, under the
   * inner graph's own. Two entries stay behind: the name (it identifies the enclosing graph; inner
   * stages keep their own names) and the async-boundary marker (it belongs to the module it was set on).
   */
  get inheritedByInnerStreams(): Attributes {
    if (!this.entries.has('name') && !this.entries.has('asyncBoundary')) return this;
    const m = new Map(this.entries);
    m.delete('name');
    m.delete('asyncBoundary');
    return m.size === 0 ? Attributes.none : new Attributes(m);
  }

  get<T>(key: string): T | undefined {
    return this.entries.get(key) as T | undefined;
  }

  get name(): string | undefined {
    return this.entries.get('name') as string | undefined;
  }

  get inputBuffer(): InputBuffer {
    return (this.entries.get('inputBuffer') as InputBuffer | undefined) ?? defaultInputBuffer;
  }

  /** Whether an input buffer size was set explicitly (rather than the default). */
  get hasInputBuffer(): boolean {
    return this.entries.has('inputBuffer');
  }

  get supervisionDecider(): Decider {
    return (this.entries.get('supervision') as Decider | undefined) ?? stoppingDecider;
  }

  get logLevels(): LogLevels | undefined {
    return this.entries.get('logLevels') as LogLevels | undefined;
  }

  get isAsyncBoundary(): boolean {
    return this.entries.get('asyncBoundary') === true;
  }

  get isEmpty(): boolean {
    return this.entries.size === 0;
  }

  toString(): string {
    return `Attributes(${[...this.entries].map(([k, v]) => `${k}=${typeof v === 'function' ? 'fn' : JSON.stringify(v)}`).join(', ')})`;
  }
}
