/**
 * Producer stages (Alpakka's `Producer`). Each materialization owns one kafkajs producer, connected when
 * the stream starts and disconnected when it ends.
 *
 * - **Emits when** (flexiFlow) all records of the envelope at the head are acknowledged — in input order.
 * - **Backpressures when** `ProducerSettings.parallelism` records are unacknowledged, or downstream does not pull.
 * - **Completes when** upstream completed and every record is acknowledged; **fails** when a send fails
 *   (after kafkajs' retries) or a record cannot be serialized.
 * - **Cancels when** downstream cancels.
 */
import { Flow, FlowWithContext, Keep, type NotUsed, Sink } from '@tributary/core';
import { Committer } from './Committer.js';
import type { CommitterSettings } from './CommitterSettings.js';
import type { Committable } from './ConsumerMessage.js';
import { ProducerStage } from './internal/ProducerStage.js';
import { describeValue } from './internal/validate.js';
import type { Envelope, ProducerRecord, Results } from './ProducerMessage.js';
import type { ProducerSettings } from './ProducerSettings.js';

export function checkProducerSettings(op: string, settings: unknown, transactional: boolean): void {
  if (settings === null || typeof settings !== 'object' || typeof (settings as { _validate?: unknown })._validate !== 'function') {
    throw new TypeError(`${op}: settings must be ProducerSettings, got ${describeValue(settings)}`);
  }
  (settings as ProducerSettings<unknown, unknown>)._validate(op, transactional);
}

export const Producer = {
  /**
   * Produces every record; the promise resolves when all are acknowledged.
   *
   * @example
   * await Source.range(1, 100)
   *   .map((n) => ({ topic: 'numbers', key: String(n), value: String(n) }))
   *   .runWith(Producer.plainSink(settings));
   */
  plainSink<K, V>(settings: ProducerSettings<K, V>): Sink<ProducerRecord<K, V>, Promise<void>> {
    checkProducerSettings('Producer.plainSink', settings, false);
    // The stage takes the records as they are (no envelopes, no results) — the fast path.
    const stage = new ProducerStage<K, V, undefined>(settings, 'Producer.plainSink', 'records');
    return (Flow.fromGraph(stage) as unknown as Flow<ProducerRecord<K, V>, unknown>).toMat(Sink.ignore(), Keep.right);
  },

  /**
   * Produces envelopes — `ProducerMessage.single`, `multi` (zero or more records) or `passThrough` (none) —
   * and emits, in order, a `Result`, `MultiResult` or `PassThroughResult` carrying the envelope's pass-through value.
   */
  flexiFlow<K, V, P>(settings: ProducerSettings<K, V>): Flow<Envelope<K, V, P>, Results<K, V, P>> {
    checkProducerSettings('Producer.flexiFlow', settings, false);
    return Flow.fromGraph(new ProducerStage<K, V, P>(settings, 'Producer.flexiFlow'));
  },

  /**
   * `flexiFlow` with context (Alpakka's `Producer.flowWithContext`): each envelope's context rides along as
   * its pass-through (the envelope's own pass-through is not used) and comes out with its results —
   * `ProducerMessage.passThrough` envelopes produce nothing and still emit their context, so an offset
   * whose record produced nothing is committed too.
   *
   * @example
   * Consumer.sourceWithOffsetContext(consumerSettings, Subscriptions.topics('in'))
   *   .map((record) => ProducerMessage.single({ topic: 'out', key: record.key, value: transform(record.value) }))
   *   .via(Producer.flowWithContext(producerSettings))
   *   .toMat(Committer.sinkWithOffsetContext(committerSettings), DrainingControl.create)
   *   .run();
   */
  flowWithContext<K, V, C>(settings: ProducerSettings<K, V>): FlowWithContext<Envelope<K, V, NotUsed>, C, Results<K, V, C>, C> {
    checkProducerSettings('Producer.flowWithContext', settings, false);
    const stage = new ProducerStage<K, V, C>(settings, 'Producer.flowWithContext');
    return FlowWithContext.fromTuples(
      Flow.create<[Envelope<K, V, NotUsed>, C]>()
        .map(([envelope, ctx]) => withPassThrough(envelope, ctx, 'Producer.flowWithContext'))
        .via(Flow.fromGraph(stage))
        .map((results): [Results<K, V, C>, C] => [results, results.passThrough]),
    );
  },

  /**
   * Produces the envelopes of a flow with offset context, then commits the offsets in batches
   * (Alpakka's `committableSinkWithOffsetContext`): `flowWithContext` followed by `Committer.sinkWithOffsetContext`.
   */
  committableSinkWithOffsetContext<K, V, C extends Committable>(
    producerSettings: ProducerSettings<K, V>,
    committerSettings: CommitterSettings,
  ): Sink<readonly [Envelope<K, V, unknown>, C], Promise<void>> {
    checkProducerSettings('Producer.committableSinkWithOffsetContext', producerSettings, false);
    const stage = new ProducerStage<K, V, C>(producerSettings, 'Producer.committableSinkWithOffsetContext');
    return Flow.create<readonly [Envelope<K, V, unknown>, C]>()
      .map(([envelope, ctx]) => withPassThrough(envelope, ctx, 'Producer.committableSinkWithOffsetContext'))
      .via(Flow.fromGraph(stage))
      .map((result): Committable => result.passThrough)
      .toMat(Committer.sink(committerSettings), Keep.right);
  },

  /**
   * Produces envelopes whose pass-through is a consumed offset, then commits those offsets in batches
   * (`flexiFlow` followed by `Committer.sink`): at-least-once from topic to topic.
   */
  committableSink<K, V, C extends Committable>(
    producerSettings: ProducerSettings<K, V>,
    committerSettings: CommitterSettings,
  ): Sink<Envelope<K, V, C>, Promise<void>> {
    checkProducerSettings('Producer.committableSink', producerSettings, false);
    return Flow.fromGraph(new ProducerStage<K, V, C>(producerSettings, 'Producer.committableSink'))
      .map((result): Committable => result.passThrough)
      .toMat(Committer.sink(committerSettings), Keep.right);
  },
} as const;

/** The envelope with `passThrough` as its pass-through value (contexts travel through the producer stage that way). */
export function withPassThrough<K, V, P>(envelope: Envelope<K, V, unknown>, passThrough: P, op: string): Envelope<K, V, P> {
  switch (envelope?.kind) {
    case 'message':
      return { kind: 'message', record: envelope.record, passThrough };
    case 'multi':
      return { kind: 'multi', records: envelope.records, passThrough };
    case 'passThrough':
      return { kind: 'passThrough', passThrough };
    default:
      throw new TypeError(`${op}: expected a ProducerMessage envelope (single, multi or passThrough), got ${describeValue(envelope)}`);
  }
}
