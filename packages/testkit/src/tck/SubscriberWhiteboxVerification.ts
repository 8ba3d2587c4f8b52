/**
 * Port of `org.reactivestreams.tck.SubscriberWhiteboxVerification` (Reactive Streams TCK 1.0.4).
 *
 * The subscriber under test reports what it receives to a `WhiteboxSubscriberProbe` and, once it holds
 * a subscription, hands the probe a `SubscriberPuppet` through which the TCK makes it `request`/`cancel`.
 */
import type { Publisher, Subscriber, Subscription } from '@tributary/core';
import type { TckRegistrar, TckTest, TckTestDefinition, VerificationOptions } from './registration.js';
import { registerTests, toTckTests } from './registration.js';
import type { ErrorClass, ManualSubscriber, TestEnvironment } from './TestEnvironment.js';
import { describeObject, elementsEqual, fmt, Latch, ManualPublisher, OneShot, Receptacle, TestException } from './TestEnvironment.js';

/** Implemented by the TCK; the test calls these to make the subscriber under test act. */
export interface SubscriberPuppet {
  /** Make the subscriber call `subscription.request(elements)`. */
  triggerRequest(elements: number): void;
  /** Make the subscriber call `subscription.cancel()`. */
  signalCancel(): void;
}

/** What the subscriber under test must report to (Java's `SubscriberPuppeteer` + `SubscriberProbe`). */
export interface SubscriberProbe<T> {
  /** Call from `onSubscribe`, once the subscription has been registered, with a puppet driving it. */
  registerOnSubscribe(puppet: SubscriberPuppet): void;
  /** Call from `onNext`. */
  registerOnNext(element: T): void;
  /** Call from `onComplete`. */
  registerOnComplete(): void;
  /** Call from `onError`. */
  registerOnError(cause: unknown): void;
}

export interface SubscriberWhiteboxVerificationSpec<T> {
  /** A new subscriber under test that reports its signals to `probe`. */
  createSubscriber(probe: WhiteboxSubscriberProbe<T>): Subscriber<T>;
  /** The `i`-th test element (must be distinct for distinct `i`). */
  createElement(i: number): T;
  /**
   * Optional: the publisher of `elements` test elements (`Infinity` = infinite) the TCK draws elements
   * from; defaults to the TCK's own asynchronous helper publisher of `createElement(i)`.
   */
  createHelperPublisher?(elements: number): Publisher<T>;
}

/** Records and checks what a subscriber reports (Java's `BlackboxProbe`). */
export class BlackboxProbe<T> {
  protected readonly elements: Receptacle<T>;
  protected readonly error: OneShot<unknown>;

  constructor(
    protected readonly env: TestEnvironment,
    private readonly describeSubscriber: () => string,
  ) {
    this.elements = new Receptacle<T>(env);
    this.error = new OneShot<unknown>(env);
  }

  registerOnNext(element: T): void {
    this.env.debug(() => `probe: registerOnNext(${fmt(element)})`);
    this.elements.add(element);
  }

  registerOnComplete(): void {
    this.env.debug('probe: registerOnComplete()');
    if (this.elements.isTerminated) {
      this.env.flop('subscriber::onComplete was called a second time, which is illegal according to Rule 1.7');
      return;
    }
    this.elements.complete();
  }

  registerOnError(cause: unknown): void {
    this.env.debug(() => `probe: registerOnError(${fmt(cause)})`);
    if (!this.error.complete(cause)) {
      this.env.flop('subscriber::onError was called a second time, which is illegal according to Rule 1.7');
    }
  }

  protected sub(): string {
    return this.describeSubscriber();
  }

  /** Expect `registerOnNext(_)` with any element, and return it. */
  expectAnyNext(timeoutMs = this.env.defaultTimeoutMs): Promise<T> {
    return this.elements.next(timeoutMs, `Subscriber ${this.sub()} did not call \`registerOnNext(_)\``);
  }

  /** Expect `registerOnNext(expected)`. */
  async expectNext(expected: T, timeoutMs = this.env.defaultTimeoutMs): Promise<void> {
    const received = await this.elements.next(timeoutMs, `Subscriber ${this.sub()} did not call \`registerOnNext(${fmt(expected)})\``);
    if (!elementsEqual(received, expected)) {
      throw this.env.fail(`Subscriber ${this.sub()} called \`registerOnNext(${fmt(received)})\` rather than \`registerOnNext(${fmt(expected)})\``);
    }
  }

  expectCompletion(timeoutMs = this.env.defaultTimeoutMs, message = `Subscriber ${this.sub()} did not call \`registerOnComplete()\``): Promise<void> {
    return this.elements.expectCompletion(timeoutMs, message);
  }

  /** Expect `registerOnError` with an instance of `type`. */
  async expectError<E>(type: ErrorClass<E>, timeoutMs = this.env.defaultTimeoutMs): Promise<E> {
    const cause = await this.error.expectCompletion(timeoutMs, `Subscriber ${this.sub()} did not call \`registerOnError(${type.name})\``);
    if (cause instanceof type) return cause;
    throw this.env.fail(`Subscriber ${this.sub()} called \`registerOnError(${fmt(cause)})\` rather than \`registerOnError(${type.name})\``, cause);
  }

  /** Expect `registerOnError(expected)` with exactly this cause. */
  async expectErrorCause(expected: unknown, timeoutMs = this.env.defaultTimeoutMs): Promise<void> {
    const cause = await this.error.expectCompletion(timeoutMs, `Subscriber ${this.sub()} did not call \`registerOnError(${fmt(expected)})\``);
    if (cause !== expected) {
      throw this.env.fail(`Subscriber ${this.sub()} called \`registerOnError(${fmt(cause)})\` rather than \`registerOnError(${fmt(expected)})\``, cause);
    }
  }

  async expectErrorWithMessage<E>(type: ErrorClass<E>, requiredMessagePart: string, timeoutMs = this.env.defaultTimeoutMs): Promise<E> {
    const err = await this.expectError(type, timeoutMs);
    const message = err instanceof Error ? err.message : String(err);
    if (!message.includes(requiredMessagePart)) {
      throw this.env.fail(`Got expected exception ${fmt(err)} but missing message [${requiredMessagePart}], was: ${JSON.stringify(message)}`);
    }
    return err;
  }

  expectNone(withinMs = this.env.defaultNoSignalsTimeoutMs): Promise<void> {
    return this.elements.expectNone(withinMs, 'Expected nothing, but got ');
  }
}

/** The probe handed to the subscriber under test in whitebox verification. */
export class WhiteboxSubscriberProbe<T> extends BlackboxProbe<T> implements SubscriberProbe<T> {
  readonly puppet: OneShot<SubscriberPuppet>;

  constructor(env: TestEnvironment, describeSubscriber: () => string) {
    super(env, describeSubscriber);
    this.puppet = new OneShot<SubscriberPuppet>(env);
  }

  registerOnSubscribe(puppet: SubscriberPuppet): void {
    this.env.debug('probe: registerOnSubscribe()');
    this.puppet.complete(puppet); // a second registration is ignored, as in the Java TCK
  }
}

/**
 * Orchestrates a whitebox test: a `ManualPublisher` feeding the subscriber under test with elements
 * drawn (`tees`) from the helper publisher.
 */
export class WhiteboxTestStage<T> extends ManualPublisher<T> {
  pub: Publisher<T> | undefined;
  tees: ManualSubscriber<T> | undefined;
  probe: WhiteboxSubscriberProbe<T> | undefined;
  lastT: T | undefined;

  constructor(
    env: TestEnvironment,
    private readonly spec: SubscriberWhiteboxVerificationSpec<T>,
  ) {
    super(env);
  }

  /** Java's `WhiteboxTestStage(env, runDefaultInit = true)`. */
  async init(): Promise<this> {
    this.pub = this.createHelperPublisher(Infinity);
    this.tees = await this.env.newManualSubscriber(this.pub);
    this.probe = this.createWhiteboxSubscriberProbe();
    this.subscribe(this.createSubscriber(this.probe));
    await this.probe.puppet.expectCompletion(this.env.defaultTimeoutMs, `Subscriber ${this.describeSub()} did not \`registerOnSubscribe\``);
    this.env.verifyNoAsyncErrorsNoDelay();
    return this;
  }

  describeSub(): string {
    return this.subscriber.isCompleted ? describeObject(this.subscriber.value()) : '<not subscribed yet>';
  }

  sub(): Subscriber<T> {
    return this.subscriber.value();
  }

  puppet(): SubscriberPuppet {
    return this.requireProbe().puppet.value();
  }

  requireProbe(): WhiteboxSubscriberProbe<T> {
    if (this.probe === undefined) throw this.env.fail('WhiteboxTestStage has no probe');
    return this.probe;
  }

  createHelperPublisher(elements: number): Publisher<T> {
    return this.spec.createHelperPublisher?.(elements) ?? this.env.createHelperPublisher(elements, (i) => this.spec.createElement(i));
  }

  /** The spec's `createSubscriber`. */
  createSubscriber(probe: WhiteboxSubscriberProbe<T>): Subscriber<T> {
    return this.spec.createSubscriber(probe);
  }

  createWhiteboxSubscriberProbe(): WhiteboxSubscriberProbe<T> {
    return new WhiteboxSubscriberProbe<T>(this.env, () => this.describeSub());
  }

  async signalNext(): Promise<T> {
    const element = await this.nextT();
    this.sendNext(element);
    return element;
  }

  async nextT(): Promise<T> {
    if (this.tees === undefined) throw this.env.fail('WhiteboxTestStage was not initialised');
    const t = await this.tees.requestNextElement('Helper publisher did not produce a test element');
    this.lastT = t;
    return t;
  }

  verifyNoAsyncErrors(): Promise<void> {
    return this.env.verifyNoAsyncErrors();
  }
}

/** A subscription that flags any `request`/`cancel` made synchronously from within a subscriber's `signal`. */
function reentrancyCheckingSubscription(
  env: TestEnvironment,
  signal: 'onComplete' | 'onError',
): { subscription: Subscription; during(body: () => void): void } {
  let inside = false;
  const subscription: Subscription = {
    request(n) {
      if (inside) env.flop(`Subscription::request(${n}) MUST NOT be called from Subscriber::${signal} (Rule 2.3)!`);
    },
    cancel() {
      if (inside) env.flop(`Subscription::cancel MUST NOT be called from Subscriber::${signal} (Rule 2.3)!`);
    },
  };
  return {
    subscription,
    during(body) {
      inside = true;
      try {
        body();
      } finally {
        inside = false;
      }
    },
  };
}

type StageSource<T> = (env: TestEnvironment) => WhiteboxTestStage<T>;

/** The test definitions (internal; also reused by `IdentityProcessorVerification`). */
export function subscriberWhiteboxVerificationDefinitions<T>(stageOf: StageSource<T>): TckTestDefinition[] {
  const defs: TckTestDefinition[] = [];
  const def = (name: string, body: (env: TestEnvironment) => Promise<void>): void => {
    defs.push({ name, kind: 'required', body });
  };
  /** Java's `subscriberTest`: a stage with the subscriber under test subscribed and its puppet registered. */
  const subscriberTest = (body: (stage: WhiteboxTestStage<T>, env: TestEnvironment) => Promise<void>) => async (env: TestEnvironment) => {
    const stage = await stageOf(env).init();
    await body(stage, env);
  };
  /** Java's `subscriberTestWithoutSetup`. */
  const subscriberTestWithoutSetup = (body: (stage: WhiteboxTestStage<T>, env: TestEnvironment) => Promise<void>) => async (env: TestEnvironment) => {
    await body(stageOf(env), env);
  };

  def(
    'required_exerciseWhiteboxHappyPath',
    subscriberTest(async (stage) => {
      stage.puppet().triggerRequest(1);
      stage.puppet().triggerRequest(1);

      const receivedRequests = await stage.expectRequest();

      await stage.signalNext();
      await stage.requireProbe().expectNext(stage.lastT as T);

      stage.puppet().triggerRequest(1);
      if (receivedRequests === 1) await stage.expectRequest();

      await stage.signalNext();
      await stage.requireProbe().expectNext(stage.lastT as T);

      stage.puppet().signalCancel();
      await stage.expectCancelling();

      await stage.verifyNoAsyncErrors();
    }),
  );

  def(
    'required_spec201_mustSignalDemandViaSubscriptionRequest',
    subscriberTest(async (stage) => {
      stage.puppet().triggerRequest(1);
      await stage.expectRequest();
      await stage.signalNext();
    }),
  );

  for (const signal of ['onComplete', 'onError'] as const) {
    def(
      `required_spec203_mustNotCallMethodsOnSubscriptionOrPublisherIn${signal === 'onComplete' ? 'OnComplete' : 'OnError'}`,
      subscriberTestWithoutSetup(async (stage, env) => {
        const checking = reentrancyCheckingSubscription(env, signal);
        stage.probe = stage.createWhiteboxSubscriberProbe();
        const sub = stage.createSubscriber(stage.probe);
        sub.onSubscribe(checking.subscription);
        checking.during(() => (signal === 'onComplete' ? sub.onComplete() : sub.onError(new TestException())));
        env.verifyNoAsyncErrorsNoDelay();
      }),
    );
  }

  def(
    'required_spec205_mustCallSubscriptionCancelIfItAlreadyHasAnSubscriptionAndReceivesAnotherOnSubscribeSignal',
    subscriberTest(async (stage, env) => {
      // try to subscribe another time; the subscriber must cancel the second subscription
      const secondSubscriptionCancelled = new Latch(env);
      const sub = stage.sub();
      const subscription = {
        request() {
          // ignore
        },
        cancel() {
          secondSubscriptionCancelled.close();
        },
        toString: () => 'SecondSubscription(should get cancelled)',
      } as Subscription;
      sub.onSubscribe(subscription);
      await secondSubscriptionCancelled.expectClose(
        'Expected 2nd Subscription given to subscriber to be cancelled, but `Subscription.cancel()` was not called (Rule 2.5)',
      );
      await env.verifyNoAsyncErrors();
    }),
  );

  def(
    'required_spec208_mustBePreparedToReceiveOnNextSignalsAfterHavingCalledSubscriptionCancel',
    subscriberTest(async (stage) => {
      stage.puppet().triggerRequest(1);
      stage.puppet().signalCancel();
      await stage.signalNext();

      stage.puppet().triggerRequest(1);
      stage.puppet().triggerRequest(1);

      await stage.verifyNoAsyncErrors();
    }),
  );

  def(
    'required_spec209_mustBePreparedToReceiveAnOnCompleteSignalWithPrecedingRequestCall',
    subscriberTest(async (stage) => {
      stage.puppet().triggerRequest(1);
      stage.sendCompletion();
      await stage.requireProbe().expectCompletion();
      await stage.verifyNoAsyncErrors();
    }),
  );

  def(
    'required_spec209_mustBePreparedToReceiveAnOnCompleteSignalWithoutPrecedingRequestCall',
    subscriberTest(async (stage) => {
      stage.sendCompletion();
      await stage.requireProbe().expectCompletion();
      await stage.verifyNoAsyncErrors();
    }),
  );

  def(
    'required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall',
    subscriberTest(async (stage, env) => {
      stage.puppet().triggerRequest(1);
      stage.puppet().triggerRequest(1);
      const ex = new TestException();
      stage.sendError(ex);
      await stage.requireProbe().expectErrorCause(ex);
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def(
    'required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithoutPrecedingRequestCall',
    subscriberTest(async (stage, env) => {
      const ex = new TestException();
      stage.sendError(ex);
      await stage.requireProbe().expectErrorCause(ex);
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def(
    'required_spec213_onSubscribe_mustThrowNullPointerExceptionWhenParametersAreNull',
    subscriberTest(async (stage, env) => {
      const sub = stage.sub();
      env.expectThrowing(TypeError, () => sub.onSubscribe(null as unknown as Subscription), 'onSubscribe(null) must throw a TypeError (Rule 2.13)');
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def(
    'required_spec213_onNext_mustThrowNullPointerExceptionWhenParametersAreNull',
    subscriberTest(async (stage, env) => {
      const sub = stage.sub();
      env.expectThrowing(TypeError, () => sub.onNext(null as unknown as T), 'onNext(null) must throw a TypeError (Rule 2.13)');
      env.expectThrowing(TypeError, () => sub.onNext(undefined as unknown as T), 'onNext(undefined) must throw a TypeError (Rule 2.13)');
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def(
    'required_spec213_onError_mustThrowNullPointerExceptionWhenParametersAreNull',
    subscriberTest(async (stage, env) => {
      const sub = stage.sub();
      env.expectThrowing(TypeError, () => sub.onError(null), 'onError(null) must throw a TypeError (Rule 2.13)');
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def(
    'required_spec308_requestMustRegisterGivenNumberElementsToBeProduced',
    subscriberTest(async (stage) => {
      const probe = stage.requireProbe();
      stage.puppet().triggerRequest(2);
      await probe.expectNext(await stage.signalNext());
      await probe.expectNext(await stage.signalNext());

      await probe.expectNone();
      stage.puppet().triggerRequest(3);

      await stage.verifyNoAsyncErrors();
    }),
  );

  return defs;
}

/** Internal: the stage factory for a whitebox spec. */
export function whiteboxStageFactory<T>(spec: SubscriberWhiteboxVerificationSpec<T>): StageSource<T> {
  return (env) => new WhiteboxTestStage<T>(env, spec);
}

/** The `SubscriberWhiteboxVerification` tests, ready to be registered with any test runner. */
export function subscriberWhiteboxVerificationTests<T>(spec: SubscriberWhiteboxVerificationSpec<T>, options: VerificationOptions = {}): TckTest[] {
  return toTckTests(subscriberWhiteboxVerificationDefinitions(whiteboxStageFactory(spec)), options);
}

/** Register the `SubscriberWhiteboxVerification` tests with e.g. vitest's `{ describe, it }`. */
export function subscriberWhiteboxVerification<T>(
  spec: SubscriberWhiteboxVerificationSpec<T>,
  registrar: TckRegistrar,
  options: VerificationOptions = {},
): void {
  registerTests(registrar, options.suiteName ?? 'SubscriberWhiteboxVerification', subscriberWhiteboxVerificationTests(spec, options));
}
