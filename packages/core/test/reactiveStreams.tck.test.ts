/**
 * The Reactive Streams TCK (the testkit's port) against every boundary Tributary offers:
 *
 * | boundary                  | verifications                                                      |
 * | ------------------------- | ------------------------------------------------------------------ |
 * | Sink.asPublisher(false)   | PublisherVerification                                              |
 * | Sink.asPublisher(true)    | PublisherVerification (multicast optional tests included)          |
 * | Sink.fromSubscriber       | PublisherVerification (a publisher whose subscribe() runs a stream into Sink.fromSubscriber) |
 * | Source.fromPublisher      | PublisherVerification of fromPublisher(TCK helper) → fromSubscriber |
 * | Source.asSubscriber       | SubscriberBlackboxVerification, SubscriberWhiteboxVerification     |
 * | Flow.toProcessor()        | IdentityProcessorVerification (fanout false and true)             |
 *
 * ## The 12 skipped tests
 *
 * A non-fan-out boundary (`Sink.asPublisher(false)`, `Flow.toProcessor({ fanout: false })`) serves one
 * subscriber; a second one gets `onSubscribe` + `onError` (rule 1.11 makes multi-subscribe optional).
 * As in the Java TCK, the tests that need a second subscriber are skipped for them: the 5 `optional_spec111_…`
 * tests of each, and for the processor also the two required tests that the TCK runs only with
 * `maxSupportedSubscribers() >= 2`. The fan-out variants run and pass all of them. The last test of
 * this file checks that exactly these 12 are skipped, so a skip can never hide a regression.
 *
 * `Source.fromPublisher` creates its subscriber when the stream starts, so the TCK's synchronous
 * `createSubscriber()` cannot get hold of it; it is the same subscriber implementation as
 * `Source.asSubscriber` (subscriberInternals.ts), verified here with both subscriber verifications.
 */

import { Flow, Keep, Materializer, type Publisher, Sink, Source, type Subscriber } from '@tributary/core';
import { GraphStage, GraphStageLogic, type InHandler, Inlet, SinkShape } from '@tributary/core/stage';
import {
  HelperPublisher,
  identityProcessorVerification,
  publisherVerification,
  subscriberBlackboxVerification,
  subscriberWhiteboxVerification,
  type TestEnvironmentOptions,
  type WhiteboxSubscriberProbe,
} from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

const env: TestEnvironmentOptions = { defaultTimeoutMs: 1000, defaultNoSignalsTimeoutMs: 50 };
/** Every TCK test that skipped itself, as `suite: test`, with the TCK's reason. */
const skipped = new Map<string, string>();
const onSkipIn = (suiteName: string) => (test: string, reason: string) => void skipped.set(`${suiteName}: ${test}`, reason);
// Subscribers of the TCK that throw on purpose would otherwise be logged.
const mat = new Materializer({ logger: null });
const failure = (): Error => new Error('TCK: failed publisher');

function countingSource(elements: number): Source<number> {
  return elements === 0 ? Source.empty<number>() : Source.range(0, elements - 1);
}

for (const fanout of [false, true]) {
  publisherVerification<number>(
    {
      createPublisher: (elements) => countingSource(elements).runWith(Sink.asPublisher(fanout), mat),
      createFailedPublisher: () => Source.failed<number>(failure()).runWith(Sink.asPublisher(fanout), mat),
    },
    { describe, it },
    { env, suiteName: `PublisherVerification(Sink.asPublisher(${fanout}))`, onSkip: onSkipIn(`PublisherVerification(Sink.asPublisher(${fanout}))`) },
  );
}

/** A publisher whose every subscription is one run of `source` into `Sink.fromSubscriber`. */
function viaFromSubscriber(source: () => Source<number>): Publisher<number> {
  return {
    subscribe(subscriber: Subscriber<number>): void {
      source().runWith(Sink.fromSubscriber(subscriber), mat);
    },
  };
}

publisherVerification<number>(
  {
    createPublisher: (elements) => viaFromSubscriber(() => countingSource(elements)),
    createFailedPublisher: () => viaFromSubscriber(() => Source.failed<number>(failure())),
  },
  { describe, it },
  { env, suiteName: 'PublisherVerification(Sink.fromSubscriber)', onSkip: onSkipIn('PublisherVerification(Sink.fromSubscriber)') },
);

publisherVerification<number>(
  {
    createPublisher: (elements) => viaFromSubscriber(() => Source.fromPublisher(new HelperPublisher<number>(elements, (i) => i))),
    createFailedPublisher: () => viaFromSubscriber(() => Source.fromPublisher<number>(Source.failed<number>(failure()).runWith(Sink.asPublisher(false), mat))),
  },
  { describe, it },
  {
    env,
    suiteName: 'PublisherVerification(Source.fromPublisher → Sink.fromSubscriber)',
    onSkip: onSkipIn('PublisherVerification(Source.fromPublisher → Sink.fromSubscriber)'),
  },
);

subscriberBlackboxVerification<number>(
  {
    createSubscriber: () => {
      // The TCK fails some of these streams on purpose; their completion promise is not the subject.
      const [subscriber, done] = Source.asSubscriber<number>().toMat(Sink.ignore(), Keep.both).run(mat);
      done.catch(() => {});
      return subscriber;
    },
    createElement: (i) => i,
  },
  { describe, it },
  { env, suiteName: 'SubscriberBlackboxVerification(Source.asSubscriber)', onSkip: onSkipIn('SubscriberBlackboxVerification(Source.asSubscriber)') },
);

/**
 * The whitebox probe at the end of `Source.asSubscriber()`: downstream demand is the puppet's
 * `triggerRequest`, and every signal that reaches the end of the stream is reported to the probe.
 */
class WhiteboxProbeSink<T> extends GraphStage<SinkShape<T>> {
  readonly in = new Inlet<T>('WhiteboxProbeSink.in');
  readonly shape = new SinkShape(this.in);
  constructor(private readonly probe: WhiteboxSubscriberProbe<T>) {
    super();
  }
  createLogic(): GraphStageLogic {
    const inlet = this.in;
    const probe = this.probe;
    return new (class extends GraphStageLogic implements InHandler {
      private demand = 0;
      private readonly onRequest = this.getAsyncCallback((n: number) => {
        this.demand += n;
        this.pullIfDemanded();
      });
      private readonly onCancel = this.getAsyncCallback(() => this.cancel(inlet));
      constructor(shape: SinkShape<T>) {
        super(shape);
        this.setHandler(inlet, this);
      }
      override preStart(): void {
        probe.registerOnSubscribe({ triggerRequest: (n) => this.onRequest.invoke(n), signalCancel: () => this.onCancel.invoke(undefined) });
      }
      private pullIfDemanded(): void {
        if (this.demand > 0 && !this.isClosed(inlet) && !this.hasBeenPulled(inlet)) this.pull(inlet);
      }
      onPush(): void {
        this.demand--;
        probe.registerOnNext(this.grab(inlet));
        this.pullIfDemanded();
      }
      onUpstreamFinish(): void {
        probe.registerOnComplete();
        this.completeStage();
      }
      onUpstreamFailure(error: unknown): void {
        probe.registerOnError(error);
        this.completeStage();
      }
    })(this.shape);
  }
}

subscriberWhiteboxVerification<number>(
  {
    createSubscriber: (probe) => Source.asSubscriber<number>().to(new WhiteboxProbeSink(probe)).run(mat),
    createElement: (i) => i,
  },
  { describe, it },
  { env, suiteName: 'SubscriberWhiteboxVerification(Source.asSubscriber)', onSkip: onSkipIn('SubscriberWhiteboxVerification(Source.asSubscriber)') },
);

for (const fanout of [false, true]) {
  identityProcessorVerification<number>(
    {
      createIdentityProcessor: (bufferSize) => Flow.create<number>().toProcessor({ fanout, bufferSize }).run(mat),
      createElement: (i) => i,
      createFailedPublisher: () => Source.failed<number>(failure()).runWith(Sink.asPublisher(false), mat),
      ...(fanout ? {} : { maxSupportedSubscribers: () => 1 }),
    },
    { describe, it },
    {
      env,
      suiteName: `IdentityProcessorVerification(Flow.toProcessor({ fanout: ${fanout} }))`,
      onSkip: onSkipIn(`IdentityProcessorVerification(Flow.toProcessor({ fanout: ${fanout} }))`),
    },
  );
}

const multiSubscriberTests = [
  'optional_spec111_maySupportMultiSubscribe',
  'optional_spec111_registeredSubscribersMustReceiveOnNextOrOnCompleteSignals',
  'optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne',
  'optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront',
  'optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfrontAndCompleteAsExpected',
];

describe('the skipped TCK tests', () => {
  it('are exactly the 12 that need a second subscriber, on the two single-subscriber boundaries', () => {
    const expected = [
      ...multiSubscriberTests.map((t) => `PublisherVerification(Sink.asPublisher(false)): ${t}`),
      ...[
        ...multiSubscriberTests,
        'required_spec104_mustCallOnErrorOnAllItsSubscribersIfItEncountersANonRecoverableError',
        'required_mustRequestFromUpstreamForElementsThatHaveBeenRequestedLongAgo',
      ].map((t) => `IdentityProcessorVerification(Flow.toProcessor({ fanout: false })): ${t}`),
    ];
    expect([...skipped.keys()].sort()).toEqual(expected.sort());
  });
});
