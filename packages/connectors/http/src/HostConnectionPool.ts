/**
 * The materialized value of a pool flow (`Http.hostConnectionPool`, `Http.superPool`): a handle on its
 * connections. `shutdown()` stops taking requests, lets those in flight finish (their results are
 * still emitted), completes the flow and closes the connections; it resolves once they are closed.
 */
export interface HostConnectionPool {
  /** The origin this pool talks to (`undefined` for a super pool, which talks to many). */
  readonly origin: string | undefined;
  shutdown(): Promise<void>;
}
