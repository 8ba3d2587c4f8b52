/**
 * Port of `org.reactivestreams.tck.SubscriberBlackboxVerification` (Reactive Streams TCK 1.0.4):
 * verifies a `Subscriber` without any cooperation from it (fewer rules can be checked than whitebox).
 */
import type { Publisher, Subscriber, Subscription } from '@tributary/core';
import type { TckRegistrar, TckTest, TckTestDefinition, VerificationOptions } from './registration.js';
import { registerTests, toTckTests } from './registration.js';
import { BlackboxProbe } from './SubscriberWhiteboxVerification.js';
import type { ManualSubscriber, TestEnvironment } from './TestEnvironment.js';
import { describeObject, Latch, ManualPublisher, TestException } from './TestEnvironment.js';

export interface SubscriberBlackboxVerificationSpec<T> {
  /** A new subscriber under test. */
  createSubscriber(): Subscriber<T>;
  /** The `i`-th test element (must be distinct for distinct `i`). */
  createElement(i: number): T;
  /**
   * Override if the subscriber needs an external stimulus before it signals demand; called with the
   * subscriber under test. By default nothing happens.
   */
  triggerRequest?(subscriber: Subscriber<T>): void;
  /** Optional: the publisher of test elements; defaults to the TCK's helper publisher of `createElement(i)`. */
  createHelperPublisher?(elements: number): Publisher<T>;
}

/** Decorates the subscriber under test, recording what it is sent (Java's `BlackboxSubscriberProxy`). */
export class BlackboxSubscriberProxy<T> extends BlackboxProbe<T> implements Subscriber<T> {
  constructor(
    env: TestEnvironment,
    private readonly subscriber: Subscriber<T>,
  ) {
    super(env, () => describeObject(subscriber));
  }

  /** The subscriber under test. */
  get underlying(): Subscriber<T> {
    return this.subscriber;
  }

  onSubscribe(s: Subscription): void {
    this.subscriber.onSubscribe(s);
  }

  onNext(t: T): void {
    this.registerOnNext(t);
    this.subscriber.onNext(t);
  }

  onError(cause: unknown): void {
    this.registerOnError(cause);
    this.subscriber.onError(cause);
  }

  onComplete(): void {
    this.registerOnComplete();
    this.subscriber.onComplete();
  }

  override toString(): string {
    return `BlackboxSubscriberProxy(${describeObject(this.subscriber)})`;
  }
}

export class BlackboxTestStage<T> extends ManualPublisher<T> {
  pub: Publisher<T> | undefined;
  tees: ManualSubscriber<T> | undefined;
  lastT: T | undefined;
  private proxy: BlackboxSubscriberProxy<T> | undefined;

  constructor(
    env: TestEnvironment,
    private readonly spec: SubscriberBlackboxVerificationSpec<T>,
  ) {
    super(env);
  }

  /** Java's `BlackboxTestStage(env, runDefaultInit = true)`. */
  async init(): Promise<this> {
    this.pub = this.createHelperPublisher(Infinity);
    this.tees = await this.env.newManualSubscriber(this.pub);
    this.proxy = new BlackboxSubscriberProxy<T>(this.env, this.spec.createSubscriber());
    this.subscribe(this.proxy);
    return this;
  }

  /** The subscriber as subscribed to this stage (the proxy around the subscriber under test). */
  sub(): Subscriber<T> {
    return this.subscriber.value();
  }

  subProxy(): BlackboxSubscriberProxy<T> {
    if (this.proxy === undefined) throw this.env.fail('BlackboxTestStage was not initialised');
    return this.proxy;
  }

  createHelperPublisher(elements: number): Publisher<T> {
    return this.spec.createHelperPublisher?.(elements) ?? this.env.createHelperPublisher(elements, (i) => this.spec.createElement(i));
  }

  async signalNext(): Promise<T> {
    const element = await this.nextT();
    this.sendNext(element);
    return element;
  }

  async nextT(): Promise<T> {
    if (this.tees === undefined) throw this.env.fail('BlackboxTestStage was not initialised');
    const t = await this.tees.requestNextElement('Helper publisher did not produce a test element');
    this.lastT = t;
    return t;
  }
}

export function subscriberBlackboxVerificationDefinitions<T>(spec: SubscriberBlackboxVerificationSpec<T>): TckTestDefinition[] {
  const defs: TckTestDefinition[] = [];
  const def = (name: string, body: (env: TestEnvironment) => Promise<void>): void => {
    defs.push({ name, kind: 'required', body });
  };
  const triggerRequest = (subscriber: Subscriber<T>): void => spec.triggerRequest?.(subscriber);
  const blackboxSubscriberTest = (body: (stage: BlackboxTestStage<T>, env: TestEnvironment) => Promise<void>) => async (env: TestEnvironment) => {
    const stage = await new BlackboxTestStage<T>(env, spec).init();
    await body(stage, env);
  };
  const blackboxSubscriberWithoutSetupTest = (body: (env: TestEnvironment) => Promise<void>) => (env: TestEnvironment) => body(env);

  def(
    'required_spec201_blackbox_mustSignalDemandViaSubscriptionRequest',
    blackboxSubscriberTest(async (stage) => {
      triggerRequest(stage.subProxy().underlying);
      const requested = await stage.expectRequest(); // assuming the subscriber wants to consume elements...
      const signalsToEmit = Math.min(requested, 512); // protect against subscribers sending ridiculously large demand

      // should cope with up to `requested` elements (checking for cancellation every 10 elements)
      for (let i = 0; i < signalsToEmit && !(i % 10 === 0 && stage.isCancelled); i++) {
        await stage.signalNext();
      }
      // complete after `signalsToEmit` (possibly less than requested), legal under rule 1.2
      stage.sendCompletion();
    }),
  );

  for (const signal of ['onComplete', 'onError'] as const) {
    def(
      `required_spec203_blackbox_mustNotCallMethodsOnSubscriptionOrPublisherIn${signal === 'onComplete' ? 'OnComplete' : 'OnError'}`,
      blackboxSubscriberWithoutSetupTest(async (env) => {
        let inside = false;
        const subs: Subscription = {
          request(n) {
            if (inside) env.flop(`Subscription::request(${n}) MUST NOT be called from Subscriber::${signal} (Rule 2.3)!`);
          },
          cancel() {
            if (inside) env.flop(`Subscription::cancel MUST NOT be called from Subscriber::${signal} (Rule 2.3)!`);
          },
        };
        const sub = spec.createSubscriber();
        sub.onSubscribe(subs);
        inside = true;
        try {
          if (signal === 'onComplete') sub.onComplete();
          else sub.onError(new TestException());
        } finally {
          inside = false;
        }
        env.verifyNoAsyncErrorsNoDelay();
      }),
    );
  }

  def(
    'required_spec205_blackbox_mustCallSubscriptionCancelIfItAlreadyHasAnSubscriptionAndReceivesAnotherOnSubscribeSignal',
    blackboxSubscriberTest(async (stage, env) => {
      // try to subscribe another time; the subscriber must cancel the second subscription
      const secondSubscriptionCancelled = new Latch(env);
      const sub = stage.sub();
      sub.onSubscribe({
        request(elements: number) {
          env.flop(`Subscriber ${describeObject(stage.subProxy().underlying)} illegally called \`subscription.request(${elements})\`!`);
        },
        cancel() {
          secondSubscriptionCancelled.close();
        },
        toString: () => 'SecondSubscription(should get cancelled)',
      } as Subscription);
      await secondSubscriptionCancelled.expectClose(
        'Expected SecondSubscription given to subscriber to be cancelled, but `Subscription.cancel()` was not called (Rule 2.5)',
      );
      env.verifyNoAsyncErrorsNoDelay();
      stage.sendCompletion(); // we're done, complete the subscriber under test
    }),
  );

  def(
    'required_spec209_blackbox_mustBePreparedToReceiveAnOnCompleteSignalWithPrecedingRequestCall',
    blackboxSubscriberTest(async (stage) => {
      triggerRequest(stage.subProxy().underlying);
      await stage.expectRequest(); // received request signal
      stage.sub().onComplete();
      await stage.subProxy().expectCompletion();
    }),
  );

  def(
    'required_spec209_blackbox_mustBePreparedToReceiveAnOnCompleteSignalWithoutPrecedingRequestCall',
    blackboxSubscriberTest(async (stage) => {
      stage.sub().onComplete();
      await stage.subProxy().expectCompletion();
    }),
  );

  def(
    'required_spec210_blackbox_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall',
    blackboxSubscriberTest(async (stage) => {
      triggerRequest(stage.subProxy().underlying);
      await stage.expectRequest(); // received request signal
      stage.sub().onError(new TestException()); // in response to that, we fail
      await stage.subProxy().expectError(Error);
    }),
  );

  def(
    'required_spec210_blackbox_mustBePreparedToReceiveAnOnErrorSignalWithoutPrecedingRequestCall',
    blackboxSubscriberTest(async (stage) => {
      stage.sub().onError(new TestException());
      await stage.subProxy().expectError(Error);
    }),
  );

  def(
    'required_spec213_blackbox_onSubscribe_mustThrowNullPointerExceptionWhenParametersAreNull',
    blackboxSubscriberWithoutSetupTest(async (env) => {
      const sub = spec.createSubscriber();
      env.expectThrowing(TypeError, () => sub.onSubscribe(null as unknown as Subscription), 'onSubscribe(null) did not throw TypeError (Rule 2.13)');
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  const noopSubscription: Subscription = {
    request() {},
    cancel() {},
  };

  def(
    'required_spec213_blackbox_onNext_mustThrowNullPointerExceptionWhenParametersAreNull',
    blackboxSubscriberWithoutSetupTest(async (env) => {
      const sub = spec.createSubscriber();
      sub.onSubscribe(noopSubscription);
      env.expectThrowing(TypeError, () => sub.onNext(null as unknown as T), 'onNext(null) did not throw TypeError (Rule 2.13)');
      env.expectThrowing(TypeError, () => sub.onNext(undefined as unknown as T), 'onNext(undefined) did not throw TypeError (Rule 2.13)');
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def(
    'required_spec213_blackbox_onError_mustThrowNullPointerExceptionWhenParametersAreNull',
    blackboxSubscriberWithoutSetupTest(async (env) => {
      const sub = spec.createSubscriber();
      sub.onSubscribe(noopSubscription);
      env.expectThrowing(TypeError, () => sub.onError(null), 'onError(null) did not throw TypeError (Rule 2.13)');
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  return defs;
}

/** The `SubscriberBlackboxVerification` tests, ready to be registered with any test runner. */
export function subscriberBlackboxVerificationTests<T>(spec: SubscriberBlackboxVerificationSpec<T>, options: VerificationOptions = {}): TckTest[] {
  return toTckTests(subscriberBlackboxVerificationDefinitions(spec), options);
}

/** Register the `SubscriberBlackboxVerification` tests with e.g. vitest's `{ describe, it }`. */
export function subscriberBlackboxVerification<T>(
  spec: SubscriberBlackboxVerificationSpec<T>,
  registrar: TckRegistrar,
  options: VerificationOptions = {},
): void {
  registerTests(registrar, options.suiteName ?? 'SubscriberBlackboxVerification', subscriberBlackboxVerificationTests(spec, options));
}
