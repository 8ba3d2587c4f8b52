/**
 * Inputs and environments for the byte-operator properties (not a test file itself): a whole byte
 * string cut into chunks at random points (empty chunks included), emitted by an array source, an
 * iterator or a source in its own island; the operator placed directly or behind an async boundary;
 * random interpreter chunking, sink placement and demand.
 */

import { Attributes, type Flow, Source } from '@tributary/core';
import fc from 'fast-check';
import {
  describeTerminal,
  type InterpreterSettings,
  interpreterSettingsArb,
  labelled,
  runUnderDemand,
  scheduleArb,
  sinkPlacementArb,
  type Terminal,
} from './harness.js';

/** Cuts `bytes` into chunks of the given sizes (0 = an empty chunk); the rest is one last chunk. */
export function cut(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  for (const n of sizes) {
    if (i >= bytes.length) break;
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  if (i < bytes.length) out.push(bytes.subarray(i));
  return out;
}

/** Chunk sizes: mostly tiny (so boundaries fall everywhere), sometimes large. */
export const sizesArb: fc.Arbitrary<number[]> = fc.array(
  fc.oneof({ arbitrary: fc.integer({ min: 0, max: 4 }), weight: 4 }, { arbitrary: fc.integer({ min: 5, max: 64 }), weight: 1 }),
  {
    maxLength: 60,
  },
);

export type SourceKind = 'array' | 'iterator' | 'async';

export interface ByteEnv {
  readonly sizes: readonly number[];
  readonly sourceKind: SourceKind;
  /** Input buffer of an async boundary before the operator, or undefined for none. */
  readonly operatorBuffer: number | undefined;
  readonly sinkBuffer: number | undefined;
  readonly schedule: readonly number[];
  readonly settings: InterpreterSettings;
}

export const byteEnvArb: fc.Arbitrary<ByteEnv> = fc
  .record({
    sizes: sizesArb,
    sourceKind: fc.constantFrom<SourceKind>('array', 'iterator', 'async'),
    operatorBuffer: fc.option(fc.constantFrom(1, 2, 16), { nil: undefined, freq: 3 }),
    sinkBuffer: sinkPlacementArb,
    schedule: scheduleArb,
    settings: interpreterSettingsArb,
  })
  .map((env) =>
    labelled(
      env,
      `{ sizes: [${env.sizes.join(',')}], source: ${env.sourceKind}, operator async: ${String(env.operatorBuffer)}, sink async: ${String(env.sinkBuffer)}, schedule: [${env.schedule.join(',')}], settings: ${String(env.settings)} }`,
    ),
  );

function sourceOf(chunks: Buffer[], kind: SourceKind): Source<Uint8Array> {
  if (kind === 'array') return Source.from<Uint8Array>(chunks);
  const iterated = Source.from<Uint8Array>({
    *[Symbol.iterator]() {
      yield* chunks;
    },
  });
  return kind === 'async' ? iterated.async() : iterated;
}

export interface ByteRun<T> {
  readonly elements: T[];
  readonly terminal: Terminal;
  readonly chunks: Buffer[];
}

/** Runs `whole`, cut and emitted as `env` says, through `flow` under the demand schedule (harness invariants checked). */
export async function runBytes<T>(whole: Buffer, flow: Flow<Uint8Array, T, unknown>, env: ByteEnv): Promise<ByteRun<T>> {
  const chunks = cut(whole, env.sizes);
  const placed = env.operatorBuffer === undefined ? flow : flow.async().withAttributes(Attributes.inputBuffer(env.operatorBuffer, env.operatorBuffer));
  const out = await runUnderDemand(sourceOf(chunks, env.sourceKind).via(placed), env.schedule, { asyncSinkBuffer: env.sinkBuffer, settings: env.settings });
  return { elements: out.elements, terminal: out.terminal, chunks };
}

/** The outcome an oracle predicts: elements, then completion or a failure whose message matches. */
export interface Expected<T> {
  readonly elements: T[];
  readonly error?: RegExp | string;
}

export function describeOutcome(run: ByteRun<unknown>): string {
  return `${run.elements.length} elements, then ${describeTerminal(run.terminal)}`;
}
