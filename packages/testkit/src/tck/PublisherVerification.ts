/**
 * Port of `org.reactivestreams.tck.PublisherVerification` (Reactive Streams TCK 1.0.4).
 *
 * JS adaptations: `Long.MAX_VALUE` demand is `Infinity`; `IllegalArgumentException` is `RangeError`;
 * `NullPointerException` is `TypeError`; "thread-local stack depth" is a plain counter (single thread).
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Publisher, Subscriber, Subscription } from '@tributary/core';
import type { TckRegistrar, TckTest, TckTestDefinition, TckTestKind, VerificationOptions } from './registration.js';
import { registerTests, skip, toTckTests } from './registration.js';
import type { TestEnvironment } from './TestEnvironment.js';
import { BlackholeSubscriber, describeObject, elementsEqual, fmt, Latch, ManualSubscriber, sleep, TckSkip, TestSubscriber } from './TestEnvironment.js';

export interface PublisherVerificationSpec<T> {
  /**
   * A publisher of exactly `elements` elements followed by `onComplete` (`elements` may be 0).
   * Only called with `elements <= maxElementsFromPublisher()`.
   */
  createPublisher(elements: number): Publisher<T>;
  /**
   * A publisher that signals `onSubscribe` followed by `onError` to every subscriber (rule 1.9), or
   * `null` to skip the tests that need one.
   */
  createFailedPublisher(): Publisher<T> | null;
  /**
   * How many elements the publisher can produce at most (default `Number.MAX_SAFE_INTEGER`). Return
   * `Infinity` (= `PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE`) if it can never signal `onComplete`: tests
   * requiring completion are then skipped.
   */
  maxElementsFromPublisher?(): number;
  /** Maximum allowed depth of `request -> onNext -> request -> ...` recursion (rule 3.3); default 1. */
  boundedDepthOfOnNextAndRequestRecursion?(): number;
  /** Skip tests that can only verify a rule stochastically. */
  skipStochasticTests?: boolean | (() => boolean);
}

export interface PublisherVerificationOptions extends VerificationOptions {
  /**
   * After cancelling, how long the publisher may take to drop its reference to the subscriber
   * (rule 3.13); default 300 ms (as in the Java TCK). The test polls, so a prompt publisher passes fast.
   */
  publisherReferenceGCTimeoutMs?: number;
  /**
   * A function forcing a full garbage collection. Defaults to `globalThis.gc` (node `--expose-gc`),
   * else one obtained via `v8.setFlagsFromString('--expose-gc')`; if none is available rule 3.13 is skipped.
   */
  gc?: () => unknown;
}

/** Return this from `maxElementsFromPublisher` for publishers that never complete. */
export const PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE = Infinity;

const SKIPPING_NO_ERROR_PUBLISHER_AVAILABLE =
  'Skipping because no error state Publisher provided, and the test requires it. Please implement createFailedPublisher to run this test.';

type SpecSource<T> = (env: TestEnvironment) => PublisherVerificationSpec<T>;

/** The test definitions (internal; also reused by `IdentityProcessorVerification`). */
export function publisherVerificationDefinitions<T>(specOf: SpecSource<T>, options: PublisherVerificationOptions = {}): TckTestDefinition[] {
  const gcTimeoutMs = options.publisherReferenceGCTimeoutMs ?? 300;
  const defs: TckTestDefinition[] = [];
  const def = (kind: TckTestKind, name: string, body: (env: TestEnvironment) => Promise<void>): void => {
    defs.push({ name, kind, body });
  };

  const maxElements = (spec: PublisherVerificationSpec<T>): number => spec.maxElementsFromPublisher?.() ?? Number.MAX_SAFE_INTEGER;
  const boundedDepth = (spec: PublisherVerificationSpec<T>): number => spec.boundedDepthOfOnNextAndRequestRecursion?.() ?? 1;
  const skipStochastic = (spec: PublisherVerificationSpec<T>): boolean => {
    const s = spec.skipStochasticTests;
    return typeof s === 'function' ? s.call(spec) : s === true;
  };

  /** Java's `activePublisherTest` / `optionalActivePublisherTest` (optional-ness is handled by the test kind). */
  const activePublisherTest = async (
    env: TestEnvironment,
    elements: number,
    completionSignalRequired: boolean,
    body: (pub: Publisher<T>, spec: PublisherVerificationSpec<T>) => Promise<void>,
  ): Promise<void> => {
    const spec = specOf(env);
    const max = maxElements(spec);
    if (elements > max) {
      skip(`Unable to run this test, as required elements nr: ${elements} is higher than supported by given producer: ${max}`);
    }
    if (completionSignalRequired && max === PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE) {
      skip(
        'Unable to run this test, as it requires an onComplete signal, which this Publisher is unable to provide (as signalled by returning Infinity from `maxElementsFromPublisher()`)',
      );
    }
    const pub = spec.createPublisher(elements);
    await body(pub, spec);
    env.verifyNoAsyncErrorsNoDelay();
  };

  const whenHasErrorPublisherTest = async (env: TestEnvironment, body: (pub: Publisher<T>) => Promise<void>): Promise<void> => {
    const pub = specOf(env).createFailedPublisher();
    if (pub == null) skip(SKIPPING_NO_ERROR_PUBLISHER_AVAILABLE);
    await body(pub);
  };

  const cancelAll = (...subs: Array<ManualSubscriber<T> | undefined>): void => {
    for (const s of subs) s?.cancelQuietly();
  };

  // ------------------------------------------------------------------ TEST SETUP VERIFICATION

  def('required', 'required_createPublisher1MustProduceAStreamOfExactly1Element', (env) =>
    activePublisherTest(env, 1, true, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      const p = describeObject(pub);
      const first = await sub.requestNextElementOrEndOfStream(`Timeout while waiting for next element from Publisher ${p}`);
      if (first === undefined) throw env.fail(`Publisher ${p} produced no elements`);
      await sub.requestEndOfStream(`Publisher ${p} did not complete after its only element`);
    }),
  );

  def('required', 'required_createPublisher3MustProduceAStreamOfExactly3Elements', (env) =>
    activePublisherTest(env, 3, true, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      const p = describeObject(pub);
      const msg = `Timeout while waiting for next element from Publisher ${p}`;
      if ((await sub.requestNextElementOrEndOfStream(msg)) === undefined) throw env.fail(`Publisher ${p} produced no elements`);
      if ((await sub.requestNextElementOrEndOfStream(msg)) === undefined) throw env.fail(`Publisher ${p} produced only 1 element`);
      if ((await sub.requestNextElementOrEndOfStream(msg)) === undefined) throw env.fail(`Publisher ${p} produced only 2 elements`);
      await sub.requestEndOfStream(`Publisher ${p} did not complete after 3 elements`);
    }),
  );

  def('required', 'required_validate_maxElementsFromPublisher', async (env) => {
    const max = maxElements(specOf(env));
    if (!(max >= 0)) throw env.fail(`maxElementsFromPublisher MUST return a number >= 0, was ${max}`);
  });

  def('required', 'required_validate_boundedDepthOfOnNextAndRequestRecursion', async (env) => {
    const depth = boundedDepth(specOf(env));
    if (!(depth >= 1)) throw env.fail(`boundedDepthOfOnNextAndRequestRecursion must return a number >= 1, was ${depth}`);
  });

  // ------------------------------------------------------------------ SPEC RULE VERIFICATION

  def('required', 'required_spec101_subscriptionRequestMustResultInTheCorrectNumberOfProducedElements', (env) =>
    activePublisherTest(env, 5, false, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      const p = describeObject(pub);
      try {
        await sub.expectNone(`Publisher ${p} produced value before the first \`request\`: `);
        sub.request(1);
        await sub.nextElement(`Publisher ${p} produced no element after first \`request\``);
        await sub.expectNone(`Publisher ${p} produced unrequested: `);

        sub.request(1);
        sub.request(2);
        await sub.nextElements(3, `Publisher ${p} produced less than 3 elements after two respective \`request\` calls`);

        await sub.expectNone(`Publisher ${p} produced unrequested `);
      } finally {
        sub.cancelQuietly();
      }
    }),
  );

  def('required', 'required_spec102_maySignalLessThanRequestedAndTerminateSubscription', (env) =>
    activePublisherTest(env, 3, true, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      sub.request(10);
      await sub.nextElements(3);
      await sub.expectCompletion();
    }),
  );

  def('stochastic', 'stochastic_spec103_mustSignalOnMethodsSequentially', async (env) => {
    if (skipStochastic(specOf(env))) skip('Skipping @Stochastic test because `skipStochasticTests` is `true`!');
    const iterations = 100;
    const elements = 10;
    for (let runNumber = 0; runNumber < iterations; runNumber++) {
      await activePublisherTest(env, elements, true, async (pub) => {
        const completionLatch = new Latch(env);
        let gotElements = 0;
        // In a single-threaded runtime "concurrent" signals can only be re-entrant ones; synchronous
        // nesting caused by our own `request` (onSubscribe -> request -> onNext) is legal, as in Java.
        let subs: Subscription | undefined;
        let terminated = false;
        let inSignal: string | undefined;
        let inRequest = 0;
        const enter = (signal: string): string | undefined => {
          if (terminated) env.flop(`Publisher signalled ${signal} after a terminal signal (Rule 1.7)`);
          if (inSignal !== undefined && inRequest === 0) {
            env.flop(`Illegal concurrent access detected (entering critical section)! ${signal} emitted before ${inSignal} finished (Rule 1.3)`);
          }
          const previous = inSignal;
          inSignal = signal;
          return previous;
        };
        const request = (n: number): void => {
          inRequest += 1;
          try {
            subs?.request(n);
          } finally {
            inRequest -= 1;
          }
        };
        const subscriber: Subscriber<T> = {
          onSubscribe(s) {
            const prev = enter('onSubscribe()');
            if (subs !== undefined) env.flop('onSubscribe signalled twice (Rule 1.9)');
            subs = s;
            request(1);
            inSignal = prev;
          },
          onNext(element) {
            const prev = enter(`onNext(${fmt(element)})`);
            if (subs === undefined) env.flop('onNext before onSubscribe (Rule 1.9)');
            gotElements += 1;
            if (gotElements <= elements) request(1); // requesting one more than we know are in the stream
            inSignal = prev;
          },
          onError(cause) {
            const prev = enter(`onError(${fmt(cause)})`);
            terminated = true;
            env.flop(`Unexpected onError(${fmt(cause)})`, cause);
            inSignal = prev;
          },
          onComplete() {
            const prev = enter('onComplete()');
            terminated = true;
            inSignal = prev;
            completionLatch.close();
          },
        };
        pub.subscribe(subscriber);
        await completionLatch.expectClose(
          `Failed in iteration ${runNumber} of ${iterations}. Expected completion signal after signalling ${elements} elements (signalled ${gotElements}), yet did not receive it`,
          elements * env.defaultTimeoutMs,
        );
      });
    }
  });

  def('optional', 'optional_spec104_mustSignalOnErrorWhenFails', (env) =>
    whenHasErrorPublisherTest(env, async (pub) => {
      const onErrorLatch = new Latch(env);
      const onSubscribeLatch = new Latch(env);
      const sub = new (class extends TestSubscriber<T> {
        override onSubscribe(): void {
          onSubscribeLatch.assertOpen('Only one onSubscribe call expected');
          onSubscribeLatch.close();
        }
        override onError(): void {
          onSubscribeLatch.assertClosed('onSubscribe should be called prior to onError always');
          onErrorLatch.assertOpen(`Error-state Publisher ${describeObject(pub)} called \`onError\` twice on new Subscriber`);
          onErrorLatch.close();
        }
      })(env);
      try {
        pub.subscribe(sub);
        await onSubscribeLatch.expectClose('Should have received onSubscribe');
        await onErrorLatch.expectClose(`Error-state Publisher ${describeObject(pub)} did not call \`onError\` on new Subscriber`);
        env.verifyNoAsyncErrorsNoDelay();
      } catch (e) {
        if (e instanceof TckSkip) throw e;
        throw env.fail(`Publisher threw exception (${e instanceof Error ? e.message : fmt(e)}) instead of signalling error via onError!`, e);
      }
    }),
  );

  def('required', 'required_spec105_mustSignalOnCompleteWhenFiniteStreamTerminates', (env) =>
    activePublisherTest(env, 3, true, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      await sub.requestNextElement();
      await sub.requestNextElement();
      await sub.requestNextElement();
      await sub.requestEndOfStream();
      await sub.expectNone();
    }),
  );

  def('optional', 'optional_spec105_emptyStreamMustTerminateBySignallingOnComplete', (env) =>
    activePublisherTest(env, 0, true, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      sub.request(1);
      await sub.expectCompletion();
      await sub.expectNone();
    }),
  );

  def('required', 'required_spec107_mustNotEmitFurtherSignalsOnceOnCompleteHasBeenSignalled', (env) =>
    activePublisherTest(env, 1, true, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      sub.request(10);
      await sub.nextElement();
      await sub.expectCompletion();

      sub.request(10);
      await sub.expectNone();
    }),
  );

  def('required', 'required_spec109_subscribeThrowNPEOnNullSubscriber', (env) =>
    activePublisherTest(env, 0, false, async (pub) => {
      for (const nullish of [null, undefined]) {
        try {
          pub.subscribe(nullish as unknown as Subscriber<T>);
          env.flop(`Publisher did not throw a TypeError when given a ${nullish} Subscriber in subscribe`);
        } catch (e) {
          if (!(e instanceof TypeError)) {
            env.flop(`Publisher threw ${fmt(e)} instead of a TypeError when given a ${nullish} Subscriber in subscribe`, e);
          }
        }
      }
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def('required', 'required_spec109_mustIssueOnSubscribeForNonNullSubscriber', (env) =>
    activePublisherTest(env, 0, false, async (pub) => {
      const onSubscribeLatch = new Latch(env);
      let cancel: Subscription | undefined;
      try {
        pub.subscribe({
          onError() {
            onSubscribeLatch.assertClosed('onSubscribe should be called prior to onError always');
          },
          onSubscribe(subs) {
            cancel = subs;
            onSubscribeLatch.assertOpen('Only one onSubscribe call expected');
            onSubscribeLatch.close();
          },
          onNext() {
            onSubscribeLatch.assertClosed('onSubscribe should be called prior to onNext always');
          },
          onComplete() {
            onSubscribeLatch.assertClosed('onSubscribe should be called prior to onComplete always');
          },
        });
        await onSubscribeLatch.expectClose('Should have received onSubscribe');
        env.verifyNoAsyncErrorsNoDelay();
      } finally {
        const s = cancel;
        cancel = undefined;
        s?.cancel();
      }
    }),
  );

  def('required', 'required_spec109_mayRejectCallsToSubscribeIfPublisherIsUnableOrUnwillingToServeThemRejectionMustTriggerOnErrorAfterOnSubscribe', (env) =>
    whenHasErrorPublisherTest(env, async (pub) => {
      const onErrorLatch = new Latch(env);
      const onSubscribeLatch = new Latch(env);
      pub.subscribe({
        onError() {
          onSubscribeLatch.assertClosed('onSubscribe should be called prior to onError always');
          onErrorLatch.assertOpen('Only one onError call expected');
          onErrorLatch.close();
        },
        onSubscribe() {
          onSubscribeLatch.assertOpen('Only one onSubscribe call expected');
          onSubscribeLatch.close();
        },
        onNext(element) {
          env.flop(`Failed publisher signalled onNext(${fmt(element)})`);
        },
        onComplete() {
          env.flop('Failed publisher signalled onComplete() instead of onError');
        },
      });
      await onSubscribeLatch.expectClose('Should have received onSubscribe');
      await onErrorLatch.expectClose('Should have received onError');
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def('optional', 'optional_spec111_maySupportMultiSubscribe', (env) =>
    activePublisherTest(env, 1, false, async (pub) => {
      let sub1: ManualSubscriber<T> | undefined;
      let sub2: ManualSubscriber<T> | undefined;
      try {
        sub1 = await env.newManualSubscriber(pub);
        sub2 = await env.newManualSubscriber(pub);
        await env.verifyNoAsyncErrors();
      } finally {
        cancelAll(sub1, sub2);
      }
    }),
  );

  def('optional', 'optional_spec111_registeredSubscribersMustReceiveOnNextOrOnCompleteSignals', (env) =>
    activePublisherTest(env, 1, false, async (pub) => {
      let sub1: ManualSubscriber<T> | undefined;
      let sub2: ManualSubscriber<T> | undefined;
      try {
        sub1 = await env.newManualSubscriber(pub);
        sub2 = await env.newManualSubscriber(pub);
        // whether multicast or unicast, each subscriber gets an element or completion
        await sub1.requestNextElementOrEndOfStream();
        await sub2.requestNextElementOrEndOfStream();
        await env.verifyNoAsyncErrors();
      } finally {
        cancelAll(sub1, sub2);
      }
    }),
  );

  def('optional', 'optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne', (env) =>
    activePublisherTest(env, 5, true, async (pub) => {
      const p = describeObject(pub);
      const sub1 = await env.newManualSubscriber(pub);
      const sub2 = await env.newManualSubscriber(pub);
      const sub3 = await env.newManualSubscriber(pub);

      sub1.request(1);
      const x1 = await sub1.nextElement(`Publisher ${p} did not produce the requested 1 element on 1st subscriber`);
      sub2.request(2);
      const y1 = await sub2.nextElements(2, `Publisher ${p} did not produce the requested 2 elements on 2nd subscriber`);
      sub1.request(1);
      const x2 = await sub1.nextElement(`Publisher ${p} did not produce the requested 1 element on 1st subscriber`);
      sub3.request(3);
      const z1 = await sub3.nextElements(3, `Publisher ${p} did not produce the requested 3 elements on 3rd subscriber`);
      sub3.request(1);
      const z2 = await sub3.nextElement(`Publisher ${p} did not produce the requested 1 element on 3rd subscriber`);
      sub3.request(1);
      const z3 = await sub3.nextElement(`Publisher ${p} did not produce the requested 1 element on 3rd subscriber`);
      await sub3.requestEndOfStream(`Publisher ${p} did not complete the stream as expected on 3rd subscriber`);
      sub2.request(3);
      const y2 = await sub2.nextElements(3, `Publisher ${p} did not produce the requested 3 elements on 2nd subscriber`);
      await sub2.requestEndOfStream(`Publisher ${p} did not complete the stream as expected on 2nd subscriber`);
      sub1.request(2);
      const x3 = await sub1.nextElements(2, `Publisher ${p} did not produce the requested 2 elements on 1st subscriber`);
      sub1.request(1);
      const x4 = await sub1.nextElement(`Publisher ${p} did not produce the requested 1 element on 1st subscriber`);
      await sub1.requestEndOfStream(`Publisher ${p} did not complete the stream as expected on 1st subscriber`);

      const r = [x1, x2, ...x3, x4];
      const check1 = [...y1, ...y2];
      const check2 = [...z1, z2, z3];
      if (!elementsEqual(r, check1)) {
        throw env.fail(`Publisher ${p} did not produce the same element sequence for subscribers 1 and 2: ${fmt(r)} vs ${fmt(check1)}`);
      }
      if (!elementsEqual(r, check2)) {
        throw env.fail(`Publisher ${p} did not produce the same element sequence for subscribers 1 and 3: ${fmt(r)} vs ${fmt(check2)}`);
      }
    }),
  );

  const manyUpfront = (completion: boolean) => (env: TestEnvironment) =>
    activePublisherTest(env, 3, completion, async (pub) => {
      const sub1 = await env.newManualSubscriber(pub);
      const sub2 = await env.newManualSubscriber(pub);
      const sub3 = await env.newManualSubscriber(pub);
      // if the publisher must touch its source to notice it's been drained, onComplete won't come
      // until we ask for more than it actually contains
      sub1.request(4);
      sub2.request(4);
      sub3.request(4);
      const received1 = await sub1.nextElements(3);
      const received2 = await sub2.nextElements(3);
      const received3 = await sub3.nextElements(3);
      if (completion) {
        await sub1.expectCompletion();
        await sub2.expectCompletion();
        await sub3.expectCompletion();
      }
      if (!elementsEqual(received1, received2)) {
        throw env.fail(`Expected elements to be signaled in the same sequence to 1st and 2nd subscribers: ${fmt(received1)} vs ${fmt(received2)}`);
      }
      if (!elementsEqual(received2, received3)) {
        throw env.fail(`Expected elements to be signaled in the same sequence to 2nd and 3rd subscribers: ${fmt(received2)} vs ${fmt(received3)}`);
      }
    });

  def('optional', 'optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront', manyUpfront(false));
  def(
    'optional',
    'optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfrontAndCompleteAsExpected',
    manyUpfront(true),
  );

  // ------------------------------------------------------------------ SUBSCRIPTION TESTS

  def('required', 'required_spec302_mustAllowSynchronousRequestCallsFromOnNextAndOnSubscribe', (env) =>
    activePublisherTest(env, 6, false, async (pub) => {
      const sub = new (class extends ManualSubscriber<T> {
        override onSubscribe(subs: Subscription): void {
          const tracked = this.acceptSubscription(subs);
          tracked.request(1);
          tracked.request(1);
          tracked.request(1);
        }
        override onNext(element: T): void {
          super.onNext(element);
          this.subscription.value().request(1);
        }
      })(env);
      await env.subscribe(pub, sub);
      await env.verifyNoAsyncErrors();
    }),
  );

  def('required', 'required_spec303_mustNotAllowUnboundedRecursion', async (env) => {
    const spec = specOf(env);
    const bound = boundedDepth(spec);
    const oneMoreThanBoundedLimit = bound + 1;
    await activePublisherTest(env, oneMoreThanBoundedLimit, false, async (pub) => {
      let stackDepthCounter = 0;
      const runCompleted = new Latch(env);
      const sub = new (class extends ManualSubscriber<T> {
        // counts the number of signals received, used to break out from possibly infinite request/onNext loops
        signalsReceived = 0;

        override onNext(element: T): void {
          // not recording elements: this test only cares about stack depths
          this.signalsReceived += 1;
          stackDepthCounter += 1;
          env.debug(() => `${this}(recursion depth: ${stackDepthCounter})::onNext(${fmt(element)})`);
          const callsUntilNow = stackDepthCounter;
          if (callsUntilNow > bound) {
            env.flop(`Got ${callsUntilNow} onNext calls within the same call stack, yet expected recursive bound was ${bound} (Rule 3.3)`);
            // stop the recursive call chain
            runCompleted.close();
            return;
          } else if (this.signalsReceived >= oneMoreThanBoundedLimit) {
            // max number of signals reached, recursion depth not exceeded: success
            runCompleted.close();
            return;
          }
          // request more right away, the publisher must break the recursion
          try {
            this.subscription.value().request(1);
          } finally {
            stackDepthCounter -= 1;
          }
        }

        override onComplete(): void {
          super.onComplete();
          runCompleted.close();
        }

        override onError(cause: unknown): void {
          super.onError(cause);
          runCompleted.close();
        }
      })(env);

      try {
        await env.subscribe(pub, sub);
        sub.request(1); // kick off the `request -> onNext -> request -> onNext -> ...`
        await runCompleted.expectClose(
          `Unable to validate call stack depth safety, awaited at-most ${oneMoreThanBoundedLimit} signals (\`boundedDepthOfOnNextAndRequestRecursion() + 1\`) or completion`,
        );
        env.verifyNoAsyncErrorsNoDelay();
      } finally {
        // the request/onNext recursion may keep the publisher running "forever"
        sub.cancelQuietly();
      }
    });
  });

  def('required', 'required_spec306_afterSubscriptionIsCancelledRequestMustBeNops', (env) =>
    activePublisherTest(env, 3, false, async (pub) => {
      const sub = new ManualSubscriber<T>(env);
      await env.subscribe(pub, sub);

      sub.cancel();
      sub.request(1);
      sub.request(1);
      sub.request(1);

      await sub.expectNone('Publisher signalled after its Subscription was cancelled (requests after cancel must be NOPs, Rule 3.6): ');
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def('required', 'required_spec307_afterSubscriptionIsCancelledAdditionalCancelationsMustBeNops', (env) =>
    activePublisherTest(env, 1, false, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      // leak the Subscription
      const subs = sub.subscription.value();
      subs.cancel();
      subs.cancel();
      subs.cancel();

      await sub.expectNone();
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  const requestMustSignalRangeError = (n: () => number, description: string, messageParts?: readonly string[]) => (env: TestEnvironment) =>
    activePublisherTest(env, 10, false, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      const value = n();
      try {
        sub.request(value);
      } catch (e) {
        throw env.fail(`Subscription.request(${value}) threw ${fmt(e)} instead of signalling onError(RangeError) (Rule 3.9)`, e);
      }
      if (messageParts) {
        await sub.expectErrorWithMessage(RangeError, messageParts);
      } else {
        await sub.expectError(RangeError, `Subscription.request(${value}) (${description}) must signal onError(RangeError) (Rule 3.9)`);
      }
    });

  const negative = (): number => -Math.floor(Math.random() * 2147483647) - 1;

  def(
    'required',
    'required_spec309_requestZeroMustSignalIllegalArgumentException',
    requestMustSignalRangeError(() => 0, 'zero'),
  );
  def('required', 'required_spec309_requestNegativeNumberMustSignalIllegalArgumentException', requestMustSignalRangeError(negative, 'negative'));
  // JS-specific additions (not in the Java TCK): the JS adaptation of rule 3.9 also rejects NaN and fractions.
  def(
    'required',
    'required_spec309_requestNaNMustSignalRangeError',
    requestMustSignalRangeError(() => Number.NaN, 'NaN'),
  );
  def(
    'required',
    'required_spec309_requestFractionalNumberMustSignalRangeError',
    requestMustSignalRangeError(() => 1.5, 'fractional'),
  );
  def(
    'optional',
    'optional_spec309_requestNegativeNumberMaySignalIllegalArgumentExceptionWithSpecificMessage',
    requestMustSignalRangeError(negative, 'negative', ['3.9', 'non-positive subscription request', 'negative subscription request']),
  );

  def('required', 'required_spec312_cancelMustMakeThePublisherToEventuallyStopSignaling', (env) => {
    // the publisher is able to signal more elements than the subscriber will be requesting in total
    const publisherElements = 20;
    const demand1 = 10;
    const demand2 = 5;
    const totalDemand = demand1 + demand2;
    return activePublisherTest(env, publisherElements, false, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      sub.request(demand1);
      sub.request(demand2);
      // Expect an element first and cancel afterwards: an asynchronous publisher may legally handle a
      // cancel that comes before it emitted anything by never emitting.
      await sub.nextElement();
      sub.cancel();

      let onNextsSignalled = 1;
      for (;;) {
        const signal = await sub.pollSignal();
        if (signal === undefined || signal.kind !== 'next') break;
        onNextsSignalled += 1;
        if (onNextsSignalled > totalDemand) {
          throw env.fail(`Publisher signalled [${onNextsSignalled}] elements, which is more than the signalled demand: ${totalDemand}`);
        }
      }
    });
  });

  def('required', 'required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber', (env) =>
    activePublisherTest(env, 3, false, async (pub) => {
      const gc = options.gc ?? obtainGc();
      if (gc === undefined) {
        skip('Cannot verify rule 3.13: no garbage collector hook available (run node with --expose-gc or pass `gc` in the options)');
      }
      // Kept in a separate async function so that nothing on this frame references the subscriber.
      const ref = await subscribeRequestOneAndCancel(env, pub);
      // cancel may be handled asynchronously, so poll for the publisher to let go of the subscriber
      const deadline = Date.now() + gcTimeoutMs;
      for (;;) {
        await sleep(5);
        await gc();
        await sleep(0);
        if (ref.deref() === undefined) break;
        if (Date.now() > deadline) {
          throw env.fail(
            `Publisher ${describeObject(pub)} did not drop reference to test subscriber after subscription cancellation (within ${gcTimeoutMs} ms)`,
          );
        }
      }
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def('required', 'required_spec317_mustSupportAPendingElementCountUpToLongMaxValue', (env) =>
    activePublisherTest(env, 3, true, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      sub.request(Infinity);
      await sub.nextElements(3);
      await sub.expectCompletion();
      env.verifyNoAsyncErrorsNoDelay();
    }),
  );

  def('required', 'required_spec317_mustSupportACumulativePendingElementCountUpToLongMaxValue', (env) =>
    activePublisherTest(env, 3, true, async (pub) => {
      const sub = await env.newManualSubscriber(pub);
      const half = Math.floor(Number.MAX_SAFE_INTEGER / 2);
      sub.request(half); // pending = MAX_SAFE_INTEGER / 2
      sub.request(half); // pending = MAX_SAFE_INTEGER - 1
      sub.request(1); // pending = MAX_SAFE_INTEGER
      await sub.nextElements(3);
      await sub.expectCompletion();
      try {
        env.verifyNoAsyncErrorsNoDelay();
      } finally {
        sub.cancelQuietly();
      }
    }),
  );

  def('required', 'required_spec317_mustNotSignalOnErrorWhenPendingAboveLongMaxValue', (env) =>
    activePublisherTest(env, 2147483647, false, async (pub) => {
      const sub = new (class extends BlackholeSubscriber<T> {
        // arbitrary limit on the number of request calls; overflow is expected after 2 already
        callsCounter = 10;
        override onNext(element: T): void {
          super.onNext(element);
          if (!this.subscription.isCompleted) return;
          if (this.callsCounter > 0) {
            this.subscription.value().request(Number.MAX_SAFE_INTEGER - 1);
            this.callsCounter -= 1;
          } else {
            this.subscription.value().cancel();
          }
        }
      })(env);
      await env.subscribe(pub, sub);
      try {
        // eventually triggers onNext, which then requests MAX_SAFE_INTEGER - 1 up to 10 times: pending overflows
        sub.request(1);
        // no onError should be signalled
        await env.verifyNoAsyncErrors();
      } finally {
        sub.cancelQuietly();
      }
    }),
  );

  return defs;
}

async function subscribeRequestOneAndCancel<T>(env: TestEnvironment, pub: Publisher<T>): Promise<WeakRef<object>> {
  const sub = new ManualSubscriber<T>(env);
  await env.subscribe(pub, sub);
  const ref = new WeakRef<object>(sub);
  sub.request(1);
  await sub.nextElement();
  sub.cancel();
  return ref;
}

let cachedGc: (() => unknown) | null | undefined;

function obtainGc(): (() => unknown) | undefined {
  if (cachedGc === undefined) {
    const global = (globalThis as { gc?: unknown }).gc;
    if (typeof global === 'function') {
      cachedGc = global as () => unknown;
    } else {
      try {
        setFlagsFromString('--expose-gc');
        const fn: unknown = runInNewContext('gc');
        cachedGc = typeof fn === 'function' ? (fn as () => unknown) : null;
      } catch {
        cachedGc = null;
      }
    }
  }
  return cachedGc ?? undefined;
}

/** The `PublisherVerification` tests, ready to be registered with any test runner. */
export function publisherVerificationTests<T>(spec: PublisherVerificationSpec<T>, options: PublisherVerificationOptions = {}): TckTest[] {
  return toTckTests(
    publisherVerificationDefinitions(() => spec, options),
    options,
  );
}

/**
 * Register the `PublisherVerification` tests, e.g.
 * `publisherVerification({ createPublisher: (n) => ..., createFailedPublisher: () => null }, { describe, it })`.
 */
export function publisherVerification<T>(spec: PublisherVerificationSpec<T>, registrar: TckRegistrar, options: PublisherVerificationOptions = {}): void {
  registerTests(registrar, options.suiteName ?? 'PublisherVerification', publisherVerificationTests(spec, options));
}
