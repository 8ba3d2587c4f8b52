/**
 * Port of `org.reactivestreams.tck.IdentityProcessorVerification` (Reactive Streams TCK 1.0.4): runs the
 * `PublisherVerification` against the processor's publishing side, the `SubscriberWhiteboxVerification`
 * against its consuming side (rule 4.1), plus processor-specific tests.
 */
import type { Processor, Publisher, Subscriber, Subscription } from '@tributary/core';
import type { PublisherVerificationOptions, PublisherVerificationSpec } from './PublisherVerification.js';
import { publisherVerificationDefinitions } from './PublisherVerification.js';
import type { TckRegistrar, TckTest, TckTestDefinition } from './registration.js';
import { registerTests, skip, toTckTests } from './registration.js';
import type { SubscriberPuppet, SubscriberWhiteboxVerificationSpec, WhiteboxSubscriberProbe } from './SubscriberWhiteboxVerification.js';
import { subscriberWhiteboxVerificationDefinitions, WhiteboxTestStage } from './SubscriberWhiteboxVerification.js';
import { elementsEqual, fmt, ManualPublisher, ManualSubscriber, TestEnvironment } from './TestEnvironment.js';

export interface IdentityProcessorVerificationSpec<T> {
  /** A processor forwarding every element unchanged, able to buffer `bufferSize` elements internally. */
  createIdentityProcessor(bufferSize: number): Processor<T, T>;
  /** The `i`-th test element (must be distinct for distinct `i`). */
  createElement(i: number): T;
  /** A publisher signalling `onSubscribe` then `onError` to every subscriber, or `null` to skip those tests. */
  createFailedPublisher(): Publisher<T> | null;
  /** Optional: the upstream of test elements; defaults to the TCK's helper publisher of `createElement(i)`. */
  createHelperPublisher?(elements: number): Publisher<T>;
  /** See `PublisherVerificationSpec.maxElementsFromPublisher`. */
  maxElementsFromPublisher?(): number;
  /** See `PublisherVerificationSpec.boundedDepthOfOnNextAndRequestRecursion`. */
  boundedDepthOfOnNextAndRequestRecursion?(): number;
  /**
   * How many subscribers the processor supports at once (default unlimited); tests needing more
   * subscribers than this are skipped.
   */
  maxSupportedSubscribers?(): number;
  skipStochasticTests?: boolean | (() => boolean);
}

export interface IdentityProcessorVerificationOptions extends PublisherVerificationOptions {
  /** Number of elements the processor must be able to buffer; default `TestEnvironment.TEST_BUFFER_SIZE` (16). */
  processorBufferSize?: number;
}

export function identityProcessorVerificationDefinitions<T>(
  spec: IdentityProcessorVerificationSpec<T>,
  options: IdentityProcessorVerificationOptions = {},
): TckTestDefinition[] {
  const processorBufferSize = options.processorBufferSize ?? TestEnvironment.TEST_BUFFER_SIZE;

  const helperPublisher = (env: TestEnvironment, elements: number): Publisher<T> =>
    spec.createHelperPublisher?.(elements) ?? env.createHelperPublisher(elements, (i) => spec.createElement(i));

  // A Processor must obey all Publisher rules on its publishing side.
  const publisherSpecOf = (env: TestEnvironment): PublisherVerificationSpec<T> => {
    const publisherSpec: PublisherVerificationSpec<T> = {
      createPublisher(elements) {
        const processor = spec.createIdentityProcessor(processorBufferSize);
        const pub = helperPublisher(env, elements);
        pub.subscribe(processor);
        return processor; // we run the PublisherVerification against this
      },
      createFailedPublisher: () => spec.createFailedPublisher(),
    };
    if (spec.maxElementsFromPublisher) publisherSpec.maxElementsFromPublisher = () => spec.maxElementsFromPublisher?.() ?? Number.MAX_SAFE_INTEGER;
    if (spec.boundedDepthOfOnNextAndRequestRecursion) {
      publisherSpec.boundedDepthOfOnNextAndRequestRecursion = () => spec.boundedDepthOfOnNextAndRequestRecursion?.() ?? 1;
    }
    if (spec.skipStochasticTests !== undefined) publisherSpec.skipStochasticTests = spec.skipStochasticTests;
    return publisherSpec;
  };

  // A Processor must obey all Subscriber rules on its consuming side.
  const whiteboxSpec: SubscriberWhiteboxVerificationSpec<T> = {
    createElement: (i) => spec.createElement(i),
    createSubscriber: (probe) => createSubscriber(probe),
  };
  if (spec.createHelperPublisher) whiteboxSpec.createHelperPublisher = (n) => spec.createHelperPublisher?.(n) as Publisher<T>;

  const createSubscriber = (probe: WhiteboxSubscriberProbe<T>): Subscriber<T> => {
    const processor = spec.createIdentityProcessor(processorBufferSize);
    let subscribed = false;
    processor.subscribe({
      onSubscribe(subscription: Subscription) {
        if (subscribed) {
          subscription.cancel(); // the probe must itself pass the subscriber verification
          return;
        }
        subscribed = true;
        const puppet: SubscriberPuppet = {
          triggerRequest: (elements) => subscription.request(elements),
          signalCancel: () => subscription.cancel(),
        };
        probe.registerOnSubscribe(puppet);
      },
      onNext: (element) => probe.registerOnNext(element),
      onComplete: () => probe.registerOnComplete(),
      onError: (cause) => probe.registerOnError(cause),
    });
    return processor; // we run the SubscriberVerification against this
  };

  const maxSupportedSubscribers = (): number => spec.maxSupportedSubscribers?.() ?? Infinity;

  /** Java's `optionalMultipleSubscribersTest`. */
  const multipleSubscribersTest = (required: number, body: (setup: TestSetup<T>, env: TestEnvironment) => Promise<void>) => async (env: TestEnvironment) => {
    if (required > maxSupportedSubscribers()) {
      skip(`The Publisher under test only supports ${maxSupportedSubscribers()} subscribers, while this test requires at least ${required} to run.`);
    }
    const setup = await new TestSetup<T>(env, spec, processorBufferSize, helperPublisher(env, Infinity)).init();
    await body(setup, env);
  };

  const defs: TckTestDefinition[] = [];
  const publisherDefs = publisherVerificationDefinitions(publisherSpecOf, options);
  const whiteboxDefs = subscriberWhiteboxVerificationDefinitions((env) => new WhiteboxTestStage<T>(env, whiteboxSpec));
  const take = (list: TckTestDefinition[], name: string): void => {
    const i = list.findIndex((d) => d.name === name);
    const found = list[i];
    if (found === undefined) throw new Error(`internal: no TCK test ${name}`);
    list.splice(i, 1);
    defs.push(found);
  };

  // The order follows the Java class.
  for (const name of [
    'required_validate_maxElementsFromPublisher',
    'required_validate_boundedDepthOfOnNextAndRequestRecursion',
    'required_createPublisher1MustProduceAStreamOfExactly1Element',
    'required_createPublisher3MustProduceAStreamOfExactly3Elements',
  ]) {
    take(publisherDefs, name);
  }
  defs.push(...publisherDefs.splice(0));

  // Verifies rule 1.4 for multiple subscribers
  defs.push({
    name: 'required_spec104_mustCallOnErrorOnAllItsSubscribersIfItEncountersANonRecoverableError',
    kind: 'required',
    body: multipleSubscribersTest(2, async (setup, env) => {
      const sub1 = new ManualSubscriber<T>(env);
      await env.subscribe(setup.processor, sub1);
      const sub2 = new ManualSubscriber<T>(env);
      await env.subscribe(setup.processor, sub2);

      sub1.request(1);
      await setup.expectRequest();
      const x = await setup.sendNextTFromUpstream();
      await setup.expectNextElement(sub1, x);
      sub1.request(1);

      // sub1 has received one element, and has one demand pending
      // sub2 has not yet requested anything

      const ex = new Error('Test exception');
      setup.sendError(ex);
      await sub1.expectErrorCause(ex);
      await sub2.expectErrorCause(ex);

      env.verifyNoAsyncErrorsNoDelay();
    }),
  });

  // A Processor must immediately pass on `onError` events received from its upstream to its downstream
  defs.push({
    name: 'mustImmediatelyPassOnOnErrorEventsReceivedFromItsUpstreamToItsDownstream',
    kind: 'required',
    body: async (env) => {
      const setup = await new TestSetup<T>(env, spec, processorBufferSize, helperPublisher(env, Infinity)).init();
      const sub = new ManualSubscriber<T>(env);
      await env.subscribe(setup.processor, sub);

      const ex = new Error('Test exception');
      setup.sendError(ex);
      await sub.expectErrorCause(ex); // "immediately", i.e. without a preceding request

      env.verifyNoAsyncErrorsNoDelay();
    },
  });

  defs.push(...whiteboxDefs.splice(0));

  // A Processor must trigger `requestFromUpstream` for elements that have been requested 'long ago'
  defs.push({
    name: 'required_mustRequestFromUpstreamForElementsThatHaveBeenRequestedLongAgo',
    kind: 'required',
    body: multipleSubscribersTest(2, async (setup, env) => {
      const sub1 = await setup.newSubscriber();
      sub1.request(20);

      let totalRequests = await setup.expectRequest();
      const x = await setup.sendNextTFromUpstream();
      await setup.expectNextElement(sub1, x);

      if (totalRequests === 1) totalRequests += await setup.expectRequest();
      const y = await setup.sendNextTFromUpstream();
      await setup.expectNextElement(sub1, y);

      if (totalRequests === 2) totalRequests += await setup.expectRequest();

      const sub2 = await setup.newSubscriber();

      // sub1 now has 18 pending
      // sub2 has 0 pending

      const z = await setup.sendNextTFromUpstream();
      await setup.expectNextElement(sub1, z);
      await sub2.expectNone(); // since sub2 hasn't requested anything yet

      sub2.request(1);
      await setup.expectNextElement(sub2, z);

      if (totalRequests === 3) await setup.expectRequest();

      // to avoid error messages during test harness shutdown
      setup.sendCompletion();
      await sub1.expectCompletion();
      await sub2.expectCompletion();

      env.verifyNoAsyncErrorsNoDelay();
    }),
  });

  return defs;
}

/** A processor subscribed to a `ManualPublisher` upstream, plus a source of test elements (`tees`). */
export class TestSetup<T> extends ManualPublisher<T> {
  readonly processor: Processor<T, T>;
  private tees: ManualSubscriber<T> | undefined;
  private readonly seenTees: T[] = [];

  constructor(
    env: TestEnvironment,
    spec: IdentityProcessorVerificationSpec<T>,
    bufferSize: number,
    private readonly elementSource: Publisher<T>,
  ) {
    super(env);
    this.processor = spec.createIdentityProcessor(bufferSize);
  }

  async init(): Promise<this> {
    this.tees = await this.env.newManualSubscriber(this.elementSource);
    this.subscribe(this.processor);
    return this;
  }

  newSubscriber(): Promise<ManualSubscriber<T>> {
    return this.env.newManualSubscriber(this.processor);
  }

  async nextT(): Promise<T> {
    if (this.tees === undefined) throw this.env.fail('TestSetup was not initialised');
    const t = await this.tees.requestNextElement('Helper publisher did not produce a test element');
    if (this.seenTees.some((seen) => elementsEqual(seen, t))) {
      throw this.env.fail(`Helper publisher illegally produced the same element ${fmt(t)} twice`);
    }
    this.seenTees.push(t);
    return t;
  }

  async expectNextElement(sub: ManualSubscriber<T>, expected: T): Promise<void> {
    const elem = await sub.nextElement(`timeout while awaiting ${fmt(expected)}`);
    if (!elementsEqual(elem, expected)) {
      throw this.env.fail(`Received \`onNext(${fmt(elem)})\` on downstream but expected \`onNext(${fmt(expected)})\``);
    }
  }

  async sendNextTFromUpstream(): Promise<T> {
    const x = await this.nextT();
    this.sendNext(x);
    return x;
  }
}

/** The `IdentityProcessorVerification` tests, ready to be registered with any test runner. */
export function identityProcessorVerificationTests<T>(
  spec: IdentityProcessorVerificationSpec<T>,
  options: IdentityProcessorVerificationOptions = {},
): TckTest[] {
  return toTckTests(identityProcessorVerificationDefinitions(spec, options), options);
}

/** Register the `IdentityProcessorVerification` tests with e.g. vitest's `{ describe, it }`. */
export function identityProcessorVerification<T>(
  spec: IdentityProcessorVerificationSpec<T>,
  registrar: TckRegistrar,
  options: IdentityProcessorVerificationOptions = {},
): void {
  registerTests(registrar, options.suiteName ?? 'IdentityProcessorVerification', identityProcessorVerificationTests(spec, options));
}
