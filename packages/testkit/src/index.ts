/**
 * `@tributary/testkit` — probes for demand-level tests, a virtual-time scheduler, and a port of the
 * Reactive Streams TCK.
 *
 * @module @tributary/testkit
 */
export { TestSink, TestSubscriberProbe, type SubscriberEvent, type ProbeSettings } from './TestSink.js';
export { TestSource, TestPublisherProbe, type PublisherEvent } from './TestSource.js';
export { VirtualScheduler, flushStreams } from './VirtualScheduler.js';
export { settle, type SettleOptions, type IdleObservable } from './Settle.js';
export { ProbeTimeoutError, AssertionFailed } from './Expectations.js';
export * from './tck/index.js';
