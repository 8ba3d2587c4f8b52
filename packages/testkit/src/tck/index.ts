/**
 * A port of the Reactive Streams 1.0.4 TCK to TypeScript, independent of any test runner.
 *
 * ```ts
 * import { describe, it } from 'vitest';
 * import { publisherVerification } from '@tributary/testkit';
 *
 * publisherVerification({ createPublisher: (n) => myPublisher(n), createFailedPublisher: () => null }, { describe, it });
 * ```
 */
export {
  TestEnvironment,
  TckAssertionError,
  TckSkip,
  TestException,
  ManualSubscriber,
  BlackholeSubscriber,
  TestSubscriber,
  ManualPublisher,
  Latch,
  OneShot,
  Receptacle,
  ChangeSignal,
  fmt,
  elementsEqual,
  isValidDemand,
  addDemand,
  sleep,
} from './TestEnvironment.js';
export type { TestEnvironmentOptions, ErrorClass, ReceivedSignal } from './TestEnvironment.js';

export { HelperPublisher } from './HelperPublisher.js';
export type { SubscriberFailureHandler } from './HelperPublisher.js';

export { toTckTests, registerTests, ruleOf } from './registration.js';
export type {
  TckRegistrar,
  TckTest,
  TckTestContext,
  TckTestFunction,
  TckTestKind,
  TckTestDefinition,
  VerificationOptions,
} from './registration.js';

export {
  publisherVerification,
  publisherVerificationTests,
  publisherVerificationDefinitions,
  PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE,
} from './PublisherVerification.js';
export type { PublisherVerificationSpec, PublisherVerificationOptions } from './PublisherVerification.js';

export {
  subscriberWhiteboxVerification,
  subscriberWhiteboxVerificationTests,
  subscriberWhiteboxVerificationDefinitions,
  BlackboxProbe,
  WhiteboxSubscriberProbe,
  WhiteboxTestStage,
} from './SubscriberWhiteboxVerification.js';
export type { SubscriberWhiteboxVerificationSpec, SubscriberProbe, SubscriberPuppet } from './SubscriberWhiteboxVerification.js';

export {
  subscriberBlackboxVerification,
  subscriberBlackboxVerificationTests,
  subscriberBlackboxVerificationDefinitions,
  BlackboxSubscriberProxy,
  BlackboxTestStage,
} from './SubscriberBlackboxVerification.js';
export type { SubscriberBlackboxVerificationSpec } from './SubscriberBlackboxVerification.js';

export {
  identityProcessorVerification,
  identityProcessorVerificationTests,
  identityProcessorVerificationDefinitions,
  TestSetup,
} from './IdentityProcessorVerification.js';
export type { IdentityProcessorVerificationSpec, IdentityProcessorVerificationOptions } from './IdentityProcessorVerification.js';
